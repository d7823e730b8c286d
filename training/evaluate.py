"""Measure a model on photos it never saw: metrics, confusion matrix, learning curves, mistakes.

    python -m training.evaluate --model runs/digits --data DIR

MODEL is a run folder (model.keras) or a converted web/model/NAME/ folder (read through its
Keras twin in runs/NAME is not needed: the SavedModel is not kept, so web folders are scored in
the browser with --browser). Classes of DIR the model lacks are listed and skipped. The last line
printed is one JSON object: {"accuracy", "macro_f1", "n", "per_class"}.
"""
import argparse
import json
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
        "macro_f1": float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
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


def main(argv=None):
    import keras

    from training import data

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", required=True, help="run folder holding model.keras")
    p.add_argument("--data", required=True, help="folder-per-class tree of photos")
    args = p.parse_args(argv)

    model_path = Path(args.model) / "model.keras" if Path(args.model).is_dir() else Path(args.model)
    if not model_path.is_file():
        sys.exit(f"error: no model at {model_path} (train one with `make train`)")
    model = keras.models.load_model(model_path)
    classes = json.loads((model_path.parent / "split.json").read_text())["classes"]
    paths, labels, data_classes = data.list_images(args.data)
    missing = sorted(set(data_classes) - set(classes))
    if missing:
        print(f"skipping classes the model lacks: {', '.join(missing)}")
    chosen = [i for i, label in enumerate(labels) if label in classes]
    size = model.input_shape[1]
    images, kept = data.read_images([paths[i] for i in chosen], size)
    y = np.array([classes.index(labels[chosen[i]]) for i in kept])
    probabilities = model.predict(images.astype("float32"), batch_size=64, verbose=0)
    result = metrics(y, probabilities, classes)
    present = sorted(set(y))
    print(classification_report(y, np.argmax(probabilities, 1), labels=present,
                                target_names=[classes[i] for i in present], zero_division=0))
    result["per_class"] = {c: v for c, v in result["per_class"].items() if v["support"] > 0}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
