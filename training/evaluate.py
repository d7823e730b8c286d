"""Measure a recogniser on photos it never saw: metrics, confusion matrix, learning curves, mistakes.

    python -m training.evaluate --model runs/letters --data DIR
    python -m training.evaluate --model web/model/letters --data DIR --browser
    python -m training.evaluate --model web/model/letters --part held_out [--browser]

MODEL is a run folder (runs/NAME) or a converted folder (web/model/NAME, scored through its Python
twins models/NAME*.keras, or with --browser in headless Chromium through the page's own modules:
what users run). Where the model has a keypoint model, image-only, keypoints-only and fused are all
scored (hand landmarks from `make landmarks`' cache or extracted now). DIR may also be a CSV file
(Sign-MNIST pixels or filename,label: training/data.py). Classes of DIR the model lacks are listed
and skipped. --part scores a part of the model's own split instead of DIR: `test` (photos of its
training sets' people it never saw) or `held_out` (the person it was trained without: `train
--hold-out-signer`); a converted model's split is models/NAME.split.json, its photos under
$SIGNCAM_DATA. The last line printed is one JSON object:
{"accuracy", "macro_f1", "n", "per_class", "image": {...}, "keypoints": {...}, "fused": {...}, ...}
for the recogniser the page uses (fused where there is a keypoint model).
"""
import argparse
import json
import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no window
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, accuracy_score, classification_report, f1_score


def metrics(y_true, probabilities, classes):
    """Accuracy, macro-F1 and per-class precision/recall/F1/support, as plain JSON-able numbers."""
    y_pred = np.argmax(probabilities, axis=1)
    labels = list(range(len(classes)))
    report = classification_report(y_true, y_pred, labels=labels, target_names=classes,
                                   output_dict=True, zero_division=0)
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        # over the classes shown or predicted: a folder of 5 letters, all read right, scores 1.0, not 5/29
        "macro_f1": float(f1_score(y_true, y_pred, average="macro", zero_division=0)),
        "n": int(len(y_true)),
        "per_class": {c: {k: round(float(v), 4) for k, v in report[c].items()} for c in classes},
    }


