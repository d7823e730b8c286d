"""The fusion weight and no-hand bar over the held-out people of a leave-people-out run: the mean
per-person accuracy for each pair, the best pair, and that pair chosen for each person on the others;
then a learnt fusion (a logistic regression on both models' log probabilities, learnt for each person
on the others' photos with a hand) against the product at 0.45, on those photos.

    python -m studies.fusion_choice runs/people
"""
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

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


def log_probabilities(p):
    return np.hstack([np.log(p["keypoints"] + 1e-6), np.log(p["image"] + 1e-6)])[p["found"]]


for strength in (0.01, 0.1, 1.0):
    learnt, product = [], []
    for person, p in people.items():
        others = [q for other, q in people.items() if other != person]
        stack = LogisticRegression(C=strength, max_iter=2000).fit(
            np.vstack([log_probabilities(q) for q in others]), np.concatenate([q["y"][q["found"]] for q in others]))
        y = p["y"][p["found"]]
        learnt.append(np.mean(stack.predict(log_probabilities(p)) == y))
        product.append(np.mean(keypoints.decide(p["keypoints"], p["image"], p["found"], 0.45, classes, 0.5)[p["found"]] == y))
    difference = np.subtract(learnt, product)
    print(f"learnt fusion, C {strength}: {np.mean(learnt):.2%} against the product's {np.mean(product):.2%} "
          f"(photos with a hand; per person {difference.mean():+.1%} ± {difference.std():.1%})")
