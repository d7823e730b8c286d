"""What MediaPipe's lighter landmark model (modelComplexity 0, "lite") would cost the shipped letters
models in accuracy: the same photos read with the full model (1, what the keypoint model learnt
from) and with the lite one, scored by the shipped models (models/letters*.keras, fused as the page
fuses). The lite model is the speed issue's lever: ~40 -> ~32 ms a frame for the tracker on wasm here.

    python -m studies.tracker_lite [--every 4]          # -> runs/tracker-lite/summary.json

The photos: S2 (the multisigner signer no letters model saw, all 1,400) and every --every'th photo of
the letters test split (people it learnt from). Each photo read twice, as `make eval` reads photos.
The keypoint model is not retrained on lite landmarks here (that needs every landmark cache made
again): the cost measured is that of the shipped models fed lite landmarks.
"""
import argparse
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from training import evaluate
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


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--every", type=int, default=4, help="every Nth photo of the test split")
    p.add_argument("--data", type=Path, default=Path(os.environ.get("SIGNCAM_DATA", ROOT.parent / "shared" / "data")))
    args = p.parse_args(argv)
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
