"""The leakage check: does a test photo have a near twin among the training photos?

    python -m training.leakage --run runs/letters            # check a run's split, into its metrics.json
    python -m training.leakage --calibrate ../shared/data/asl-letters   # random vs frame-block split

Video frames next to each other are nearly the same picture: a split that puts one in training and
its neighbour in test scores the model on what it has already seen (how ASL-alphabet notebooks
reach 99.8 %). Every photo becomes a small grey thumbnail (the picture an average-hash is taken
from, kept as numbers); a test photo whose nearest training thumbnail correlates above
NEAR_TWIN_CORRELATION has a near twin. A split is honest when under 1 % of its test photos do.
"""
import argparse
import json
import os
from pathlib import Path

import cv2
import numpy as np
from PIL import Image
from tqdm import tqdm

from training import data
from training.files import write_json

THUMBNAIL_SIDE = 24
# Measured on asl-letters (calibrate): above 0.95, 8.3 % of test frames under a random split and
# 0.7 % under the frame-block split; sign-digits (other students) 0.3 %.
NEAR_TWIN_CORRELATION = 0.95


def thumbnails(paths):
    """Each photo as a 24×24 grey thumbnail, zero mean and unit length: the dot product of two
    is their correlation (1 = the same picture, whatever the brightness)."""
    rows = []
    for path in tqdm(paths, desc="thumbnails", unit="img"):
        if data.csv_row(path):
            grey = data.load_image(path)[..., 0]
        else:
            with Image.open(path) as image:
                image.draft("L", (64, 64))  # JPEGs decode at reduced size: fast
                grey = np.asarray(image.convert("L"))
        row = cv2.resize(grey, (THUMBNAIL_SIDE, THUMBNAIL_SIDE), interpolation=cv2.INTER_AREA).astype(np.float32).ravel()
        row -= row.mean()
        rows.append(row / max(float(np.linalg.norm(row)), 1e-6))
    return np.array(rows, np.float32).reshape(len(paths), THUMBNAIL_SIDE ** 2)


def nearest_correlations(train, test):
    """For each test thumbnail, its correlation with the most similar training thumbnail."""
    return np.concatenate([(test[i:i + 1024] @ train.T).max(1) for i in range(0, len(test), 1024)])


def near_twins(nearest):
    """Which photos have a near twin, from their nearest correlations."""
    return nearest > NEAR_TWIN_CORRELATION


def twin_report(nearest):
    return {"near_twin_share": float(np.mean(near_twins(nearest))),
            "median_nearest_correlation": round(float(np.median(nearest)), 3), "n": len(nearest)}


def twin_free_accuracy(run, split, test_paths):
    """Accuracy of runs/NAME/model.keras on the given test photos (those with no near twin)."""
    import keras  # here: --calibrate needs no TensorFlow

    root = Path(split["data_root"])
    label_of = {}
    for folder in split["data"]:
        paths, labels, _ = data.list_images(folder)
        label_of.update({os.path.relpath(data.resolve_path(p), root): l for p, l in zip(paths, labels)})
    model = keras.models.load_model(run / "model.keras", compile=False)
    images, kept = data.read_images([root / p for p in test_paths], model.input_shape[1])
    y = np.array([split["classes"].index(label_of[test_paths[i]]) for i in kept])
    predicted = model.predict(images.astype("float32"), batch_size=64, verbose=0).argmax(1)
    return float(np.mean(predicted == y)) if len(y) else None


def check_split(split):
    """The leakage check of a split as split.json holds it (test, val and any held-out signer's photos
    against train): the report, and which test photos (in split["test"] order) have a near twin in training."""
    root = Path(split["data_root"])
    train = thumbnails([root / p for p in split["train"]])
    nearest = {part: nearest_correlations(train, thumbnails([root / p for p in split[part]]))
               for part in ("test", "val", "held_out") if part in split}
    report = {part: twin_report(values) for part, values in nearest.items()}
    twins = near_twins(nearest["test"])
    report["test"]["twin_free_n"] = int(np.sum(~twins))
    report.update(near_twin_correlation=NEAR_TWIN_CORRELATION,
                  method=f"{THUMBNAIL_SIDE}x{THUMBNAIL_SIDE} grey thumbnails; nearest training photo by correlation")
    return report, twins


def write_test_twins(run, split, twins):
    """runs/NAME/test_twins.json: the test photos (split.json paths) with a near twin in training,
    so that later steps (training.keypoints) score the twin-free photos without a second pass."""
    write_json(Path(run) / "test_twins.json", [p for p, twin in zip(split["test"], twins) if twin], indent=0)


def test_twins(run):
    """The set of runs/NAME's test photos with a near twin in training (checked and written now for
    runs older than test_twins.json)."""
    path = Path(run) / "test_twins.json"
    if not path.is_file():
        split = json.loads((Path(run) / "split.json").read_text())
        write_test_twins(run, split, check_split(split)[1])
    return set(json.loads(path.read_text()))


def check_run(run):
    """check_split for runs/NAME, with the image model's accuracy on the test photos that have no
    near twin, added to its metrics.json (training.train does this itself for new runs)."""
    run = Path(run)
    split = json.loads((run / "split.json").read_text())
    result, twins = check_split(split)
    if (run / "model.keras").is_file():
        twin_free = [p for p, twin in zip(split["test"], twins) if not twin]
        result["test"]["twin_free_accuracy"] = twin_free_accuracy(run, split, twin_free)
    metrics_path = run / "metrics.json"
    metrics = json.loads(metrics_path.read_text()) if metrics_path.is_file() else {}
    metrics["leakage"] = result
    write_json(metrics_path, metrics)
    return result


def calibrate(folder):
    """The check on one folder split two ways: at random (leaky for video frames) and as SignCam
    splits it (frame blocks when file names are frame numbers). The threshold must tell them apart."""
    paths, labels, _ = data.list_images(folder)
    every = thumbnails(paths)
    report = {}
    for name, block in (("random split", 0), ("SignCam's split", data.FRAME_BLOCK)):
        split = data.split_dataset(paths, labels, frame_block=block)
        nearest = nearest_correlations(every[split["train"]], every[split["test"]])
        report[name] = {**twin_report(nearest), "share_above": {
            str(t): round(float(np.mean(nearest > t)), 4) for t in (0.9, 0.95, 0.97, 0.98)}}
    return report


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", action="append", default=[], help="runs/NAME whose split to check (repeatable)")
    p.add_argument("--calibrate", action="append", default=[], help="a data folder: random vs SignCam's split")
    args = p.parse_args(argv)
    if not args.calibrate and not args.run:
        p.error("give --run and/or --calibrate")
    for folder in args.calibrate:
        print(folder, json.dumps(calibrate(folder), indent=2))
    for run in args.run:
        test = check_run(run)["test"]
        print(f"{run}: {test['near_twin_share']:.2%} of {test['n']} test photos have a near twin in training "
              f"(correlation > {NEAR_TWIN_CORRELATION}; nearest: median {test['median_nearest_correlation']}); "
              f"accuracy on the other {test['twin_free_n']}: {test.get('twin_free_accuracy')}")


if __name__ == "__main__":
    main()
