"""Training on bad inputs: a fuzzed photo folder, odd files, a missing DATA, a broken run, Ctrl-C."""
import io
import json
import re
import warnings

import numpy as np
import pytest
from PIL import Image

from training import data, evaluate, export, files, train

FUZZ_SEED, FUZZ_FILES = 18, 300  # this seed makes a PNG whose broken chunk Pillow reports as SyntaxError


def encoded(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def random_image(rng):
    """A small valid image in a random mode and format: (bytes, format name)."""
    width, height = (int(x) for x in rng.integers(1, 48, 2))
    pixels = rng.integers(0, 256, (height, width, 4), dtype=np.uint8)
    mode = rng.choice(["RGB", "L", "RGBA", "LA", "P", "CMYK", "I;16"])
    fmt = rng.choice({"RGB": ["JPEG", "PNG", "BMP"], "L": ["JPEG", "PNG", "BMP"], "P": ["PNG", "BMP"],
                      "CMYK": ["JPEG"]}.get(mode, ["PNG"]))  # each mode in the formats that can hold it
    if mode == "I;16":
        image = Image.fromarray(pixels[..., 0].astype(np.uint16) * 257)
    else:
        image = Image.fromarray(pixels, "RGBA").convert(mode if mode != "P" else "RGB")
        if mode == "P":
            image = image.quantize(16)
    options = {}
    if fmt == "JPEG" and rng.random() < 0.5:
        exif = Image.Exif()
        exif[0x0112] = int(rng.integers(1, 9))  # any EXIF orientation
        options["exif"] = exif
    return encoded(image, fmt, **options), fmt


def fuzz_tree(root, rng):
    """FUZZ_FILES files over 3 class folders. Returns {path: True if it is an intact image}."""
    extensions = {"JPEG": ".jpg", "PNG": ".png", "BMP": ".bmp"}
    made = {}
    for i in range(FUZZ_FILES):
        content, fmt = random_image(rng)
        intact, extension = True, extensions[fmt]
        kind = rng.choice(["intact", "wrong-extension", "truncated", "flipped", "random", "empty", "foreign"],
                          p=[0.25, 0.1, 0.2, 0.25, 0.08, 0.04, 0.08])
        if kind == "wrong-extension":  # a PNG called .jpg and so on: decoded by content
            extension = rng.choice([e for e in (".jpg", ".JPEG", ".png", ".bmp") if e.lower() != extension])
        elif kind == "truncated":
            content, intact = content[:int(rng.integers(0, len(content)))], False
        elif kind == "flipped":
            mutated = bytearray(content)
            for position in rng.integers(0, len(content), int(rng.integers(1, 12))):
                mutated[position] ^= 1 << int(rng.integers(0, 8))
            content, intact = bytes(mutated), False
        elif kind == "random":
            content, intact = rng.bytes(int(rng.integers(1, 3000))), False
        elif kind == "empty":
            content, intact = b"", False
        elif kind == "foreign":  # not an image extension at all: listed as skipped, never opened
            extension, intact = rng.choice([".txt", ".gif", ".jpg.part", ""]), None
        path = root / f"class{i % 3}" / f"f{i:03d}{extension}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        made[path] = intact
    return made


def skipped(caught, reason):
    """(count, named paths) from the loader's 'skipped N file(s), REASON: a, b …' warnings."""
    count, names = 0, []
    for warning in caught:
        match = re.match(rf"skipped (\d+) file\(s\), {reason}: (.*)", str(warning.message))
        if match:
            count += int(match.group(1))
            names += re.findall(r"(/\S+?)(?: \(\w+\))?(?:, | …|$)", match.group(2))
    return count, names


def test_fuzzed_photo_folder_never_crashes_the_loader_and_accounts_for_every_file(tmp_path):
    made = fuzz_tree(tmp_path, np.random.default_rng(FUZZ_SEED))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths, labels, classes = data.list_images(tmp_path)
        images, kept = data.read_images(paths, 32)
    not_images, named_foreign = skipped(caught, "not an image file")
    unreadable, named_unreadable = skipped(caught, "unreadable")

    assert classes == ["class0", "class1", "class2"]
    assert len(paths) + not_images == len(made) == FUZZ_FILES
    assert len(kept) + unreadable == len(paths)
    assert images.shape == (len(kept), 32, 32, 3) and images.dtype == np.uint8
    loaded = {paths[i] for i in kept}
    assert all(made[p] is None for p in made if p not in paths), "an image file was not even listed"
    assert {p for p in made if made[p]} <= loaded, "an intact image was rejected"
    for name in named_foreign + named_unreadable:  # names in the messages are real, skipped files
        assert any(str(p) == name for p in made) and name not in {str(p) for p in loaded}
    print(f"{len(made)} files: {len(loaded)} loaded, {unreadable} unreadable, {not_images} not images")
    assert unreadable > 30 and len(loaded) > 100  # the mix really had both


def test_a_one_pixel_photo_and_a_photo_with_the_wrong_extension_load(tmp_path):
    (tmp_path / "A").mkdir()
    Image.new("RGB", (1, 1), (200, 10, 10)).save(tmp_path / "A" / "dot.png")
    Image.new("RGB", (30, 20), (10, 200, 10)).save(tmp_path / "A" / "really-a-png.jpg", "PNG")
    images, kept = data.read_images([tmp_path / "A" / "dot.png", tmp_path / "A" / "really-a-png.jpg"], 16)
    assert kept == [0, 1]
    assert (images[0] == [200, 10, 10]).all() and (images[1] == [10, 200, 10]).all()


def test_a_class_with_one_photo_is_named_as_untestable(tmp_path):
    (tmp_path / "many").mkdir()
    for i in range(10):
        Image.new("RGB", (8, 8)).save(tmp_path / "many" / f"{i}.png")
    (tmp_path / "lonely").mkdir()
    Image.new("RGB", (8, 8)).save(tmp_path / "lonely" / "only.png")
    with pytest.warns(UserWarning, match=r"lonely has only 1 photo.*cannot be measured"):
        paths, labels, classes = data.list_images(tmp_path)
    assert classes == ["lonely", "many"] and len(paths) == 11
    split = data.split_dataset(paths, labels)
    assert paths.index(tmp_path / "lonely" / "only.png") in split["train"]


def test_training_on_a_data_folder_that_does_not_exist_says_so(tmp_path):
    with pytest.raises(SystemExit, match=r"error: data folder .*nowhere does not exist"):
        train.main(["--data", str(tmp_path / "nowhere"), "--name", "x", "--runs", str(tmp_path / "runs")])


@pytest.fixture
def tiny_run(tmp_path):
    """A run folder with a small (untrained) Keras model of 3 outputs, and photos of 3 classes."""
    import keras

    photos = tmp_path / "photos"
    for label in "ABC":
        (photos / label).mkdir(parents=True)
        for i in range(2):
            Image.new("RGB", (12, 12), (i * 100, 50, 0)).save(photos / label / f"{i}.png")
    run = tmp_path / "runs" / "tiny"
    run.mkdir(parents=True)
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.GlobalAveragePooling2D(),
                              keras.layers.Dense(3, activation="softmax")])
    model.save(run / "model.keras")
    (run / "split.json").write_text(json.dumps({"data": [str(photos)], "classes": ["A", "B", "C"], "seed": 0,
                                                "frame_block": 0}))
    (run / "metrics.json").write_text(json.dumps({"accuracy": 0.5}))
    return run, photos


