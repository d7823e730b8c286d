"""An image model trained with some webcam people against the shipped one, on the webcam people
neither saw: image alone, and fused with the leave-people-out keypoint answers (runs/people).

    python -m training.train ... (the letters recipe) --extra-data .../asl-alphabet-64/train \\
        .../asl-letters-webcams/w01 ... w07 --name letters-with-w01-w07
    python -m studies.image_with_webcams runs/letters-with-w01-w07 w08 w09 w10 w11 w12 w13 w14
"""
import json
import os
import sys
from pathlib import Path

import keras
import numpy as np

from studies import people_out
from training import keypoints

WEIGHT, BAR = 0.45, 0.5  # the shipped fusion weight and no-hand bar
run, tested = Path(sys.argv[1]), sys.argv[2:]
classes = json.loads(people_out.RUN_SPLIT.read_text())["classes"]
assert json.loads((run / "split.json").read_text())["classes"] == classes, "another label order"
folder = Path(os.environ.get("SIGNCAM_DATA", "../shared/data")) / "asl-letters-webcams"
table = keypoints.load_landmarks("runs/landmarks", ["asl-letters-webcams"], prefixed=False)
model = keras.models.load_model(run / "model.keras", compile=False)
scores = {"shipped": [], run.name: []}
for person in tested:
    held_out = np.load(f"runs/people/probabilities-{person}.npz")  # the order load_rows gives
    paths = [p for p in table if p.startswith(person + "/") and p.split("/")[1] in classes]
    y = np.array([classes.index(p.split("/")[1]) for p in paths])
    assert (y == held_out["y"]).all()
    for name, image in (("shipped", held_out["image"]),
                        (run.name, keypoints.image_probabilities(model, folder, paths, table))):
        fused = keypoints.decide(held_out["keypoints"], image, held_out["found"], WEIGHT, classes, BAR)
        scores[name].append((np.mean(image.argmax(1) == y), np.mean(fused == y)))
        print(f"{person} {name}: image {scores[name][-1][0]:.1%}, fused {scores[name][-1][1]:.1%}")
for name, rows in scores.items():
    image, fused = np.mean(rows, 0)
    print(f"{name}: image {image:.1%}, fused {fused:.1%} (mean over {', '.join(tested)})")
