"""The chart of signs the page teaches with: web/model/NAME/signs.json, written by `make convert`.

    python -m training.chart --name letters [--out runs/letters/signs.json]

For each sign of the model: its typical hand (the medoid of the keypoint model's training hands of
that sign, 63 normalised numbers: 21 points, no picture of anyone), one line on how it is formed,
and for J and Z the motion that draws them. The page draws the hands (web/chart.js) and compares
a learner's hand with them (web/handshape.js).

The medoid, not the mean: a mean of hands is no one's hand (fingers half bent where some bend and
some do not); the medoid is a real hand, the one nearest all the others: here the medoid of each
person's own medoid, among the half of the sign's hands the keypoint model reads most surely. Each person has
one vote, so the one person of 8,000 video frames does not draw every sign.
"""
import argparse
import json
from pathlib import Path

import numpy as np

from training.files import write_json
from training.keypoints import cache_hands, features_for, load_landmarks, split_part, split_persons

# The share of a sign's training hands, the surest first, that its typical hand is chosen from:
# chosen on webcam people left out of the chart (studies/chart_choice.py; docs/experiments.md, "Learning the signs").
SURE_SHARE = 0.1
MOST_A_PERSON = 400  # hands of one person that a medoid looks at (their first: a cap on time)

# One line a learner can follow, as the sign is seen by someone facing the signer (right hand).
DESCRIPTIONS = {
    "A": "A fist, the thumb straight up against the side of the index finger.",
    "B": "Four fingers straight up and together, the thumb folded across the palm.",
    "C": "Fingers and thumb curved into the shape of a C, as if holding a cup.",
    "D": "The index finger straight up; the other fingertips touch the thumb's tip, making a circle.",
    "E": "Fingertips bent down to rest on the thumb, which is folded across the palm below them.",
    "F": "Thumb and index fingertips touch in a circle; the other three fingers straight up and apart.",
    "G": "Index finger and thumb point sideways, parallel; the other fingers curled in.",
    "H": "Index and middle fingers together pointing sideways; the others curled, the thumb over them.",
    "I": "A fist with the little finger straight up.",
    "J": "The I handshape (little finger up), drawing a J in the air.",
    "K": "Index and middle fingers up in a V, the thumb's tip against the middle finger between them.",
    "L": "Index finger straight up and thumb straight out: an L.",
    "M": "A fist with the thumb tucked under the first three fingers, its tip between ring and little finger.",
    "N": "A fist with the thumb tucked under the first two fingers, its tip between middle and ring finger.",
    "O": "All fingertips curved round to touch the thumb's tip: an O.",
    "P": "A K pointing down: index finger forward, middle finger down, the thumb between them.",
    "Q": "A G pointing down: index finger and thumb point down.",
    "R": "Index and middle fingers up and crossed, the middle finger over the index.",
    "S": "A fist, the thumb across the front of the fingers.",
    "T": "A fist with the thumb tucked under the index finger, its tip between index and middle finger.",
    "U": "Index and middle fingers straight up and together; the others curled, the thumb over them.",
    "V": "Index and middle fingers straight up and apart: a V.",
    "W": "Index, middle and ring fingers straight up and apart; the thumb holds the little finger down.",
    "X": "A fist with the index finger raised and hooked.",
    "Y": "Thumb and little finger straight out; the three middle fingers curled.",
    "Z": "The index finger pointing, drawing a Z in the air.",
    "del": "Delete (this app's own sign): the hand hanging from a bent wrist, fingers together pointing down.",
    "space": "Space (this app's own sign): an open hand lying palm up, fingers a little curved.",
    "0": "All fingertips curved round to touch the thumb's tip: an O.",
    "1": "The index finger straight up, the palm facing you (the back of the hand to the camera).",
    "2": "Index and middle fingers straight up and apart, the palm facing you.",
    "3": "Thumb, index and middle fingers out, the palm facing you.",
    "4": "Four fingers straight up and apart, the thumb folded across the palm.",
    "5": "All five fingers straight and spread.",
    "6": "The thumb's tip touches the little finger's; the other three fingers up and apart.",
    "7": "The thumb's tip touches the ring finger's; the other fingers up and apart.",
    "8": "The thumb's tip touches the middle finger's; the other fingers up and apart.",
    "9": "The thumb's tip touches the index finger's; the other fingers up and apart.",
}
MOTIONS = {
    "J": "Move it: with the little finger, draw a J: down, then curving towards you, turning the palm in.",
    "Z": "Move it: with the index finger, draw a Z: across, diagonally down and back, across again.",
}
# A moving sign held still is another sign: J's hand is I's. Read as it, the feedback names the motion.
STILL = {"J": "I", "Z": "D"}
NOT_SIGNS = {"nothing"}  # what the model says when no sign is shown: nothing to learn
# Signs learners mix up (the practise issue): the feedback must name what tells each pair apart.
CONFUSED = ["AS", "AT", "AM", "AN", "AE", "ST", "SM", "SN", "SE", "TM", "TN", "TE", "MN", "ME", "NE",
            "UV", "UR", "VR", "GH", "CO", "KV", "IJ", "DZ"]


