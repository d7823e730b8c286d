"""The choice sweep: which training choices move in-domain and new-people accuracy.

    python -m studies.sweep [--only NAME ...]

Small letters runs (asl-letters + asl-alphabet-64's train/, ≤ 300 photos a class, 128 px, 4
fine-tuning epochs, no flips: ~3 min each here), one choice changed at a time from the base.
Each is scored on its own test photos that have no near twin in training (training/leakage.py)
and on a new people set it never saw (every 4th photo of asl-letters-multisigner, image model
alone). Test-time choices (flip averaging, a tighter crop) are scored on the base model. Runs go
to runs/sweep-NAME/, the table to runs/sweep/summary.json and stdout.
"""
import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from training import data
from training.files import write_json

DATA = Path(os.environ.get("SIGNCAM_DATA", "../shared/data"))
BASE = ["--data", str(DATA / "asl-letters"), str(DATA / "asl-alphabet-64" / "train"), "--size", "128",
        "--limit-per-class", "300", "--head-epochs", "25", "--fine-tune-epochs", "4",
        "--fine-tune-from", "block_12_expand", "--patience", "2", "--no-flip"]  # the base predates flips
VARIANTS = {  # name -> arguments that replace the base's
    "base": [],
    "alpha-1.0": ["--alpha", "1.0"],
    "size-96": ["--size", "96"],
    "size-160": ["--size", "160"],
    "deeper-fine-tune": ["--fine-tune-from", "block_6_expand"],
    "no-fine-tune": ["--fine-tune-epochs", "0"],
    "no-augmentation": ["--no-augment"],
    "flip": ["--flip"],  # argparse: the later of --no-flip / --flip wins
    "no-label-smoothing": ["--label-smoothing", "0"],
}
NEW_PEOPLE = DATA / "asl-letters-multisigner"


def arguments(changes):
    """The base arguments with each --option in changes replacing the base's value."""
    args, i = list(BASE), 0
    while i < len(changes):
        option = changes[i]
        value = changes[i + 1:i + 2] if i + 1 < len(changes) and not changes[i + 1].startswith("--") else []
        if option in args:
            at = args.index(option)
            del args[at:at + 1 + len(value)]
        args += [option, *value]
        i += 1 + len(value)
    return args


def new_people_accuracy(model, classes, transform=lambda image: image, flip=False):
    """Image-model accuracy on every 4th multisigner photo (a set of people the run never saw)."""
    paths, labels, _ = data.list_images(NEW_PEOPLE)
    paths, labels = paths[::4], labels[::4]
    size = model.input_shape[1]
    images = np.stack([data.crop_and_resize(transform(data.load_image(p)), size) for p in paths])
    probabilities = model.predict(images, batch_size=64, verbose=0)
    if flip:  # test-time augmentation: average with the mirror image
        probabilities += model.predict(images[:, :, ::-1], batch_size=64, verbose=0)
    y = np.array([classes.index(label) for label in labels])
    return float(np.mean(probabilities.argmax(1) == y))


def centre(fraction):
    def crop(image):
        height, width = image.shape[:2]
        side = int(min(height, width) * fraction)
        top, left = (height - side) // 2, (width - side) // 2
        return image[top:top + side, left:left + side]
    return crop


def main(argv=None):
    import keras

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", nargs="*", default=list(VARIANTS), choices=list(VARIANTS))
    args = p.parse_args(argv)
    summary_path = Path("runs/sweep/summary.json")
    summary = json.loads(summary_path.read_text()) if summary_path.is_file() else {}
    for name in args.only:
        run = Path("runs") / f"sweep-{name}"
        if not (run / "metrics.json").is_file():
            subprocess.run([sys.executable, "-m", "training.train", "--name", run.name,
                            *arguments(VARIANTS[name])], check=True)
        metrics = json.loads((run / "metrics.json").read_text())
        classes = json.loads((run / "split.json").read_text())["classes"]
        model = keras.models.load_model(run / "model.keras", compile=False)
        rows = {name: {}}
        if name == "base":
            rows.update({"test-time flip averaging": {"flip": True}, "test-time 80 % centre crop": {"transform": centre(0.8)}})
        for row, options in rows.items():
            summary[row] = {
                "changed": " ".join(VARIANTS.get(row, [])) or ("(test time)" if row != "base" else "(base)"),
                "test_twin_free": metrics["leakage"]["test"].get("twin_free_accuracy") if not options else None,
                "test": metrics["accuracy"] if not options else None,
                "new_people": new_people_accuracy(model, classes, **options),
                "train_seconds": metrics["train_seconds"],
            }
            print(row, json.dumps(summary[row]), flush=True)
        write_json(summary_path, summary)
    print("\n| choice | changed | in-domain test, no near twins | new people (multisigner) | train s |")
    print("| --- | --- | --- | --- | --- |")
    for row, r in summary.items():
        cell = lambda v: f"{v:.1%}" if v is not None else "–"  # noqa: E731
        print(f"| {row} | {r['changed']} | {cell(r['test_twin_free'])} | {cell(r['new_people'])} | {r['train_seconds']:.0f} |")


if __name__ == "__main__":
    main()
