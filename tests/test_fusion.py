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


def test_the_no_hand_bar_is_chosen_on_the_photos_without_a_hand_and_leans_high():
    image = np.concatenate([probs(N=0.62, M=0.38), probs(O=0.8, N=0.2), probs(M=0.58, N=0.42), probs(M=0.52, N=0.48)])
    found = np.array([False, False, False, True])  # the last photo's hand was found: the bar does not apply to it
    y = np.array([CLASSES.index(c) for c in ("N", "O", "nothing", "N")])  # the third shows no sign
    bar, right = keypoints.choose_no_hand_bar(image, found, y, CLASSES)
    # Below 0.6 the third photo reads as M; above it the first one is no longer read as N.
    assert bar == 0.6 and right[0.6] == 3 and right[0.55] == right[0.65] == 2
    # A val split where every hand was found says nothing about the bar: the highest is kept.
    assert keypoints.choose_no_hand_bar(image, np.ones(4, bool), y, CLASSES)[0] == keypoints.NO_HAND_BARS.max()


def test_a_photo_read_twice_counts_both_readings_where_both_found_a_hand():
    # Photo 1: as it is, torn between M and N (a close-up fist); with room, sure of M. Photo 2: only the
    # reading with room found a hand. Photo 3: only the photo as it is. Photo 4: neither.
    as_is = np.concatenate([probs(M=0.45, N=0.55), probs(M=1.0), probs(O=0.9, M=0.1), probs(M=1.0)])
    room = np.concatenate([probs(M=0.9, N=0.1), probs(N=0.7, O=0.3), probs(M=1.0), probs(M=1.0)])
    combined, found = keypoints.combine_readings(as_is, np.array([True, False, True, False]),
                                                 room, np.array([True, True, False, False]))
    assert found.tolist() == [True, True, True, False]
    expected = np.sqrt(as_is[0] * room[0])  # the geometric mean: a product of experts, as fuse()
    np.testing.assert_allclose(combined[0], expected / expected.sum())
    assert CLASSES[combined[0].argmax()] == "M"  # M: sqrt(0.45 × 0.9) = 0.64 > N: sqrt(0.55 × 0.1) = 0.23
    np.testing.assert_allclose(combined[1], room[1])
    np.testing.assert_allclose(combined[2], as_is[2])
    np.testing.assert_allclose(combined.sum(1)[:3], 1.0, rtol=1e-6)
