"""Leave people out (studies/people_out.py) with the hand's points also given in the palm's own frame:
does a keypoint model that sees each point as the palm sees it (across the knuckles, wrist to middle
knuckle, out of the palm) read new people better? The thumb's place against the fingers is what tells
A, S, T, M and N apart, and in the image's frame it moves as the hand turns.

    python -m studies.palm_frame [people_out's options]     # -> runs/people-palm/summary.json

HandShape (training/keypoints.py) is extended here, for this run only: 60 more values (points 1-20,
wrist at the origin, in units of the wrist-to-middle-knuckle distance). Not shipped: keypoints 78.1 ->
79.0 % mean of 18 people, fused 80.7 -> 80.6 % of 15 (docs/experiments.md, "Features and the keypoint model").
"""
import sys

import keras

from studies import people_out
from training import keypoints

WRIST, INDEX_KNUCKLE, MIDDLE_KNUCKLE, LITTLE_KNUCKLE = 0, 5, 9, 17


def palm_frame(points):
    """N×21×3 points -> N×60: points 1-20 in the palm's frame, scaled by the palm's length."""
    p = points - points[:, WRIST:WRIST + 1]
    unit = lambda v: v / (keras.ops.norm(v, axis=-1, keepdims=True) + 1e-6)
    up = unit(p[:, MIDDLE_KNUCKLE])
    across = p[:, LITTLE_KNUCKLE] - p[:, INDEX_KNUCKLE]
    across = unit(across - keras.ops.sum(across * up, -1, keepdims=True) * up)
    out = keras.ops.cross(across, up)
    length = keras.ops.norm(p[:, MIDDLE_KNUCKLE], axis=-1)[:, None, None] + 1e-6
    coordinates = keras.ops.stack([keras.ops.sum(p * axis[:, None], -1) for axis in (across, up, out)], -1) / length
    return keras.ops.reshape(coordinates[:, 1:], (-1, 60))


def main(argv=None):
    shape = keypoints.HandShape.call
    keypoints.HandShape.call = lambda self, features: keras.ops.concatenate(
        [shape(self, features), palm_frame(keras.ops.reshape(features, (-1, 21, 3)))], -1)
    argv = sys.argv[1:] if argv is None else argv
    people_out.main(argv if "--out" in argv else [*argv, "--out", "runs/people-palm"])


if __name__ == "__main__":
    main()
