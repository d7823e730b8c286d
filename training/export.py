"""Convert a trained run into a browser model folder.

    python -m training.export --name digits      # runs/digits/model.keras -> web/model/digits/

The Keras models are also copied to models/NAME.keras (and models/NAME.keypoints.keras): the
shipped models' Python twins, which the tests use to compare Python and browser on the same photos.

Keras model -> SavedModel (model.export) -> tensorflowjs_converter graph model, float16 weights
by default, plus metadata.json: labels in output order, input size and preprocessing, accuracy,
the data it was trained on, the date. The folder is built beside the target and renamed into
place, so a failed conversion never leaves a broken web/model/NAME/.
"""
import argparse
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from training.files import save_model, write_json, write_text

DATASET_HOMEPAGES = {
    "sign-digits": "https://github.com/ardamavi/Sign-Language-Digits-Dataset",
}


class ExportError(RuntimeError):
    pass


def converter_command():
    """tensorflowjs_converter from this Python's environment (the venv), else from PATH."""
    beside = Path(sys.executable).parent / "tensorflowjs_converter"
    return str(beside) if beside.exists() else (shutil.which("tensorflowjs_converter") or "tensorflowjs_converter")


def output_size(model_json):
    """Number of classes the graph model outputs, read from model.json's signature."""
    outputs = json.loads(model_json.read_text())["signature"]["outputs"]
    (output,) = outputs.values()
    return int(output["tensorShape"]["dim"][-1]["size"])


def metadata(name, run, model, quantize):
    metrics = json.loads((run / "metrics.json").read_text())
    split = json.loads((run / "split.json").read_text())
    datasets = [Path(root).name for root in split["data"]]
    return {
        "name": name,
        "format": "tfjs_graph_model",
        "labels": split["classes"],
        "input": {
            "size": int(model.input_shape[1]), "channels": 3, "range": [0, 255],
            "crop": "centre-square", "resize": "bilinear, half-pixel centres, no antialias",
        },
        "architecture": f"MobileNetV2 alpha {metrics['alpha']} + dropout + softmax",
        "quantization": "float16" if quantize else "none",
        "test_accuracy": round(metrics["accuracy"], 4),
        "test_macro_f1": round(metrics["macro_f1"], 4),
        "n_test": metrics["n_test"],
        "leakage": metrics.get("leakage"),  # near twins of test photos in training (training/leakage.py)
        # Enough to recompute the test split: training.data.split_dataset(paths, labels, seed, ...).
        "split": {"seed": split["seed"], "frame_block": split["frame_block"], "by_signer": split.get("by_signer", False)},
        "trained_on": {"dataset": " + ".join(datasets), "datasets": datasets,
                       "homepages": [DATASET_HOMEPAGES.get(d) for d in datasets],
                       # more people's photos, in training only (train --extra-data)
                       "extra_training_data": [os.path.relpath(root, split["data_root"])
                                               for root in split.get("extra_training_data", [])],
                       "n_train": metrics["n_train"], "n_val": metrics["n_val"]},
        "train_seconds": metrics.get("train_seconds"),
        "created": datetime.date.today().isoformat(),
    }


def convert(model, folder, quantize):
    """Keras model -> SavedModel -> TF.js graph model in folder."""
    with tempfile.TemporaryDirectory() as saved_model:
        model.export(saved_model, verbose=False)
        command = [converter_command(), "--input_format=tf_saved_model",
                   "--output_format=tfjs_graph_model", saved_model, str(folder)]
        if quantize:
            command.insert(1, "--quantize_float16=*")
        subprocess.run(command, check=True)


def keypoints_metadata(run):
    from training.keypoints import FLOOR, NO_HAND_MIN_CONFIDENCE
    from training.landmarks import DETECTOR

    report = json.loads((run / "keypoints.json").read_text())
    return {
        "model": "keypoints/model.json",
        "input": "21 MediaPipe hand landmarks: pixels, wrist at the origin, / largest wrist distance (63); "
                 "the model adds joint angles and fingertip distances itself",
        "extra_training_landmarks": report.get("extra_training_landmarks", {}),
        "detector": DETECTOR,
        "fusion": f"keypoint probabilities x (image probabilities ^ fusion_image_weight), each + {FLOOR}, renormalised",
        "fusion_image_weight": report["fusion_image_weight"],  # chosen on the val split
        "fusion_floor": FLOOR,
        "photos": "read twice (training/landmarks.py read_photo): as they are and with room around them; "
                  "the keypoint model's answers on both multiplied, renormalised. Camera frames: read once",
        "no_hand_min_confidence": report.get("no_hand_min_confidence", NO_HAND_MIN_CONFIDENCE),  # chosen on val
        "hands_found": report["hands_found"],
        "test_accuracy": report["test"],  # image, keypoints, fused on the test split
        "test_accuracy_without_near_twins": report.get("test_without_near_twins"),
        "test_typed_at_default_threshold": report.get("test_speller"),  # sign photos the speller would type
        "test_accuracy_mirrored": report.get("test_mirrored"),  # the test photos flipped: a left-handed signer
        # a person kept out of training, val and test (train --hold-out-signer): this very model on them
        **({"held_out_signer": report["held_out"]} if "held_out" in report else {}),
    }


