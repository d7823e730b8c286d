"""A keypoint model (with the shipped image model) on the fourteen webcam people, fused at a given
weight and bar: for docs/experiments.md's "before", the model shipped until 2026-12-04, which never saw them.

    git show 609bf79:models/letters.keypoints.keras > /tmp/before.keras
    python -m studies.before_webcams /tmp/before.keras --weight 0.5 --bar 0.7

Needs `make people` first (its landmark caches and image probabilities).
"""
import argparse
import json

import numpy as np

from studies import people_out
from training import keypoints

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("model", help="a keypoint model (.keras)")
p.add_argument("--weight", type=float, default=0.5)
p.add_argument("--bar", type=float, default=0.7)
p.add_argument("--people-run", default="runs/people", help="where make people cached the image probabilities")
args = p.parse_args()
classes = json.loads(people_out.RUN_SPLIT.read_text())["classes"]
rows, tables = people_out.load_rows("runs/landmarks", classes)
never_saw, probabilities = people_out.image_probabilities(rows, tables, "../shared/data", args.people_run)
image = np.full((len(rows["y"]), len(classes)), np.nan, np.float32)
image[never_saw] = probabilities
webcam_people = np.array([person.startswith("w") for person in rows["person"]])
results, _ = people_out.score_people(keypoints.load_model(args.model), rows, tables, webcam_people, image,
                                     classes, args.weight, args.bar)
for person, r in results.items():
    print(f"{person}: keypoints {r['keypoints']:.1%}, image {r['image']:.1%}, fused {r['fused']:.1%}")
print(json.dumps(people_out.summarise(results)))