def medoid(hands, persons):
    """The typical hand of a sign: each person's own medoid (the hand nearest all their others), then
    the medoid of those, so every person has one vote however many photos they gave."""
    nearest = lambda group: group[np.linalg.norm(group[:, None] - group[None], axis=-1).sum(1).argmin()]
    own = np.stack([nearest(hands[np.asarray(persons) == person][:MOST_A_PERSON]) for person in sorted(set(persons))])
    return nearest(own)


def training_hands(run, landmarks_dir):
    """(features, labels, persons) of the hands the keypoint model of runs/NAME trained on: the
    image model's train split and the extra caches keypoints.json names, where a hand was found."""
    split = json.loads((Path(run) / "split.json").read_text())
    datasets = [Path(root).name for root in split["data"]]
    missing = [d for d in datasets if not (Path(landmarks_dir) / f"{d}.npz").is_file()]
    report = Path(run) / "keypoints.json"
    extra = list(json.loads(report.read_text()).get("extra_training_landmarks", {})) if report.is_file() else []
    missing += [c for c in extra if not (Path(landmarks_dir) / f"{c}.npz").is_file()]
    if missing:
        raise FileNotFoundError(f"no landmark cache for {', '.join(missing)} in {landmarks_dir}: "
                                f"run `make landmarks DATA=FOLDER` on their photos first")
    table = load_landmarks(landmarks_dir, datasets)
    paths, y = split_part(split, table, "train")
    x, found = features_for(paths, table)
    parts = [{"x": x, "found": found, "y": y, "persons": split_persons(datasets, paths)}]
    parts += [cache_hands(landmarks_dir, cache, split["classes"]) for cache in extra]
    features, found = np.concatenate([p["x"] for p in parts]), np.concatenate([p["found"] for p in parts])
    labels = np.array(split["classes"])[np.concatenate([p["y"] for p in parts]).astype(int)]
    persons = np.concatenate([p["persons"] for p in parts])
    return features[found], labels[found], persons[found]


def sureness(run, hands, labels):
    """How surely the keypoint model of runs/NAME reads each hand as its own sign."""
    from training.keypoints import load_model  # TensorFlow: imported only here

    classes = json.loads((Path(run) / "split.json").read_text())["classes"]
    probabilities = load_model(Path(run) / "keypoints.keras").predict(hands, batch_size=1024, verbose=0)
    return probabilities[np.arange(len(hands)), [classes.index(label) for label in labels]]


def reference_hands(hands, labels, persons, sure, signs, sure_share=SURE_SHARE):
    """{sign: its typical hand}: the medoid (by person) of the sure_share of its hands the keypoint
    model reads most surely (sure). Many R hands lose their crossed fingers in the landmarks, and many
    fists their thumb's place: the clearest hands show what makes the sign that sign."""
    typical = {}
    for label in signs:
        mine = labels == label
        if not mine.any():
            raise ValueError(f"no training hand of {label!r} was found: the chart cannot draw it")
        mine &= sure >= np.quantile(sure[mine], 1 - sure_share)
        typical[label] = medoid(hands[mine], persons[mine])
    return typical


