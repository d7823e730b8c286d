"""The recogniser's rule (training/keypoints.py recognise(), mirrored by web/recogniser.js and
compared with it in test_hands.py) on small hand-made cases."""
import re

import numpy as np

from conftest import WEB
from training import keypoints

CLASSES = ["M", "N", "O", "nothing"]


def probs(**by_class):
    row = np.array([by_class.get(c, 0.0) for c in CLASSES])
    return row[None] / row.sum()


def test_the_image_model_can_overrule_a_keypoint_model_sure_of_a_letter_it_rules_out():
    keypoint = probs(M=0.8, N=0.2)  # a closed fist: the landmarks of folded fingers mislead
    image = probs(M=0.01, N=0.95, O=0.03, nothing=0.01)
    label, probability = keypoints.recognise(keypoint, image, np.array([True]), 0.5, CLASSES)
    assert CLASSES[label[0]] == "N"  # a sum, 0.8 + 0.5 × 0.01 against 0.2 + 0.5 × 0.95, would say M
    np.testing.assert_allclose(keypoints.fuse(keypoint, image, 0.5).sum(), 1.0)
    assert 0.5 < probability[0] < 1


def test_no_hand_and_an_unsure_image_model_is_nothing_and_nothing_is_typed():
    image = np.concatenate([probs(M=0.5, N=0.4, O=0.1), probs(O=0.9, N=0.1)])
    keypoint = np.full_like(image, 1 / len(CLASSES))  # no hand: the keypoint model's output is unused
    found = np.array([False, False])
    label, probability = keypoints.recognise(keypoint, image, found, 0.5, CLASSES)
    assert [CLASSES[i] for i in label] == ["nothing", "O"]
    np.testing.assert_allclose(probability, [0.5, 0.9])
    y = np.array([CLASSES.index("M"), CLASSES.index("O")])
    assert keypoints.typed(keypoint, image, found, 0.5, CLASSES, y) == {"typed": 0.5, "typed_right": 0.5}


def test_the_speller_bar_in_reports_is_the_pages_default():
    page_default = re.search(r"threshold:\s*([0-9.]+)", (WEB / "speller.js").read_text()).group(1)
    assert keypoints.SPELLER_THRESHOLD == float(page_default)
