"""`python -m training.evaluate`: the last line is one JSON object, and --browser (the page's own
code in Chromium) agrees with Python on the same photos."""
import json

import numpy as np
import pytest

from conftest import WEB
from test_page import digits_test_split  # noqa: F401  (a fixture: the digits model's held-out photos)
from training import evaluate


def last_json(capsys):
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_python_and_browser_evaluation_agree_on_held_out_photos(digits_test_split, tmp_path, capsys):  # noqa: F811
    _, paths, labels = digits_test_split
    for label in sorted(set(labels)):  # one held-out photo per digit
        path = next(p for p, l in zip(paths, labels) if l == label)
        (tmp_path / label).mkdir()
        (tmp_path / label / path.name).symlink_to(path)
    (tmp_path / "Z").mkdir()  # a class the model lacks: listed and skipped
    (tmp_path / "Z" / path.name).symlink_to(path)

    evaluate.main(["--model", str(WEB / "model" / "digits"), "--data", str(tmp_path)])
    python = last_json(capsys)
    evaluate.main(["--model", str(WEB / "model" / "digits"), "--data", str(tmp_path), "--browser"])
    browser = last_json(capsys)

    for result in (python, browser):
        assert result["n"] == 10 and result["recogniser"] == "fused"
        assert set(result) >= {"accuracy", "macro_f1", "per_class", "image", "keypoints", "fused"}
        assert "Z" not in result["per_class"]
    assert (python["runtime"], browser["runtime"]) == ("python", "browser")
    print({name: (python[name]["accuracy"], browser[name]["accuracy"]) for name in ("image", "keypoints", "fused")})
    # On 10 photos one disagreement is 10 points; the full-set agreement (≤ 0.5 points) is test_page's.
    for name in ("image", "keypoints", "fused"):
        assert abs(python[name]["accuracy"] - browser[name]["accuracy"]) <= 0.1
    assert python["image"]["accuracy"] >= 0.9


def test_the_browsers_image_column_is_the_image_models_reading_where_no_hand_is_found(shared_data, tmp_path, capsys):
    """Closed fists at 64×64 px (asl-alphabet-64's M and N): MediaPipe misses about 40 % of them even
    with each photo read twice, so there the page decides by the image model alone; `--browser` must
    still report the image model's own reading."""
    for letter in ("M", "N"):
        (tmp_path / letter).mkdir()
        for photo in sorted((shared_data / "asl-alphabet-64" / "test" / letter).iterdir())[::3]:
            (tmp_path / letter / photo.name).symlink_to(photo)
    runs = {}
    for runtime in ("python", "browser"):
        evaluate.main(["--model", str(WEB / "model" / "letters"), "--data", str(tmp_path)]
                      + (["--browser"] if runtime == "browser" else []))
        runs[runtime] = last_json(capsys)
    print({runtime: (r["n"], r["hands_found"], r["image"]["accuracy"]) for runtime, r in runs.items()})
    assert runs["browser"]["hands_found"] <= 2 / 3  # a third or more of the photos take the no-hand path
    image = [runs[runtime]["image"]["accuracy"] for runtime in runs]
    assert image[0] >= 0.5 and abs(image[0] - image[1]) <= 2 / runs["python"]["n"]