def chart(run, landmarks_dir, sure_share=SURE_SHARE):
    """{"signs": [{label, description, motion?, hand: 63 numbers}], "how": ...} for runs/NAME."""
    classes = json.loads((Path(run) / "split.json").read_text())["classes"]
    signs = [label for label in classes if label not in NOT_SIGNS]
    if missing := [label for label in signs if label not in DESCRIPTIONS]:
        raise ValueError(f"training/chart.py has no description of {missing}: add them to DESCRIPTIONS")
    hands, labels, persons = training_hands(run, landmarks_dir)
    typical = reference_hands(hands, labels, persons, sureness(run, hands, labels), signs, sure_share)
    return {"how": f"each sign's hand is the typical one (the medoid of each person's medoid) of the "
                   f"{sure_share:.0%} of its training hands the keypoint model reads most surely; 63 numbers: "
                   "21 MediaPipe points, wrist at 0, scaled to the hand's size (web/hands.js normalise)",
            "signs": [{"label": label, "description": DESCRIPTIONS[label],
                       **({"motion": MOTIONS[label]} if label in MOTIONS else {}),
                       **({"still": STILL[label]} if label in STILL and STILL[label] in signs else {}),
                       "hand": [round(float(v), 4) for v in typical[label]]} for label in signs]}


def held_out_hands(run, landmarks_dir, labels, per_class=25):
    """{label: [{"hand": 63 numbers, "read": what the keypoint model reads}]} for photos of the signer
    runs/NAME was trained without (train --hold-out-signer): the landmark sets tests/js/handshape.test.js
    checks the feedback rules on. Up to per_class photos a sign, spread over its photos."""
    from training.keypoints import load_model  # TensorFlow: only for this

    split = json.loads((Path(run) / "split.json").read_text())
    if "held_out" not in split:
        raise ValueError(f"{run} was trained without holding out a signer (train --hold-out-signer)")
    datasets = [Path(root).name for root in split["data"]]
    table = load_landmarks(landmarks_dir, datasets)
    paths, y = split_part(split, table, "held_out")
    features, found = features_for(paths, table)
    read = load_model(Path(run) / "keypoints.keras").predict(features, verbose=0).argmax(1)
    out = {}
    for label in labels:
        index = np.flatnonzero((y == split["classes"].index(label)) & found)
        chosen = index[np.linspace(0, len(index) - 1, min(per_class, len(index))).astype(int)] if len(index) else []
        out[label] = [{"hand": [round(float(v), 4) for v in features[i]], "read": split["classes"][read[i]]}
                      for i in chosen]
    return {"signer": split["held_out_signer"], "hands": out}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--name", required=True, help="the run: runs/NAME")
    p.add_argument("--runs", default="runs")
    p.add_argument("--landmarks", default="runs/landmarks")
    p.add_argument("--out", help="default: runs/NAME/signs.json")
    p.add_argument("--held-out-hands", metavar="JSON", help="instead: write the held-out signer's hands of "
                   "the signs learners confuse (tests/fixtures/held-out-hands.json, for the feedback tests)")
    args = p.parse_args(argv)
    run = Path(args.runs) / args.name
    if args.held_out_hands:
        hands = held_out_hands(run, args.landmarks, sorted(set("".join(CONFUSED))))
        write_json(args.held_out_hands, hands, indent=None)
        print(f"wrote {args.held_out_hands}: {sum(map(len, hands['hands'].values()))} hands of {hands['signer']}")
        return
    try:
        result = chart(run, args.landmarks)
    except (FileNotFoundError, ValueError) as error:
        raise SystemExit(f"error: {error}")
    out = Path(args.out or run / "signs.json")
    write_json(out, result, indent=None)
    print(f"wrote {out}: {len(result['signs'])} signs")


if __name__ == "__main__":
    main()
