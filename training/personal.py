"""Your own signs: a few of a user's own hands per sign, kept by the page, steer the keypoint model.

A new person fails on whole letters that they form differently from the people in the training
photos (holding out asl-letters' one signer: U -> R, P -> H, T -> X for nearly every photo), and no
amount of augmentation invents their way of signing. So the page lets them show it a sign for a
moment (*Teach it your signs*): it keeps those hands' landmarks (63 numbers each, never a picture)
in the browser, and from then on a hand near one of them counts as that sign. "Near" is measured
between hand_points: the 63 numbers and BETA x the square roots of the keypoint model's
probabilities on that hand, so that a hand counts as near a taught one only where the model also
reads the two alike (a V is not pulled to a taught K whose landmarks it resembles):

  personal(c) = mean over the user's hands of sign c of exp(-|point - taught point|^2 / TAU), + FLOOR,
                renormalised
  keypoint probabilities x personal^GAMMA, renormalised (keypoints.fuse), then fused with the image model

web/personal.js does the same (tests/test_personal.py compares them). studies.personal_people
measures it on the fifteen people the image model never saw, and chose BETA, TAU and GAMMA there
(each person's setting chosen on the other fourteen; docs/experiments.md, "Your own signs");
studies.lodo on each held-out set.
"""
import numpy as np

from training import data
from training.keypoints import fuse

TAU = 0.1  # squared distance between hand points (the hand's size is 1): ~0.3 apart counts as near
GAMMA = 8.0  # how much the user's own hands weigh against the keypoint model's
BETA = 1.5  # the keypoint model's answer beside the landmarks: without it (0) a taught sign pulls its look-alikes
FLOOR = 1e-3  # a sign the user never taught, or a hand far from every taught one, keeps this much
PER_SIGN = 10  # hands kept per sign: the page records this many frames


def hand_points(features, keypoint_probs, beta=BETA):
    """N×63 normalised landmarks and the keypoint model's N×C probabilities on them -> the N×(63 + C)
    points personal_probabilities compares (web/personal.js handPoint)."""
    return np.concatenate([np.asarray(features, np.float64), beta * np.sqrt(np.asarray(keypoint_probs, np.float64))], 1)


def personal_probabilities(points, taught_points, taught_labels, num_classes, tau=TAU):
    """N hand_points -> N×num_classes: how near each is to the user's hands of each sign."""
    points, taught = np.asarray(points, np.float64), np.asarray(taught_points, np.float64)
    squared = ((points ** 2).sum(1)[:, None] + (taught ** 2).sum(1)[None] - 2 * points @ taught.T)
    near = np.exp(-np.maximum(squared, 0) / tau)
    density = np.zeros((len(points), num_classes))
    for sign in np.unique(taught_labels):
        density[:, sign] = near[:, np.asarray(taught_labels) == sign].mean(1)
    density += FLOOR
    return density / density.sum(1, keepdims=True)


def with_personal(keypoint_probs, personal, gamma=GAMMA):
    return fuse(keypoint_probs, personal, gamma)


def with_own_signs(keypoint_probs, features, taught, beta=BETA, tau=TAU, gamma=GAMMA):
    """The keypoint model's N×C probabilities once the rows `taught` (indices into the N hands, with
    their labels: (rows, labels)) are the user's own signs, as the page steers them (recogniser.js)."""
    rows, labels = taught
    points = hand_points(features, keypoint_probs, beta)
    own = personal_probabilities(points, points[rows], labels, np.shape(keypoint_probs)[1], tau)
    return with_personal(keypoint_probs, own, gamma)


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
