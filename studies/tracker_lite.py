"""What MediaPipe's lighter landmark model (modelComplexity 0, "lite") would cost the shipped letters
models in accuracy: the same photos read with the full model (1, what the keypoint model learnt
from) and with the lite one, scored by the shipped models (models/letters*.keras, fused as the page
fuses). The lite model is the speed issue's lever: ~40 -> ~32 ms a frame for the tracker on wasm here.

    python -m studies.tracker_lite [--every 4]          # -> runs/tracker-lite/summary.json
    python -m studies.tracker_lite --retrain runs/landmarks-lite   # -> runs/tracker-lite/retrained.json

The photos: S2 (the multisigner signer no letters model saw, all 1,400) and every --every'th photo of
the letters test split (people it learnt from). Each photo read twice, as `make eval` reads photos.
The cost measured is that of the shipped models fed lite landmarks.

--retrain LITE: the keypoint model trained on lite landmarks instead, as `make train NAME=letters`
trains it (the shipped split, recipe and extra people), beside one trained the same way on the full
model's (runs/landmarks) in the same run; each scored on its own kind of landmarks (test split and
S2). LITE holds the four letter caches made with `training.landmarks --complexity 0` on the same
photos (`--only` the paths of runs/landmarks' caches). Leave people out on them:
`python -m studies.people_out --landmarks LITE --out runs/people-lite`.
"""
import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from training import evaluate, keypoints
from training.data import canonical_label
from training.files import write_json
from training.landmarks import cache_name, extract_in_hands_venv

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "runs" / "tracker-lite" / "summary.json"


def photo_tree(data_dir, relative_paths, folder):
    """The photos as one folder-per-class tree of links (what the landmark extractor reads)."""
    paths = []
    for i, relative in enumerate(relative_paths):
        label = canonical_label(Path(relative).parent.name)
        link = folder / label / f"{i:05d}{Path(relative).suffix}"
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path(data_dir) / relative)
        paths.append(link)
    return paths


# The shipped keypoint recipe (Makefile KEYPOINT_ARGS_letters, EXTRA_PHOTOS_letters).
KEYPOINT_ARGS = ["--person-balance", "0.5", "--fusion-image-weight", "0.45", "--no-hand-bar", "0.5",
                 "--extra-landmarks", "asl-alphabet-64-train", "asl-letters-webcams"]
DATASETS = ["asl-letters", "asl-letters-multisigner"]  # the image model's --data (the split's parts)


def shipped_run(folder, landmarks, data_dir):
    """A run folder for training.keypoints with the shipped image model and split: train = every
    photo of the landmark caches in no other part (the image model's own train list is not shipped)."""
    split = json.loads((ROOT / "models" / "letters.split.json").read_text())
    table = keypoints.load_landmarks(landmarks, DATASETS)
    elsewhere = set(split["val"]) | set(split["test"]) | set(split["held_out"])
    split.update(data=[str(Path(data_dir) / d) for d in DATASETS], data_root=str(data_dir), held_out_signer="S2",
                 train=[path for path in table if path not in elsewhere])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "split.json").write_text(json.dumps(split))
    if not (folder / "model.keras").exists():
        (folder / "model.keras").symlink_to(ROOT / "models" / "letters.keras")


def retrain(lite, data_dir, runs=ROOT / "runs" / "tracker-lite"):
    """Keypoint models trained and scored on full and on lite landmarks: {kind: scores}."""
    summary = {}
    for kind, landmarks in (("full (complexity 1)", ROOT / "runs" / "landmarks"), ("lite (complexity 0)", Path(lite))):
        run = runs / kind.split()[0]
        shipped_run(run / "letters", landmarks, data_dir)
        if kind.startswith("lite") and (runs / "full" / "letters" / "test_twins.json").is_file():
            shutil.copyfile(runs / "full" / "letters" / "test_twins.json", run / "letters" / "test_twins.json")
        keypoints.main(["--name", "letters", "--runs", str(run), "--landmarks", str(landmarks), *KEYPOINT_ARGS])
        report = json.loads((run / "letters" / "keypoints.json").read_text())
        summary[kind] = {"test": report["test"], "test_without_near_twins": report["test_without_near_twins"],
                         "S2": {k: report["held_out"][k] for k in ("n", "hands_found", "keypoints", "image", "fused")}}
        print(kind, json.dumps(summary[kind]), flush=True)
    write_json(runs / "retrained.json", summary)
    return summary


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--every", type=int, default=4, help="every Nth photo of the test split")
    p.add_argument("--data", type=Path, default=Path(os.environ.get("SIGNCAM_DATA", ROOT.parent / "shared" / "data")))
    p.add_argument("--retrain", metavar="LITE", help="train keypoint models on lite landmarks (folder of caches)")
    args = p.parse_args(argv)
    if args.retrain:
        retrain(args.retrain, args.data)
        return
    recogniser = evaluate.Recogniser(ROOT / "web" / "model" / "letters")
    split = json.loads(recogniser.split_json.read_text())
    parts = {"S2 (never seen)": split["held_out"], "test split (people it learnt from)": split["test"][::args.every]}
    summary = {}
    with tempfile.TemporaryDirectory() as scratch:
        for part, relative in parts.items():
            tree = Path(scratch) / f"photos-{len(summary)}"
            paths = photo_tree(args.data, relative, tree)
            truth = np.array([recogniser.labels.index(p.parent.name) for p in paths])
            for complexity in (1, 0):
                caches = Path(scratch) / f"complexity-{complexity}-{len(summary)}"
                extract_in_hands_venv(tree, caches / f"{cache_name(tree)}.npz", complexity=complexity)
                predicted = evaluate.python_predictions(recogniser, paths, tree, landmarks_dir=caches)
                row = {"photos": len(paths), "hands_found": round(predicted["hands_found"], 4)}
                row.update({kind: round(float((predicted[kind] == truth).mean()), 4) for kind in ("keypoints", "fused")})
                summary.setdefault(part, {})[f"complexity {complexity}"] = row
                print(f"{part}, complexity {complexity}: {row}", flush=True)
    write_json(OUT, summary)
    print(f"\n| photos | landmark model | hands found | keypoints | fused |\n| --- | --- | --- | --- | --- |")
    for part, rows in summary.items():
        for name, row in rows.items():
            print(f"| {part} ({row['photos']:,}) | {name} | {row['hands_found']:.1%} | {row['keypoints']:.1%} | {row['fused']:.1%} |")
    print(f"wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