# new_people to 5 digits: a share the page and README print to 0.1 % is not rounded twice (0.979487
# -> 0.9795 -> 98.0 %)
DIGITS = 5


def new_people_metadata(source):
    """What the page tells users about people the model never saw, from either
    - studies.people_out's summary.json (letters: every person scored by models trained without them),
    - studies.lodo's summary.json (each set held out in turn), or
    - a run folder trained with --split-by-signer (digits: its test photos are other signers')."""
    source = Path(source)
    try:
        if source.is_file() and "people" in (summary := json.loads(source.read_text())):
            taught = source.parent / "personal.json"  # studies.personal_people, beside it
            return people_out_metadata(summary, json.loads(taught.read_text()) if taught.is_file() else None)
        if source.is_dir():
            if not json.loads((source / "split.json").read_text()).get("by_signer"):
                raise ExportError(f"{source} was not trained with --split-by-signer: its test photos show "
                                  "the people it learnt from")
            fused = json.loads((source / "keypoints.json").read_text())["test"]["fused"]
            return {"how": f"{source.name}: trained without some signers, tested on them",
                    "fused": {"other signers (--split-by-signer)": fused}, "mean_fused": round(fused, DIGITS)}
        summary = json.loads(source.read_text())
        fused = {held_out: result["fused"] for held_out, result in summary.items()}
        taught = {held_out: result["personal"]["fused_with_own_signs"] for held_out, result in summary.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ExportError(f"{source} is neither a people_out or studies.lodo summary nor a --split-by-signer run with its "
                          f"keypoint model ({type(error).__name__}: {error}): leave --new-people out") from error
    return {
        "how": "leave one dataset out (studies.lodo): trained without a set's people and rooms, tested on them",
        "fused": fused,
        "mean_fused": round(sum(fused.values()) / len(fused), DIGITS),
        "fused_with_own_signs": taught,  # after the held-out signer taught their signs (training/personal.py)
        "mean_fused_with_own_signs": round(sum(taught.values()) / len(taught), DIGITS),
    }


def people_out_metadata(summary, taught=None):
    """new_people from studies.people_out: the recogniser as the page runs it (fused) on each person
    the image model never saw, and the keypoint model alone on every person; with studies.personal_people's
    results (taught), the same people once they taught the page their signs."""
    fused = {person: round(r["fused"], DIGITS) for person, r in summary["people"].items() if "fused" in r}
    keypoints = {person: round(r["keypoints"], DIGITS) for person, r in summary["people"].items()}
    worst = min(fused, key=fused.get)
    once_taught = taught and {
        "how": taught["how"],
        "mean_fused": round(taught["taught_every_sign"]["mean"], DIGITS),
        "worst": {"person": taught["taught_every_sign"]["worst"],
                  "fused": round(taught["taught_every_sign"]["worst_value"], DIGITS)},
    }
    return {
        "how": "leave people out (studies/people_out.py): each person scored by models trained without them",
        "fused": fused,
        "mean_fused": round(sum(fused.values()) / len(fused), DIGITS),
        "worst": {"person": worst, "fused": fused[worst]},
        "spread_fused": round(float(summary["summary"]["fused"]["spread"]), DIGITS),
        "keypoints": keypoints,
        "mean_keypoints": round(sum(keypoints.values()) / len(keypoints), DIGITS),
        **({"once_taught": once_taught} if once_taught else {}),
    }


def export(name, runs="runs", out="web/model", quantize=True, keras_copy="models", new_people=None,
           landmarks="runs/landmarks"):
    import keras  # imported here so `--help` is instant

    from training import chart, keypoints

    run, target = Path(runs) / name, Path(out) / name
    for needed in ("model.keras", "metrics.json", "split.json"):
        if not (run / needed).is_file():
            raise ExportError(f"{run / needed} is missing: train first with `make train NAME={name} DATA=...`")
    try:
        model = keras.models.load_model(run / "model.keras", compile=False)  # no optimizer state: smaller
    except Exception as error:  # Keras says "File not found" even for a file that is there but damaged
        raise ExportError(f"{run / 'model.keras'} could not be read ({type(error).__name__}: {error})") from error
    labels = json.loads((run / "split.json").read_text())["classes"]
    if model.output_shape[-1] != len(labels):  # checked before the slow conversion, and again after it
        raise ExportError(f"{run / 'model.keras'} outputs {model.output_shape[-1]} classes but "
                          f"{run / 'split.json'} lists {len(labels)} labels: they are from different runs")
    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{name}.partial-", dir=target.parent))
    try:
        convert(model, building, quantize)
        info = metadata(name, run, model, quantize)
        if (run / "keypoints.keras").is_file():  # the hand-shape model (training.keypoints), fused in the page
            convert(keypoints.load_model(run / "keypoints.keras"), building / "keypoints", quantize)
            info["keypoints"] = keypoints_metadata(run)
            try:  # the chart of signs the page teaches with: each sign's typical hand (training/chart.py)
                write_json(building / "signs.json", chart.chart(run, landmarks), indent=None)
            except (FileNotFoundError, ValueError) as error:
                raise ExportError(f"the chart of signs (signs.json): {error}") from error
        if new_people:
            info["new_people"] = new_people_metadata(new_people)
        if output_size(building / "model.json") != len(info["labels"]):
            raise ExportError(f"converted model outputs {output_size(building / 'model.json')} classes "
                              f"but {run / 'split.json'} lists {len(info['labels'])} labels")
        (building / "metadata.json").write_text(json.dumps(info, indent=2) + "\n")
        card = Path(__file__).resolve().parent.parent / "docs" / "model-cards" / f"{name}.md"
        if card.is_file():  # the human-written model card travels with the model, with the pictures it shows
            shutil.copyfile(card, building / "README.md")
            for picture in re.findall(r"!\[[^\]]*\]\(([^)/:]+)\)", card.read_text()):
                shutil.copyfile(card.with_name(picture), building / picture)
        os.chmod(building, 0o755)
        previous = target.with_name(f".{name}.previous")
        shutil.rmtree(previous, ignore_errors=True)
        if target.exists():
            os.replace(target, previous)
        os.replace(building, target)
        shutil.rmtree(previous, ignore_errors=True)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    if keras_copy:
        Path(keras_copy).mkdir(exist_ok=True)
        twins = [(model, f"{name}.keras")]
        if "keypoints" in info:
            twins.append((keypoints.load_model(run / "keypoints.keras"), f"{name}.keypoints.keras"))
        for twin, filename in twins:
            save_model(twin, Path(keras_copy) / filename)
        # Which photos it never saw (paths relative to the data folder), for tests and evaluation.
        split = json.loads((run / "split.json").read_text())
        held_out = {key: split[key] for key in ("classes", "seed", "frame_block", "val", "test", "held_out")
                    if key in split}  # held_out: a signer kept out of every part (train --hold-out-signer)
        write_json(Path(keras_copy) / f"{name}.split.json", held_out, indent=None)
    size = sum(f.stat().st_size for f in target.iterdir())
    print(f"wrote {target}/ ({size / 1e6:.2f} MB; test accuracy {info['test_accuracy']:.4f})")
    return target


def refresh_new_people(name, out, source):
    """Only new_people of an exported model's metadata.json, from a newer study (`make people`): the
    rest of the folder is left as `make convert` wrote it."""
    path = Path(out) / name / "metadata.json"
    if not path.is_file():
        raise ExportError(f"{path} is missing: export the model first with `make convert NAME={name}`")
    info = json.loads(path.read_text())
    info["new_people"] = new_people_metadata(source)
    write_text(path, json.dumps(info, indent=2) + "\n")
    print(f"wrote {path}: new_people from {source}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--name", required=True)
    p.add_argument("--runs", default="runs")
    p.add_argument("--out", default="web/model")
    p.add_argument("--no-quantize", action="store_true", help="keep float32 weights")
    p.add_argument("--landmarks", default="runs/landmarks", help="landmark caches, for the chart of signs")
    p.add_argument("--new-people", help="accuracy on people the model never saw, which the page shows beside "
                                        "the test accuracy: studies.people_out's or studies.lodo's summary.json, or a run folder "
                                        "trained with --split-by-signer")
    p.add_argument("--only-new-people", action="store_true",
                   help="rewrite only new_people in the exported model's metadata.json (no run needed)")
    args = p.parse_args(argv)
    try:
        if args.only_new_people:
            if not args.new_people:
                p.error("--only-new-people needs --new-people")
            return refresh_new_people(args.name, args.out, args.new_people)
        export(args.name, args.runs, args.out, quantize=not args.no_quantize, new_people=args.new_people,
               landmarks=args.landmarks)
    except (ExportError, subprocess.CalledProcessError) as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
