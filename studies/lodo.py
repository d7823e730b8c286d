"""Leave-one-dataset-out: train on the other letter sets, test on a set from people and rooms never seen.

    python -m studies.lodo [--landmarks runs/landmarks] [--image-runs letters]

The three letter sets come from different people, rooms and cameras, so this is the honest measure
of how a recogniser does on a new user's webcam. For every held-out set it trains the keypoint
models (one per seed, averaged, as shipped) on the landmarks of the others (val split of those for
early stopping, the fusion weight and the no-hand bar)
and scores keypoints-only, and, where an image model trained without the held-out set exists
(--image-runs: run names, each trained on a subset of the sets), image-only and fused.
Writes runs/lodo/summary.json and prints a markdown table. Also fused after the held-out signer
taught the page their own hands (training/personal.py): its first photos of every sign taught,
scored on photos at least a frame block away from those.
"""
import argparse
import json
import os
from pathlib import Path

import keras
import numpy as np

from training import data, personal
from training.files import save_npz, write_json
from training.keypoints import (SEEDS, choose_no_hand_bar, choose_weight, covered, decide, features_for, first_hands,
                                 keypoint_probabilities, load_landmarks, per_class_results, train_ensemble, typed)

# name -> (landmark cache it is tested on, data folder relative to SIGNCAM_DATA, more caches of the
# same people that join it when it is a training set)
LETTER_SETS = {
    "asl-letters": ("asl-letters", "asl-letters", []),
    "asl-letters-multisigner": ("asl-letters-multisigner", "asl-letters-multisigner", []),
    "asl-alphabet-64": ("asl-alphabet-64-test", "asl-alphabet-64/test", ["asl-alphabet-64-train"]),
}


def cache_rows(cache_dir, cache_name):
    """(relative paths, labels, features, found, landmark table) for one landmark cache: features and
    found of the photos as they are (what keypoint models train on); the table has both readings."""
    table = load_landmarks(cache_dir, [cache_name])
    paths = list(table)  # the cache's order
    features, found = features_for(paths, table)
    labels = [data.canonical_label(Path(p).parent.name) for p in paths]
    return paths, labels, features, found, table


def training_rows(cache_dir, name, tested_rows):
    """A set's own cache_rows (tested_rows) and its extra caches' (whose paths get the cache's name)."""
    tested_on, _, extra = LETTER_SETS[name]
    paths, labels, features, found, _ = tested_rows  # the table is for scoring; training takes the rest
    rows = [(paths, labels, features, found)]
    for cache_name in extra:
        if (Path(cache_dir) / f"{cache_name}.npz").is_file():
            paths, labels, features, found, _ = cache_rows(cache_dir, cache_name)
            rows.append(([f"{cache_name}/{p}" for p in paths], labels, features, found))
        else:
            print(f"note: no {cache_dir}/{cache_name}.npz: {name} trains on its {tested_on} landmarks alone")
    paths, labels, features, found = zip(*rows)
    return sum(paths, []), sum(labels, []), np.concatenate(features), np.concatenate(found)


