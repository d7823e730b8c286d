"""The chart of signs (training/chart.py -> web/model/NAME/signs.json): typical hands by person, every
sign of the shipped models drawn and described, clear errors."""
import json

import numpy as np
import pytest

from conftest import WEB
from training import chart


def test_the_typical_hand_is_voted_by_people_not_by_photos():
    rng = np.random.default_rng(0)
    one_person_many_photos = rng.normal(0.0, 0.01, (300, 63))
    others = [rng.normal(1.0, 0.01, (5, 63)) for _ in range(3)]
    hands = np.concatenate([one_person_many_photos, *others])
    persons = ["video"] * 300 + [p for p in ("w01", "w02", "w03") for _ in range(5)]
    typical = chart.medoid(hands, persons)
    assert np.allclose(typical, 1.0, atol=0.05)  # three people against one, however many photos that one gave
    assert any(np.array_equal(typical, hand) for hand in hands)  # a real hand, not an average


@pytest.mark.parametrize("model", ["letters", "digits"])
def test_every_shipped_sign_has_a_normalised_hand_and_a_description(model):
    labels = json.loads((WEB / "model" / model / "metadata.json").read_text())["labels"]
    signs = json.loads((WEB / "model" / model / "signs.json").read_text())["signs"]
    assert [sign["label"] for sign in signs] == [label for label in labels if label not in chart.NOT_SIGNS]
    for sign in signs:
        points = np.array(sign["hand"], float).reshape(21, 3)
        assert np.allclose(points[0], 0) and np.isclose(np.linalg.norm(points[:, :2], axis=1).max(), 1, atol=1e-3)
        assert sign["description"] == chart.DESCRIPTIONS[sign["label"]]
        assert sign.get("motion") == chart.MOTIONS.get(sign["label"])


def test_held_out_hands_for_the_feedback_tests_come_from_the_signer_no_model_saw():
    fixture = json.loads((WEB.parent / "tests" / "fixtures" / "held-out-hands.json").read_text())
    split = json.loads((WEB.parent / "models" / "letters.split.json").read_text())
    labels = json.loads((WEB / "model" / "letters" / "metadata.json").read_text())["labels"]
    assert fixture["signer"] == "S2" and len(split["held_out"]) > 0
    assert set(fixture["hands"]) == set("".join(chart.CONFUSED))
    for hands in fixture["hands"].values():
        assert all(len(h["hand"]) == 63 and h["read"] in labels for h in hands)


def test_a_missing_landmark_cache_is_named_with_how_to_make_it(tmp_path):
    run = tmp_path / "runs" / "tiny"
    run.mkdir(parents=True)
    (run / "split.json").write_text(json.dumps({"data": ["/data/tiny-set"], "classes": ["A"], "train": []}))
    with pytest.raises(FileNotFoundError, match=r"no landmark cache for tiny-set .*make landmarks"):
        chart.training_hands(run, tmp_path / "landmarks")
