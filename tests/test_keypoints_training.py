"""training.keypoints on a real (small) run: landmarks of its photos, extra hands of other people
for training only, the fusion weight chosen on val, and its report."""
import json
import re
import shutil

import keras
import numpy as np
import pytest

from conftest import ROOT
from training import evaluate, keypoints, signs_files
from training.landmarks import extract_in_hands_venv


def landmarks_of(photos, out, tmp_path):
    """MediaPipe landmarks of these photos (absolute paths), keyed CLASS/FILE like a split."""
    tree = tmp_path / out.stem
    for photo in photos:
        (tree / photo.parent.name).mkdir(parents=True, exist_ok=True)
        (tree / photo.parent.name / photo.name).symlink_to(photo)
    return extract_in_hands_venv(tree, out)


def test_keypoint_training_learns_extra_hands_and_reports_what_it_chose(smoke_model, tmp_path, capsys):
    source, _ = smoke_model
    run = tmp_path / "runs" / "smoke"
    shutil.copytree(source, run)  # the fixture's run is shared: keep its folder as export tests expect it
    split = json.loads((run / "split.json").read_text())
    root = ROOT / split["data_root"]
    landmarks = tmp_path / "landmarks"
    landmarks.mkdir()
    in_run = [root / p for part in ("train", "val", "test") for p in split[part]]
    # Photos of other students, outside the run's split: hands for training only.
    others = [p for c in split["classes"] for p in sorted((root / c).iterdir())[-3:] if p not in in_run]
    extra = landmarks_of(others, landmarks / "other-students.npz", tmp_path)
    # And others again, as `train --hold-out-signer` lists a person kept out of every part: scored apart.
    held = [p for c in split["classes"] for p in sorted((root / c).iterdir())[-6:-3] if p not in in_run]
    split.update(held_out_signer="S2", held_out=[str(p.relative_to(root)) for p in held])
    (run / "split.json").write_text(json.dumps(split))
    landmarks_of(in_run + held, landmarks / "sign-digits.npz", tmp_path)

    # And a person's own signs as the page saves them (Save my signs): their hands of two signs from a
    # lesson, and two left out: one this model does not have, one learnt from words (maybe wrong).
    table = keypoints.load_landmarks(landmarks, ["other-students"])
    features, found = keypoints.features_for(list(table), table)
    hands = np.round(features[found], 4).tolist()  # as the page stores them
    friend = tmp_path / "friend.json"
    friend.write_text(json.dumps({"format": "signcam-own-signs", "version": 1, "model": "smoke",
                                  "signs": {"3": hands[:2], "7": hands[2:5], "Q": hands[:1], "1": hands[5:7]},
                                  "lessons": ["3", "7", "Q"]}))

    keypoints.main(["--name", "smoke", "--runs", str(run.parent), "--landmarks", str(landmarks),
                    "--extra-landmarks", "other-students", "--person-balance", "1", "--signs-files", str(friend)])

    report = json.loads((run / "keypoints.json").read_text())
    found_extra = int((~np.isnan(extra["points"][:, 0, 0])).sum())
    assert report["extra_training_landmarks"] == {"other-students": found_extra}
    assert report["signs_files"] == {str(friend): 5}
    assert f"5 hands of 2 signs from {friend} (left out, not signs of this model, damaged or learnt from words: Q 1)" in capsys.readouterr().out
    # Each set counts as one person here (training/people.py), weighed alike: --person-balance 1.
    assert report["person_balance_power"] == 1.0
    assert report["training_photos_by_person"]["other-students"] == found_extra
    assert report["training_photos_by_person"][f"signs:{friend}"] == 5
    assert set(report["training_photos_by_person"]) == {"sign-digits", "other-students", f"signs:{friend}"}
    assert report["fusion_image_weight"] in keypoints.FUSION_WEIGHTS and report["fusion_image_weight"] <= 0.5
    assert report["val_accuracy_by_weight"][str(report["fusion_image_weight"])] == max(report["val_accuracy_by_weight"].values())
    twins = json.loads((run / "test_twins.json").read_text())  # written by training.train
    assert report["test_without_near_twins"]["n"] == len(split["test"]) - len(twins) > 0
    assert report["hands_found"]["test"] > 0.8
    model = keypoints.load_model(run / "keypoints.keras")
    assert model.output_shape[-1] == len(split["classes"])
    # One graph averaging a model per seed, each with the hand-shape features; the seeds differ.
    members = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    assert len(members) == len(keypoints.SEEDS)
    assert all(any(isinstance(layer, keypoints.HandShape) for layer in member.layers) for member in members)
    table = keypoints.load_landmarks(landmarks, ["sign-digits"], prefixed=False)
    features, found = keypoints.features_for(keypoints.covered(split["test"], table), table)
    each = np.stack([member.predict(features[found], verbose=0) for member in members])
    np.testing.assert_allclose(model.predict(features[found], verbose=0), each.mean(0), atol=1e-5)
    assert np.abs(each[0] - each[1]).max() > 0.01
    assert report["test"]["keypoints"] > 0.3  # 10 classes: chance is 0.1; hands of digits are easy
    assert report["test_mirrored"]["keypoints"] > 0.3  # the same photos flipped: a left-handed signer
    held_out = report["held_out"]
    assert held_out["signer"] == "S2" and held_out["n"] == len(held)
    assert set(held_out["per_class"]) == {p.parent.name for p in held}
    assert sum(row["n"] for row in held_out["per_class"].values()) == len(held)
    assert held_out["fused"] > 0.3 and held_out["keypoints"] > 0.3  # students never seen; chance 0.1

    # --score-only scores the same keypoint model again, without training or rewriting it: the same numbers.
    trained = (run / "keypoints.keras").read_bytes()
    keypoints.main(["--name", "smoke", "--runs", str(run.parent), "--landmarks", str(landmarks), "--score-only"])
    again = json.loads((run / "keypoints.json").read_text())
    assert (run / "keypoints.keras").read_bytes() == trained
    for key in ("fusion_image_weight", "test", "held_out", "test_mirrored"):
        assert again[key] == report[key], key
    assert again["chosen_on"] == {"fusion_image_weight": "val", "no_hand_min_confidence": "val"}
    # A fusion weight and no-hand bar chosen elsewhere (on held-out people: studies/people_out.py) are used as given.
    keypoints.main(["--name", "smoke", "--runs", str(run.parent), "--landmarks", str(landmarks), "--score-only",
                    "--fusion-image-weight", "0.05", "--no-hand-bar", "0.9"])
    given = json.loads((run / "keypoints.json").read_text())
    assert (given["fusion_image_weight"], given["no_hand_min_confidence"]) == (0.05, 0.9)
    assert given["chosen_on"]["fusion_image_weight"].startswith("given")
    assert given["test"]["keypoints"] == report["test"]["keypoints"]  # the keypoint model alone is unchanged

    # training.evaluate --part held_out scores the same photos with the same models and rule (and the
    # run's fusion weight and bar as keypoints.json now gives them), so the same numbers.
    capsys.readouterr()
    evaluate.main(["--model", str(run), "--part", "held_out", "--landmarks", str(landmarks)])
    scored = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert scored["n"] == len(held)
    for name in ("image", "keypoints", "fused"):
        assert scored[name]["accuracy"] == pytest.approx(given["held_out"][name]), name