def image_model_for(held_out, image_runs, runs_dir):
    """An image run trained without the held-out set, if one was given."""
    for name in image_runs:
        split = json.loads((Path(runs_dir) / name / "split.json").read_text())
        # asl-alphabet-64's folders are train/ and test/: the set is their parent
        trained_on = {Path(root).parent.name if Path(root).name in ("train", "test") else Path(root).name
                      for root in split["data"] + split.get("extra_training_data", [])}
        if held_out not in trained_on:
            return name, split
    return None, None


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--landmarks", default="runs/landmarks")
    p.add_argument("--runs", default="runs")
    p.add_argument("--image-runs", nargs="*", default=["letters"])
    p.add_argument("--data", default=os.environ.get("SIGNCAM_DATA", "../shared/data"))
    p.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS), help="keypoint models averaged, as shipped")
    args = p.parse_args(argv)

    tests = {name: cache_rows(args.landmarks, LETTER_SETS[name][0]) for name in LETTER_SETS}
    rows = {name: training_rows(args.landmarks, name, tests[name]) for name in LETTER_SETS}
    classes = sorted({label for _, labels, _, _ in rows.values() for label in labels})
    summary = {}
    for held_out in LETTER_SETS:
        train_sets = [name for name in LETTER_SETS if name != held_out]
        x, y, found, paths, sources = [], [], [], [], []
        for name in train_sets:
            set_paths, labels, features, set_found = rows[name]
            x.append(features)
            found.append(set_found)
            paths += set_paths
            sources += [name] * len(set_paths)
            y += [classes.index(label) for label in labels]
        x, y, found = np.concatenate(x), np.array(y), np.concatenate(found)
        split = data.split_by_source(paths, [classes[i] for i in y], sources, seed=0)
        train, val = np.array(split["train"]), np.array(split["val"])
        train, val = train[found[train]], val[found[val]]
        model = train_ensemble(x[train], y[train], x[val], y[val], len(classes), seeds=args.seeds)

        test_paths, test_labels, _, _, test_table = tests[held_out]
        y_test = np.array([classes.index(label) for label in test_labels])
        keypoint_probs, test_found = keypoint_probabilities(model, test_paths, test_table)  # each photo read twice
        result = {"trained_on": train_sets, "n_test": len(y_test), "hands_found": float(test_found.mean()),
                  "keypoints": float(np.mean(np.where(test_found, keypoint_probs.argmax(1), -1) == y_test))}

        run_name, image_split = image_model_for(held_out, args.image_runs, args.runs)
        if run_name:
            from training.keypoints import image_probabilities

            image_model = keras.models.load_model(Path(args.runs) / run_name / "model.keras", compile=False)
            image_labels = image_split["classes"]
            remap = np.array([image_labels.index(c) for c in classes])  # same label order as the keypoints
            folder = Path(args.data) / LETTER_SETS[held_out][1]
            test_image = image_probabilities(image_model, folder, test_paths, test_table)[:, remap]
            # The fusion weight comes from the image run's own val photos, never from the held-out set.
            # Only sets with a landmark cache (asl-alphabet-64's train/ has none); covered() then
            # leaves the others' val photos out of the choice.
            datasets = [Path(r).name for r in image_split["data"]]
            cached = [d for d in datasets if (Path(args.landmarks) / f"{d}.npz").is_file()]
            val_table = load_landmarks(args.landmarks, cached, prefixed=len(datasets) > 1)
            val_paths = covered(image_split["val"], val_table)
            val_labels = np.array([classes.index(data.canonical_label(Path(p).parent.name)) for p in val_paths])
            val_keypoints, val_found = keypoint_probabilities(model, val_paths, val_table)
            val_image = image_probabilities(image_model, image_split["data_root"], val_paths, val_table)[:, remap]
            weight, _ = choose_weight(val_keypoints, val_image, val_found, val_labels, classes)
            bar, _ = choose_no_hand_bar(val_image, val_found, val_labels, classes)
            fused = decide(keypoint_probs, test_image, test_found, weight, classes, bar)
            # The page teaches and compares the hand it draws: the first reading that found one.
            test_x, _ = features_for(test_paths, first_hands(test_table))
            taught, tested = personal.teaching_split(test_paths, y_test, test_found)
            keypoints_taught = personal.with_own_signs(keypoint_probs, test_x, (taught, y_test[taught]))
            fused_own = decide(keypoints_taught, test_image, test_found, weight, classes, bar)
            result.update(image_run=run_name, fusion_image_weight=weight, no_hand_min_confidence=bar,
                          image=float(np.mean(test_image.argmax(1) == y_test)),
                          fused=float(np.mean(fused == y_test)),
                          speller=typed(keypoint_probs, test_image, test_found, weight, classes, y_test, bar),
                          personal={"taught": len(taught), "tested": int(tested.sum()),
                                    "fused": float(np.mean((fused == y_test)[tested])),
                                    "fused_with_own_signs": float(np.mean((fused_own == y_test)[tested]))},
                          per_class=per_class_results(y_test, fused, classes))
            # Every photo's probabilities, for what builds on the recogniser (training/language.py).
            save_npz(Path(args.runs) / "lodo" / f"probabilities-{held_out}.npz", keypoints=keypoint_probs,
                     image=test_image, found=test_found, y=y_test, classes=np.array(classes),
                     weight=weight, bar=bar,
                     # and after the held-out signer taught their signs, on the photos it was not taught with
                     keypoints_taught=keypoints_taught, tested=tested)
        summary[held_out] = result
        print(held_out, json.dumps(result), flush=True)

    write_json(Path(args.runs) / "lodo" / "summary.json", summary)
    print("\n| held out (new people, new room) | trained on | photos | hands found | image | keypoints | fused "
          "| typed (right) | fused, then taught their signs |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for held_out, r in summary.items():
        cell = lambda key: f"{r[key]:.1%}" if key in r else "–"
        typed_cell = lambda t: f"{t['typed']:.1%} ({t['typed_right']:.1%})" if t else "–"
        own = r.get("personal")
        own_cell = f"{own['fused']:.1%} -> {own['fused_with_own_signs']:.1%} ({own['taught']} taught)" if own else "–"
        print(f"| {held_out} | {' + '.join(r['trained_on'])} | {r['n_test']} | {r['hands_found']:.1%} | "
              f"{cell('image')} | {cell('keypoints')} | {cell('fused')} | {typed_cell(r.get('speller'))} | {own_cell} |")
    print("\nSigns read right under 50 % (fused), and what they were read as most:")
    for held_out, r in summary.items():
        weak = sorted((v["right"], sign, v.get("read_as")) for sign, v in r.get("per_class", {}).items() if v["right"] < 0.5)
        print(f"- {held_out}: " + (", ".join(f"{sign} {right:.0%} (as {read_as})" for right, sign, read_as in weak) or "none"))


if __name__ == "__main__":
    main()