def test_evaluate_refuses_a_run_whose_labels_do_not_match_its_model(tiny_run, capsys):
    run, photos = tiny_run
    evaluate.main(["--model", str(run), "--data", str(photos)])  # the intact run is scored
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["n"] == 6
    split = json.loads((run / "split.json").read_text())
    (run / "split.json").write_text(json.dumps({**split, "classes": ["A", "B"]}))
    with pytest.raises(SystemExit, match=r"model\.keras outputs 3 classes but .*\b2\b"):
        evaluate.main(["--model", str(run), "--data", str(photos)])


def test_evaluate_and_convert_name_a_corrupt_model_file(tiny_run):
    run, photos = tiny_run
    (run / "model.keras").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SystemExit, match=r"model\.keras could not be read"):
        evaluate.main(["--model", str(run), "--data", str(photos)])
    with pytest.raises(export.ExportError, match=r"model\.keras could not be read"):
        export.export("tiny", runs=run.parent, out=run.parent / "web", keras_copy=None)


def test_convert_refuses_labels_that_do_not_match_the_model_before_converting(tiny_run):
    run, _ = tiny_run
    split = json.loads((run / "split.json").read_text())
    (run / "split.json").write_text(json.dumps({**split, "classes": ["A", "B", "C", "D"]}))
    with pytest.raises(export.ExportError, match=r"outputs 3 classes but .*split\.json lists 4 labels"):
        export.export("tiny", runs=run.parent, out=run.parent / "web", keras_copy=None)
    assert not (run.parent / "web" / "tiny").exists()


