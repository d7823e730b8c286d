"""Your own signs: a few of a user's own hands per sign, kept by the page, steer the keypoint model.

A new person fails on whole letters that they form differently from the people in the training
photos (holding out asl-letters' one signer: U -> R, P -> H, T -> X for nearly every photo), and no
amount of augmentation invents their way of signing. So the page lets them show it a sign for a
moment (*Teach it your signs*): it keeps those hands' landmarks (63 numbers each, never a picture)
in the browser, and from then on a hand near one of them counts as that sign:

  personal(c) = mean over the user's hands of sign c of exp(-|x - hand|^2 / TAU), + FLOOR, renormalised
  keypoint probabilities x personal^GAMMA, renormalised (keypoints.fuse), then fused with the image model

web/personal.js does the same (tests/test_personal.py compares them). studies.lodo measures it on
each held-out set: the first hands of every sign taught, scored on photos at least a frame block away.
"""
import numpy as np

from training import data
from training.keypoints import fuse

TAU = 0.1  # squared distance in normalised landmarks (the hand's size is 1): ~0.3 apart counts as near
GAMMA = 4.0  # how much the user's own hands weigh against the keypoint model's
FLOOR = 1e-3  # a sign the user never taught, or a hand far from every taught one, keeps this much
PER_SIGN = 10  # hands kept per sign: the page records this many frames


def personal_probabilities(features, taught_features, taught_labels, num_classes):
    """N×63 normalised landmarks -> N×num_classes: how near each is to the user's hands of each sign."""
    features, taught = np.asarray(features, np.float64), np.asarray(taught_features, np.float64)
    squared = ((features ** 2).sum(1)[:, None] + (taught ** 2).sum(1)[None] - 2 * features @ taught.T)
    near = np.exp(-np.maximum(squared, 0) / TAU)
    density = np.zeros((len(features), num_classes))
    for sign in np.unique(taught_labels):
        density[:, sign] = near[:, np.asarray(taught_labels) == sign].mean(1)
    density += FLOOR
    return density / density.sum(1, keepdims=True)


def with_personal(keypoint_probs, personal):
    return fuse(keypoint_probs, personal, GAMMA)


def teaching_split(paths, y, found, per_sign=PER_SIGN):
    """What a new user would teach and what to score them on: for every sign, its first `per_sign`
    photos with a hand, all from its first frame block (a moment of video, as the page records), and
    a mask of the photos of every sign at least one block away from those (no near copy of them)."""
    frames = np.array([data.frame_index(p) or 0 for p in paths])
    block, order = frames // data.FRAME_BLOCK, np.argsort(frames, kind="stable")
    taught, tested = [], np.ones(len(y), bool)
    for sign in np.unique(y):
        rows = order[(y[order] == sign) & found[order]]
        if not len(rows):
            continue
        first = block[rows[0]]
        taught += list(rows[block[rows] == first][:per_sign])
        tested[(y == sign) & (np.abs(block - first) <= 1)] = False
    return np.array(taught, int), tested