def plot_confusion(y_true, probabilities, classes, path):
    size = max(6, len(classes) * 0.35)
    fig, ax = plt.subplots(figsize=(size, size))
    ConfusionMatrixDisplay.from_predictions(
        y_true, np.argmax(probabilities, axis=1), labels=list(range(len(classes))),
        display_labels=classes, ax=ax, colorbar=False, xticks_rotation="vertical")
    ax.set_title("Confusion matrix (test split)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_history(history_csv, path):
    rows = np.genfromtxt(history_csv, delimiter=",", names=True, dtype=None, encoding="utf-8")
    rows = np.atleast_1d(rows)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 4))
    step = np.arange(1, len(rows) + 1)
    for ax, key in ((ax_loss, "loss"), (ax_acc, "accuracy")):
        ax.plot(step, rows[key], label="train")
        ax.plot(step, rows["val_" + key], label="val")
        ax.set_xlabel("epoch (head, then fine-tuning)")
        ax.set_title(key)
        ax.legend()
    boundary = np.sum(rows["phase"] == "head")
    if 0 < boundary < len(rows):
        for ax in (ax_loss, ax_acc):
            ax.axvline(boundary + 0.5, color="grey", linestyle=":")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_misclassified(images, y_true, probabilities, classes, path, limit=36):
    y_pred = np.argmax(probabilities, axis=1)
    wrong = np.flatnonzero(y_pred != y_true)[:limit]
    columns = 6
    rows = max(1, int(np.ceil(len(wrong) / columns)))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 2, rows * 2.3), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, i in zip(axes.flat, wrong):
        ax.imshow(images[i].astype("uint8"))
        ax.set_title(f"{classes[y_true[i]]} → {classes[y_pred[i]]} ({probabilities[i, y_pred[i]]:.2f})", fontsize=8)
    if len(wrong) == 0:
        axes.flat[0].text(0, 0.5, "no test photo misclassified", fontsize=12)
    fig.suptitle("Misclassified test photos: true → predicted (confidence)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


ROOT = Path(__file__).resolve().parent.parent


class Recogniser:
    """A model as training and the page see it: labels, the image model, and (if trained) the
    keypoint model with its fusion weight. From a run folder or a converted web/model/NAME/."""

    def __init__(self, folder):
        import keras

        from training import keypoints
        from training.data import common_root

        folder = Path(folder)
        if (folder / "metadata.json").is_file():  # web/model/NAME: its Python twins are models/NAME*.keras
            metadata = json.loads((folder / "metadata.json").read_text())
            self.labels, self.web_folder = metadata["labels"], folder
            image_path = ROOT / "models" / f"{folder.name}.keras"
            self.split_json = ROOT / "models" / f"{folder.name}.split.json"
            # Its paths are relative to the training sets' common folder, as train wrote them.
            datasets = metadata.get("trained_on", {}).get("datasets", [])
            data_dir = Path(os.environ.get("SIGNCAM_DATA", ROOT.parent / "shared" / "data"))
            self.data_root = Path(common_root([data_dir / name for name in datasets])) if datasets else data_dir
            keypoints_path = ROOT / "models" / f"{folder.name}.keypoints.keras"
            fusion = metadata.get("keypoints", {})
        else:  # a run folder from training.train
            image_path, split_json = folder / "model.keras", folder / "split.json"
            if not image_path.is_file():
                sys.exit(f"error: no model at {image_path} (train one with `make train`)")
            if not split_json.is_file():
                sys.exit(f"error: {split_json} is missing: it lists the model's labels (train writes it)")
            split = json.loads(split_json.read_text())
            self.labels, self.web_folder, self.split_json = split["classes"], None, split_json
            self.data_root = ROOT / split.get("data_root", "")  # what --part's paths are relative to
            keypoints_path = folder / "keypoints.keras"
            report = folder / "keypoints.json"
            fusion = json.loads(report.read_text()) if report.is_file() else {}
        self.weight = fusion.get("fusion_image_weight")  # None: no keypoint model
        self.no_hand_bar = fusion.get("no_hand_min_confidence", keypoints.NO_HAND_MIN_CONFIDENCE)
        try:
            self.image = keras.models.load_model(image_path, compile=False)
        except Exception as error:  # Keras says "File not found" even for a file that is there but damaged
            sys.exit(f"error: {image_path} could not be read ({type(error).__name__}: {error})")
        if self.image.output_shape[-1] != len(self.labels):
            sys.exit(f"error: {image_path} outputs {self.image.output_shape[-1]} classes but its labels list "
                     f"{len(self.labels)}: they are from different runs")
        self.keypoints = (keypoints.load_model(keypoints_path)
                          if self.weight is not None and keypoints_path.is_file() else None)


def split_photos(recogniser, part):
    """(paths, labels, the folder they share) of a part of the model's split: 'test' or 'held_out'."""
    from training.data import canonical_label

    split = json.loads(recogniser.split_json.read_text()) if recogniser.split_json.is_file() else {}
    if not split.get(part):
        sys.exit(f"error: {recogniser.split_json} lists no {part} photos"
                 + (": `train --hold-out-signer` keeps a person out" if part == "held_out" else ""))
    paths = [recogniser.data_root / p for p in split[part]]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        sys.exit(f"error: {len(missing)} of the {len(paths)} {part} photos are missing, e.g. {missing[0]}: "
                 "set SIGNCAM_DATA to the folder holding the training data")
    labels = [canonical_label(p.parent.name) for p in paths]
    return paths, labels, Path(os.path.commonpath(paths)) if len(paths) > 1 else paths[0].parent.parent


def landmarks_for(data_dir, paths, cache_dir=ROOT / "runs" / "landmarks"):
    """MediaPipe landmarks for these photos, both readings (training.landmarks.read_photo): from the
    folder's cache (`make landmarks`) where it has them, the others found now in .venv-hands.
    Returns (points N×21×3 with NaN, sizes N×2, points read with room N×21×3 with NaN)."""
    import tempfile

    from training.landmarks import cache_name, extract_in_hands_venv

    keys = [str(Path(p).relative_to(data_dir)) for p in paths]
    points, sizes = np.full((len(paths), 21, 3), np.nan, np.float32), np.zeros((len(paths), 2), np.int32)
    room = points.copy()
    cache = Path(cache_dir) / f"{cache_name(data_dir)}.npz"
    stored = np.load(cache) if cache.is_file() else {"paths": []}
    # A cache made before photos were read twice lacks room_points: its photos are read now.
    index = {str(p): i for i, p in enumerate(stored["paths"])} if "room_points" in stored else {}
    cached = [i for i, key in enumerate(keys) if key in index]
    if cached:
        rows = [index[keys[i]] for i in cached]
        points[cached], sizes[cached], room[cached] = stored["points"][rows], stored["size"][rows], stored["room_points"][rows]
    missing = [i for i, key in enumerate(keys) if key not in index]  # no cache, or one made with --every N
    if missing:
        found = extract_in_hands_venv(data_dir, Path(tempfile.mkdtemp()) / "landmarks.npz", [keys[i] for i in missing])
        points[missing], sizes[missing], room[missing] = found["points"], found["size"], found["room_points"]
    return points, sizes, room


def python_predictions(recogniser, paths, data_dir, landmarks_dir=ROOT / "runs" / "landmarks"):
    """{'image': ..., 'keypoints': ..., 'fused': ...} predicted class indices (-1: no sign), with the
    keypoint model's top probability ('keypoint_confidence') and the share of hands found.
    Landmarks come from landmarks_for (a cache in landmarks_dir, or extracted now)."""
    from training import data
    from training.keypoints import decide, first_hand, keypoint_probabilities, landmark_entry

    if recogniser.keypoints is None:
        hands = None
    else:
        points, sizes, room = landmarks_for(data_dir, paths, landmarks_dir)
        table = {i: landmark_entry(*row) for i, row in enumerate(zip(points, sizes, room))}
        # With a keypoint model the landmarks come first: a small hand's square is what the image model reads.
        hands = [first_hand(table[i]) for i in table]
    images, kept = data.read_images(paths, recogniser.image.input_shape[1], hands=hands)
    if len(kept) != len(paths):
        sys.exit("error: some photos could not be read (named above)")
    image_probs = recogniser.image.predict(images.astype("float32"), batch_size=64, verbose=0)
    out = {"image": image_probs.argmax(1)}
    if recogniser.keypoints is not None:
        keypoint_probs, found = keypoint_probabilities(recogniser.keypoints, list(table), table)  # each photo read twice
        out["keypoints"] = np.where(found, keypoint_probs.argmax(1), -1)
        out["keypoint_confidence"] = keypoint_probs.max(1)
        out["fused"] = decide(keypoint_probs, image_probs, found, recogniser.weight, recogniser.labels,
                              recogniser.no_hand_bar)
        out["hands_found"] = float(found.mean())
    return out


def browser_predictions(recogniser, paths, data_dir):
    """The same three predictions, made in headless Chromium by the page's own modules."""
    from playwright.sync_api import sync_playwright

    from training.browser import Site, launch

    if recogniser.web_folder is None:
        sys.exit("error: --browser scores a converted model: pass --model web/model/NAME (make convert)")
    site = Site()
    # The page loads the model itself, as for a user: ?model= takes any folder under model/.
    site.mount("/model/eval-model/", recogniser.web_folder)
    site.mount("/eval-data/", Path(data_dir).resolve())
    urls = [f"eval-data/{Path(p).relative_to(data_dir)}" for p in paths]
    try:
        with sync_playwright() as playwright:
            page = launch(playwright).new_page()
            page.goto(site.url + "?model=eval-model&backend=wasm&landmarks=on")
            page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled"
                                   " || document.querySelector('[data-testid=status]').classList.contains('error')",
                                   timeout=120_000)
            if page.evaluate("window.signcam?.model") != "eval-model":
                sys.exit(f"error: the page could not load {recogniser.web_folder}: "
                         f"{page.text_content('[data-testid=status]')}")
            found = page.evaluate("""async (urls) => {
                const recogniser = window.signcam.recogniser;
                const labels = recogniser.labels, index = (label) => labels.indexOf(label);
                const out = { image: [], keypoints: [], fused: [], found: [] };
                for (const url of urls) {
                    const bitmap = await createImageBitmap(await (await fetch(url)).blob());
                    const canvas = document.createElement('canvas');
                    canvas.width = bitmap.width;
                    canvas.height = bitmap.height;
                    canvas.getContext('2d').drawImage(bitmap, 0, 0);
                    if (!recogniser.usesHands) {
                        const probabilities = await recogniser.image.probabilities(canvas);
                        out.image.push(probabilities.indexOf(Math.max(...probabilities)));
                        continue;
                    }
                    const result = await recogniser.recognise(canvas, { photo: true });
                    out.image.push(index(result.imageLabel)); // a small hand's square, as fused reads it
                    out.fused.push(index(result.top[0].label));
                    out.found.push(result.hand !== null);
                    out.keypoints.push(result.hand ? index(result.keypointLabel) : -1);
                }
                return out;
            }""", urls)
    finally:
        site.close()
    out = {"image": np.array(found["image"])}
    if found["fused"]:
        out.update(keypoints=np.array(found["keypoints"]), fused=np.array(found["fused"]),
                   hands_found=float(np.mean(found["found"])))
    return out