def test_convert_records_accuracy_on_new_people_from_a_study_summary_or_a_split_by_signer_run(tmp_path):
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps({
        "set-a": {"fused": 0.6, "personal": {"fused_with_own_signs": 0.9}},
        "set-b": {"fused": 0.8, "personal": {"fused_with_own_signs": 0.85}}}))
    new_people = export.new_people_metadata(summary)
    assert new_people["fused"] == {"set-a": 0.6, "set-b": 0.8} and new_people["mean_fused"] == 0.7
    assert new_people["mean_fused_with_own_signs"] == 0.875
    summary.write_text(json.dumps({"set-a": {"keypoints": 0.6}}))  # a run without image models: no fused column
    with pytest.raises(export.ExportError, match=r"summary\.json is neither a people_out or studies\.lodo summary .*\(KeyError"):
        export.new_people_metadata(summary)
    with pytest.raises(export.ExportError, match=r"missing\.json is neither a people_out or studies\.lodo summary"):
        export.new_people_metadata(tmp_path / "missing.json")

    # Or studies.people_out's summary: the mean and the worst of the people the image model never saw.
    summary.write_text(json.dumps({"summary": {"fused": {"spread": 0.1}}, "people": {
        "w01": {"fused": 0.5, "keypoints": 0.6}, "w02": {"fused": 0.9, "keypoints": 0.8}, "S1": {"keypoints": 0.7}}}))
    new_people = export.new_people_metadata(summary)
    assert new_people["fused"] == {"w01": 0.5, "w02": 0.9} and new_people["mean_fused"] == 0.7
    assert new_people["worst"] == {"person": "w01", "fused": 0.5} and new_people["mean_keypoints"] == 0.7
    assert "once_taught" not in new_people
    # with studies.personal_people's results beside it: the same people once they taught their signs
    (tmp_path / "personal.json").write_text(json.dumps({"how": "taught", "taught_every_sign": {
        "mean": 0.93, "worst": "w01", "worst_value": 0.81}}))
    once_taught = export.new_people_metadata(summary)["once_taught"]
    assert once_taught == {"how": "taught", "mean_fused": 0.93, "worst": {"person": "w01", "fused": 0.81}}
    # and it can replace the new_people of a model already exported, leaving the rest as it was
    model = tmp_path / "web" / "letters"
    model.mkdir(parents=True)
    (model / "metadata.json").write_text(json.dumps({"name": "letters", "new_people": {"mean_fused": 0.1}}))
    export.main(["--name", "letters", "--out", str(tmp_path / "web"), "--new-people", str(summary), "--only-new-people"])
    refreshed = json.loads((model / "metadata.json").read_text())
    assert refreshed["name"] == "letters" and refreshed["new_people"]["once_taught"]["mean_fused"] == 0.93
    assert sorted(p.name for p in model.iterdir()) == ["metadata.json"]  # no partial file left
    with pytest.raises(SystemExit, match=r"digits/metadata\.json is missing"):
        export.main(["--name", "digits", "--out", str(tmp_path / "web"), "--new-people", str(summary), "--only-new-people"])

    # Or a run trained with --split-by-signer, whose test photos are of other signers (digits).
    run = tmp_path / "digits-new-signers"
    run.mkdir()
    (run / "split.json").write_text(json.dumps({"by_signer": True}))
    (run / "keypoints.json").write_text(json.dumps({"test": {"image": 0.98, "keypoints": 0.97, "fused": 0.987}}))
    assert export.new_people_metadata(run)["mean_fused"] == 0.987
    (run / "split.json").write_text(json.dumps({"by_signer": False}))
    with pytest.raises(export.ExportError, match=r"not trained with --split-by-signer"):
        export.new_people_metadata(run)


