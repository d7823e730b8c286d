"""The fusion weight and no-hand bar over the held-out people of a leave-people-out run: the mean
per-person accuracy for each pair, the best pair, and that pair chosen for each person on the others.

    python -m studies.fusion_choice runs/people
"""
import sys
from pathlib import Path

import numpy as np

from training import keypoints

run = Path(sys.argv[1] if len(sys.argv) > 1 else "runs/people")
people = {f.stem.removeprefix("probabilities-"): dict(np.load(f)) for f in sorted(run.glob("probabilities-*.npz"))}
classes = list(next(iter(people.values()))["classes"])
weights, bars = keypoints.FUSION_WEIGHTS, keypoints.NO_HAND_BARS


def accuracy(p, weight, bar):
    return np.mean(keypoints.decide(p["keypoints"], p["image"], p["found"], weight, classes, bar) == p["y"])


table = {person: np.array([[accuracy(p, w, b) for b in bars] for w in weights]) for person, p in people.items()}
mean = np.mean(list(table.values()), 0)
print("mean by weight at bar 0.7:", {float(w): round(float(a), 4) for w, a in zip(weights, mean[:, list(bars).index(0.7)])})
i, j = np.unravel_index(mean.argmax(), mean.shape)
print(f"best pair on these people: weight {weights[i]}, bar {bars[j]}: {mean[i, j]:.2%}")
chosen_on_others = []
for person in table:
    others = np.mean([t for other, t in table.items() if other != person], 0)
    chosen_on_others.append(table[person][np.unravel_index(others.argmax(), others.shape)])
print(f"each person's pair chosen on the others: {np.mean(chosen_on_others):.2%}")
print(f"each fold's own choice (the run): "
      f"{np.mean([accuracy(p, float(p['weight']), float(p['bar'])) for p in people.values()]):.2%}")