def test_augmentation_mirrors_about_half_the_hands_and_keeps_their_size():
    hand = np.zeros((21, 3), np.float32)
    hand[1:, 0] = np.linspace(0.1, 1.0, 20)  # every point to the wrist's right
    hand[1:, 1] = -np.linspace(0.1, 1.0, 20)
    out = keypoints.augment(np.tile(hand.reshape(1, 63), (2000, 1))).numpy().reshape(-1, 21, 3)
    mirrored = out[:, 20, 0] < 0  # rotation ±15° alone cannot move the fingertip past the wrist
    assert 0.45 < mirrored.mean() < 0.55
    np.testing.assert_allclose(np.linalg.norm(out[:, 20, :2], axis=1).mean(), np.linalg.norm(hand[20, :2]), rtol=0.05)


def test_mirrored_landmarks_are_the_flipped_photos_points():
    points = np.random.default_rng(0).uniform(0, 1, (21, 3)).astype(np.float32)
    room = points * 0.9 + 0.05
    flipped = keypoints.mirrored({"A/1.jpg": (points, np.array([640, 480]), room),
                                  "A/2.jpg": (None, np.array([9, 9]), None)})
    for reading, before in ((0, points), (2, room)):  # both readings of the photo
        np.testing.assert_allclose(flipped["A/1.jpg"][reading][:, 0], 1 - before[:, 0])
        np.testing.assert_allclose(flipped["A/1.jpg"][reading][:, 1:], before[:, 1:])
    assert flipped["A/2.jpg"][0] is None and flipped["A/2.jpg"][2] is None


def test_a_landmark_cache_made_before_photos_were_read_twice_is_named(tmp_path):
    np.savez(tmp_path / "old.npz", paths=np.array(["A/1.jpg"]), points=np.zeros((1, 21, 3), np.float32),
             size=np.array([[64, 64]]))
    with pytest.raises(SystemExit, match="old.npz was made before photos were read twice"):
        keypoints.load_landmarks(tmp_path, ["old"])


def test_a_signs_file_that_is_not_one_is_for_another_model_or_holds_no_lesson_is_named(tmp_path):
    good = {"format": "signcam-own-signs", "version": 1, "model": "letters", "signs": {"A": [[0.0] * 63]}}
    for name, text, words in [
            ("photo.json", "\xff\xd8 not json", "photo.json: not a file of SignCam signs"),
            ("other.json", json.dumps({"signs": {}}), "other.json: not a file of SignCam signs"),
            ("digits.json", json.dumps({**good, "model": "digits"}), "holds signs for the 'digits' model, not 'letters'"),
            ("broken.json", json.dumps({**good, "signs": {"A": [[0.0] * 62], "B": "x", "hello": [[0.0] * 63]}}),
             "no lesson's hands of a sign the 'letters' model has (left out: A, B, hello)"),
            ("words.json", json.dumps({**good, "lessons": []}), "no lesson's hands of a sign the 'letters' model has (left out: A)"),
            ("odd.json", json.dumps({**good, "lessons": "A"}), "its \"lessons\" should list the signs a lesson taught, not 'A'")]:
        (tmp_path / name).write_text(text)
        with pytest.raises(signs_files.SignsFileError, match=re.escape(words)):
            signs_files.read(tmp_path / name, "letters", ["A", "B"])
    with pytest.raises(signs_files.SignsFileError, match="missing.json: not a file of SignCam signs"):
        signs_files.read(tmp_path / "missing.json", "letters", ["A", "B"])


def test_keypoint_training_names_a_missing_landmark_cache(smoke_model, tmp_path):
    source, _ = smoke_model
    shutil.copytree(source, tmp_path / "smoke")
    with pytest.raises(SystemExit, match="no landmarks for sign-digits"):
        keypoints.main(["--name", "smoke", "--runs", str(tmp_path), "--landmarks", str(tmp_path / "none")])