@pytest.mark.parametrize("name, measured_on", [
    # leave people out: every person the image model never saw (studies/people_out.py)
    ("letters", {"S2"} | {f"w{i:02d}" for i in range(1, 15)}),
    ("digits", {"other signers (--split-by-signer)"}),
])
def test_the_shipped_models_tell_users_how_they_do_on_new_people(name, measured_on):
    # make convert puts these numbers in (Makefile: NEW_PEOPLE_NAME); the page shows them (test_sign_to_text).
    metadata = json.loads((export.Path(__file__).resolve().parent.parent / "web" / "model" / name /
                           "metadata.json").read_text())
    fused = metadata["new_people"]["fused"]
    assert set(fused) == measured_on and all(0 < share <= 1 for share in fused.values())
    # What the page shows is the mean of the sets measured (digits: one), not a number of its own (to the
    # digits kept: 4 until 2026-12-05, export.DIGITS since).
    assert metadata["new_people"]["mean_fused"] == pytest.approx(float(np.mean(list(fused.values()))), abs=5e-5)
    if "worst" in metadata["new_people"]:  # the page names the worst person's share too
        assert metadata["new_people"]["worst"]["fused"] == min(fused.values())


def test_the_shipped_letters_model_is_scored_on_a_person_it_never_saw():
    """make train NAME=letters keeps the multisigner signer S2 out of every part (training/signers.py);
    metadata.json carries the shipped recogniser's accuracy on them, models/letters.split.json their photos."""
    from training import signers

    root = export.Path(__file__).resolve().parent.parent
    metadata = json.loads((root / "web" / "model" / "letters" / "metadata.json").read_text())
    split = json.loads((root / "models" / "letters.split.json").read_text())
    held_out = metadata["keypoints"]["held_out_signer"]
    assert held_out["signer"] == "S2" and held_out["n"] == len(split["held_out"]) == 1400
    assert all(signers.shows(p, p.split("/")[0], "S2") for p in split["held_out"])
    assert not set(split["held_out"]) & set(split["val"] + split["test"])
    assert 0 < held_out["fused"] < metadata["keypoints"]["test_accuracy"]["fused"]


def test_ctrl_c_keeps_the_best_checkpoint_and_says_how_to_go_on(shared_data, tmp_path, monkeypatch, capsys):
    import keras

    save_best = train.SaveBest.on_epoch_end
    epochs_seen = []

    def interrupt_on_second_epoch(self, epoch, logs=None):
        save_best(self, epoch, logs)
        epochs_seen.append(epoch)
        if len(epochs_seen) == 2:
            raise KeyboardInterrupt  # what Ctrl-C raises in the training thread

    monkeypatch.setattr(train.SaveBest, "on_epoch_end", interrupt_on_second_epoch)
    runs = tmp_path / "runs"
    with pytest.raises(SystemExit) as stopped:
        train.main(["--data", str(shared_data / "sign-digits"), "--name", "ctrl-c", "--runs", str(runs),
                    "--size", "96", "--limit-per-class", "4", "--head-epochs", "5", "--batch-size", "8"])
    assert stopped.value.code == 130
    said = capsys.readouterr().out
    assert "Interrupted" in said and "make convert NAME=ctrl-c" in said and str(runs / "ctrl-c" / "model.keras") in said
    model = keras.models.load_model(runs / "ctrl-c" / "model.keras")
    assert model.output_shape == (None, 10)
    assert (runs / "ctrl-c" / "history.csv").is_file()
    assert not list((runs / "ctrl-c").glob("*.partial*")), "a half-written file was left behind"


def test_a_write_that_fails_halfway_leaves_the_old_file_and_no_half_file(tmp_path):
    cache = tmp_path / "landmarks.npz"
    files.save_npz(cache, points=np.zeros((2, 21, 3), np.float32))

    class Unpicklable:  # np.savez pickles an object array: this fails after the file was opened
        def __reduce__(self):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        files.save_npz(cache, points=np.ones((2, 21, 3), np.float32), broken=np.array([Unpicklable()], dtype=object))
    assert np.load(cache)["points"].sum() == 0, "the old file was lost"
    assert sorted(f.name for f in tmp_path.iterdir()) == ["landmarks.npz"], "a half-written file was left behind"

    report = tmp_path / "summary.json"
    files.write_json(report, {"accuracy": 0.5})
    with pytest.raises(TypeError):
        files.write_json(report, {"accuracy": object()})
    assert json.loads(report.read_text()) == {"accuracy": 0.5}
    assert sorted(f.name for f in tmp_path.iterdir()) == ["landmarks.npz", "summary.json"]