def test_landmarks_come_from_the_folders_cache_where_it_has_them_and_are_found_now_elsewhere(shared_data, tmp_path):
    folder = tmp_path / "asl-alphabet-64" / "test"  # cached as asl-alphabet-64-test.npz, as make landmarks names it
    for letter in ("B", "C"):
        photo = sorted((shared_data / "asl-alphabet-64" / "test" / letter).iterdir())[0]
        (folder / letter).mkdir(parents=True)
        (folder / letter / photo.name).symlink_to(photo)
    paths = sorted(folder.glob("*/*"))
    cache = tmp_path / "landmarks" / "asl-alphabet-64-test.npz"
    cache.parent.mkdir()
    marked = np.full((2, 21, 3), 0.25, np.float32)  # not what MediaPipe finds: proves the cache was read
    room = marked + 0.1
    np.savez(cache, paths=np.array([f"{p.parent.name}/{p.name}" for p in paths]), points=marked, size=np.array([[64, 64]] * 2),
             room_points=room)
    points, sizes, with_room = evaluate.landmarks_for(folder, paths, cache_dir=cache.parent)
    assert np.array_equal(points, marked) and np.array_equal(with_room, room) and sizes.tolist() == [[64, 64]] * 2

    # A cache made with --every 2 lacks the second photo: it alone is found now in .venv-hands.
    np.savez(cache, paths=np.array([f"B/{paths[0].name}"]), points=marked[:1], size=np.array([[64, 64]]), room_points=room[:1])
    points, sizes, with_room = evaluate.landmarks_for(folder, paths, cache_dir=cache.parent)
    assert np.array_equal(points[0], marked[0]) and np.array_equal(with_room[0], room[0]) and sizes.tolist() == [[64, 64]] * 2
    assert not np.any(points[1] == 0.25) and not np.any(with_room[1] == 0.35)
    # No cache at all, or one made before photos were read twice (no room_points): both found now,
    # as a real one would have them.
    np.savez(cache, paths=np.array([f"{p.parent.name}/{p.name}" for p in paths]), points=marked, size=np.array([[64, 64]] * 2))
    old_cache, _, old_room = evaluate.landmarks_for(folder, paths, cache_dir=cache.parent)
    cache.unlink()
    found_now, _, room_now = evaluate.landmarks_for(folder, paths, cache_dir=cache.parent)
    np.testing.assert_array_equal(found_now[1], points[1])
    np.testing.assert_array_equal(room_now[1], with_room[1])
    np.testing.assert_array_equal(old_cache, found_now)
    np.testing.assert_array_equal(old_room, room_now)


def test_macro_f1_counts_the_classes_shown_or_predicted_not_every_class_of_the_model():
    classes = ["A", "B", "C", "D", "E"]
    right = evaluate.metrics(np.array([0, 0, 1, 1]), np.eye(5)[[0, 0, 1, 1]], classes)
    assert right["accuracy"] == 1.0 and right["macro_f1"] == 1.0  # C, D, E neither shown nor predicted
    one_wrong = evaluate.metrics(np.array([0, 0, 1, 1]), np.eye(5)[[0, 0, 1, 4]], classes)
    # A: F1 1; B: precision 1, recall 0.5, F1 2/3; E predicted once, never shown: F1 0
    np.testing.assert_allclose(one_wrong["macro_f1"], (1 + 2 / 3 + 0) / 3)


def test_leave_one_dataset_out_names_each_sign_and_what_it_was_read_as_most():
    from training.keypoints import per_class_results

    classes = ["M", "N", "S", "nothing"]
    # M: 3 of 4 right; N: read as S twice, M once; S: all right; -1 (no sign, digits) is named as such.
    y_true = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2])
    y_pred = np.array([0, 0, 0, -1, 2, 2, 0, 2, 2])
    assert per_class_results(y_true, y_pred, classes) == {
        "M": {"right": 0.75, "n": 4, "read_as": "no sign"},
        "N": {"right": 0.0, "n": 3, "read_as": "S"},
        "S": {"right": 1.0, "n": 2},
    }


def test_a_converted_models_own_test_photos_score_what_its_metadata_says(capsys):
    """--part test: the photos models/digits.split.json lists, scored again from scratch (landmarks
    found afresh where no cache covers them) by the Python twins, match the numbers export wrote."""
    metadata = json.loads((WEB / "model" / "digits" / "metadata.json").read_text())
    evaluate.main(["--model", str(WEB / "model" / "digits"), "--part", "test"])
    scored = last_json(capsys)
    assert scored["n"] == metadata["n_test"]
    assert round(scored["image"]["accuracy"], 4) == metadata["test_accuracy"]
    for name in ("keypoints", "fused"):
        assert round(scored[name]["accuracy"], 4) == round(metadata["keypoints"]["test_accuracy"][name], 4), name
    with pytest.raises(SystemExit, match="lists no held_out photos"):  # digits were trained on every student
        evaluate.main(["--model", str(WEB / "model" / "digits"), "--part", "held_out"])