def cropped_copy(data_dir, paths, fraction, labels):
    """The centre square (fraction × shorter side) of each photo, as PNGs in a temporary tree.

    From a CSV (DATA a file) the tree is LABEL/NNNNN.png, a folder-per-class tree like any other:
    Sign-MNIST rows have no file of their own for the browser or the hand tracker to open."""
    import tempfile

    from PIL import Image

    from training import data

    out_dir = Path(tempfile.mkdtemp(prefix="signcam-crop-"))
    out_paths = []
    for path in paths:
        pixels = data.load_image(path)
        height, width = pixels.shape[:2]
        side = max(1, round(min(height, width) * fraction))
        top, left = (height - side) // 2, (width - side) // 2
        if Path(data_dir).is_dir():
            target = out_dir / Path(path).relative_to(data_dir).with_suffix(".png")
        else:
            target = out_dir / labels[len(out_paths)] / f"{len(out_paths):05d}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels[top:top + side, left:left + side]).save(target)
        out_paths.append(target)
    return out_dir, out_paths


def main(argv=None):
    from training import data

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="run folder (runs/NAME) or converted folder (web/model/NAME)")
    photos = p.add_mutually_exclusive_group(required=True)
    photos.add_argument("--data",
                        help="folder-per-class tree of photos, or a CSV file (Sign-MNIST pixels, or filename,label)")
    photos.add_argument("--part", choices=["test", "held_out"],
                        help="a part of the model's own split.json: test, or held_out (the person it never saw)")
    p.add_argument("--browser", action="store_true", help="run the converted model in Chromium through the page's code")
    p.add_argument("--crop", type=float, default=1.0,
                   help="score the centre square of side F × the photo's shorter side (e.g. 0.8: hands look bigger)")
    p.add_argument("--landmarks", default=ROOT / "runs" / "landmarks", type=Path,
                   help="folder of landmark caches from `make landmarks` (photos they lack are found now)")
    p.add_argument("--without-twins-of", metavar="DATA", nargs="+",
                   help="score only photos with no near twin among these photos (folders or CSVs, e.g. the "
                        "training data): a leaky published test split, made honest (training/leakage.py)")
    args = p.parse_args(argv)
    if not 0.1 <= args.crop <= 1:
        sys.exit("error: --crop takes a fraction between 0.1 and 1")

    recogniser = Recogniser(args.model)
    classes = recogniser.labels
    if args.part:
        paths, labels, args.data = split_photos(recogniser, args.part)
        data_classes = sorted(set(labels))
    else:
        try:
            paths, labels, data_classes = data.list_images(args.data)
        except data.DatasetError as error:
            sys.exit(f"error: {error}")
    missing = sorted(set(data_classes) - set(classes))
    if missing:
        print(f"skipping classes the model lacks: {', '.join(missing)}")
    chosen = [i for i, label in enumerate(labels) if label in classes]
    twins = None
    if args.without_twins_of:
        from training import leakage

        reference = [path for root in args.without_twins_of for path in data.list_images(root)[0]]
        nearest = leakage.nearest_correlations(leakage.thumbnails(reference),
                                               leakage.thumbnails([paths[i] for i in chosen]))
        has_twin = leakage.near_twins(nearest)
        twins = {"dropped": int(np.sum(has_twin)), "of": len(chosen)}
        chosen = [i for i, twin in zip(chosen, has_twin) if not twin]
        print(f"left out {twins['dropped']} of {twins['of']} photos with a near twin in {' '.join(args.without_twins_of)}")
    paths = [paths[i] for i in chosen]
    y = np.array([classes.index(labels[i]) for i in chosen])
    data_dir = args.data
    # Cropped: both runtimes and both models then read the same cropped photos. A CSV's photos become
    # a PNG tree wherever a folder is needed: Chromium fetches files, the hand tracker caches by folder.
    from_csv = Path(args.data).is_file() and (args.browser or recogniser.keypoints is not None)
    if args.crop < 1 or from_csv:
        data_dir, paths = cropped_copy(args.data, paths, args.crop, [labels[i] for i in chosen])
    if args.browser:
        predictions = browser_predictions(recogniser, paths, data_dir)
    else:
        predictions = python_predictions(recogniser, paths, data_dir, args.landmarks)

    from training.keypoints import nothing_index  # loaded by Recogniser already

    shipped = "fused" if "fused" in predictions else "image"
    nothing = nothing_index(classes)
    result = {}
    for name in ("image", "keypoints", "fused"):
        if name in predictions:
            y_pred = np.where(predictions[name] < 0, nothing, predictions[name])
            one_hot = np.eye(len(classes) + 1)[y_pred][:, :len(classes)]  # -1 ('no sign') scores as wrong
            result[name] = metrics(y, one_hot, classes)
    present = sorted(set(y))
    y_shipped = predictions[shipped]
    print(f"{shipped} recogniser ({'browser' if args.browser else 'Python'}), {len(y)} photos:")
    print(classification_report(y, y_shipped, labels=present, target_names=[classes[i] for i in present],
                                zero_division=0))
    final = dict(result[shipped])
    final["per_class"] = {c: v for c, v in final["per_class"].items() if v["support"] > 0}
    final["recogniser"] = shipped
    final["runtime"] = "browser" if args.browser else "python"
    for name, scores in result.items():
        final[name] = {"accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"]}
    if "hands_found" in predictions:
        final["hands_found"] = predictions["hands_found"]
    if twins:
        final["near_twins_left_out"] = twins
    print(json.dumps(final))


if __name__ == "__main__":
    main()
