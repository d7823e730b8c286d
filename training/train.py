"""Train the image model on a folder-per-class tree of photos (or a CSV: see training/data.py).

    python -m training.train --data ../shared/data/sign-digits --name digits
    python -m training.train --data ../shared/data/sign-mnist-format/sign_mnist_train.csv --name mnist --size 96

Two phases, both with Keras' progress bar:
  1. the head alone on backbone features computed once (cheap: the backbone runs once per photo);
  2. fine-tuning of the backbone's top blocks on augmented photos, keeping the best epoch on val.
Everything lands in runs/NAME/: model.keras, split.json, history.csv, metrics.json and plots.
"""
import argparse
import csv
import io
import os
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from training import data, evaluate, leakage, signers
from training.files import save_model, write_json, write_text
from training.model import build_backbone, build_classifier, build_head, unfreeze_top


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, nargs="+",
                   help="folder(s) with one sub-folder of photos per class, or CSV file(s) (Sign-MNIST pixels, or "
                        "filename,label); several are merged by class name")
    p.add_argument("--extra-data", nargs="*", default=[], metavar="FOLDER",
                   help="photos of more people that join the training photos only, never val or test "
                        "(e.g. ../shared/data/asl-alphabet-64/train: a third signer and room for letters)")
    p.add_argument("--name", required=True, help="model name: outputs go to RUNS/NAME")
    p.add_argument("--runs", default="runs", help="where run folders go (default: runs)")
    p.add_argument("--alpha", type=float, default=0.35, help="MobileNetV2 width: 0.35 or 1.0")
    p.add_argument("--size", type=int, default=224, help="input side in pixels (96..224)")
    p.add_argument("--weights", default="imagenet", help="'imagenet' (from KERAS_HOME), a .h5 file, or 'none'")
    p.add_argument("--head-epochs", type=int, default=40)
    p.add_argument("--fine-tune-epochs", type=int, default=12)
    p.add_argument("--fine-tune-from", default="block_6_expand", help="first backbone layer to train")
    p.add_argument("--fine-tune-lr", type=float, default=3e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--label-smoothing", type=float, default=0.1)
    p.add_argument("--no-augment", action="store_true", help="fine-tune on the photos as they are (for comparison)")
    p.add_argument("--flip", action=argparse.BooleanOptionalAction, default=True,
                   help="augmentation flips half the photos left to right (a left-handed signer); --no-flip: "
                        "right hands only, as every training set signs")
    p.add_argument("--colour", action=argparse.BooleanOptionalAction, default=False,
                   help="augmentation also turns hue ±18°, saturation ×0.5–1.9 and a tenth of the photos grey: "
                        "other skin, other light, other cameras' colour")
    p.add_argument("--patience", type=int, default=4, help="early stopping patience in epochs")
    p.add_argument("--split-by-signer", action="store_true",
                   help="test on people never seen in training (sets numbered person by person: sign-digits)")
    p.add_argument("--hold-out-signer", choices=sorted(signers.SIGNERS),
                   help="keep this asl-letters-multisigner signer's photos out of training, val and test "
                        "(split.json: held_out; training.keypoints scores them): training/signers.py")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--limit-per-class", type=int, default=0,
                   help="use at most N photos per class of --data, and N of --extra-data (smoke runs)")
    return p.parse_args(argv)


def augmenter(seed, flip=True, colour=False):
    """Light augmentation: a hand a little rotated, closer, shifted, in other light, and half of
    them flipped left to right: a left-handed signer's letters are the mirror image of a right-handed
    one's, and every training set signs with the right hand."""
    return keras.Sequential([
        *([keras.layers.RandomFlip("horizontal", seed=seed)] if flip else []),
        keras.layers.RandomRotation(0.04, fill_mode="nearest", seed=seed),
        keras.layers.RandomZoom((-0.2, 0.05), fill_mode="nearest", seed=seed),
        keras.layers.RandomTranslation(0.06, 0.06, fill_mode="nearest", seed=seed),
        keras.layers.RandomContrast(0.25, seed=seed),
        keras.layers.RandomBrightness(0.15, value_range=(0, 255), seed=seed),
        *([keras.layers.RandomHue(0.1, value_range=(0, 255), seed=seed),
           keras.layers.RandomSaturation((0.35, 0.65), value_range=(0, 255), seed=seed),
           keras.layers.RandomGrayscale(0.1, seed=seed)] if colour else []),
    ], name="augment")


class SaveBest(keras.callbacks.Callback):
    """Keep the best classifier by val accuracy: saved to a temporary file, renamed into place.

    It saves `classifier` whichever model is being fitted, so the head-only phase saves the whole model.
    """

    def __init__(self, path, classifier):
        super().__init__()
        self.path, self.classifier, self.best = Path(path), classifier, -1.0

    def on_epoch_end(self, epoch, logs=None):
        score = (logs or {}).get("val_accuracy", -1.0)
        if score > self.best:
            self.best = score
            save_model(self.classifier, self.path)


def write_history(path, phases):
    rows = [{"phase": phase, "epoch": epoch + 1, **{k: v[epoch] for k, v in history.items()}}
            for phase, history in phases for epoch in range(len(next(iter(history.values()), [])))]
    table = io.StringIO()
    writer = csv.DictWriter(table, ["phase", "epoch", "loss", "accuracy", "val_loss", "val_accuracy"],
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    write_text(path, table.getvalue())


def list_photos(roots, limit_per_class=0, seed=0, classes=None):
    """(paths, labels, sources) of the photos in these folders (or CSVs), merged by class name:
    at most limit_per_class a class, drawn at random, and only the given classes if any."""
    paths, labels, sources = [], [], []
    for root in roots:
        try:
            found, found_labels, _ = data.list_images(root)
        except data.DatasetError as error:  # a wrong DATA is a message, not a traceback
            raise SystemExit(f"error: {error}")
        paths, labels, sources = paths + found, labels + found_labels, sources + [root] * len(found)
    wanted = sorted(set(labels)) if classes is None else classes
    rng = np.random.default_rng(seed)
    chosen = sorted(i for c in wanted for i in rng.permutation(
        [j for j, l in enumerate(labels) if l == c])[:limit_per_class or None])
    return tuple([items[i] for i in chosen] for items in (paths, labels, sources))


def main(argv=None):
    args = parse_args(argv)
    keras.utils.set_random_seed(args.seed)
    started = time.time()
    out = Path(args.runs) / args.name
    out.mkdir(parents=True, exist_ok=True)

    paths, labels, sources = list_photos(args.data, args.limit_per_class, args.seed)
    classes = sorted(set(labels))
    # A person never seen: none of their photos is trained on, chosen by, or tested in-domain.
    held_out = [signers.shows(path, source, args.hold_out_signer) if args.hold_out_signer else False
                for path, source in zip(paths, sources)]
    held_out_paths = [path for path, held in zip(paths, held_out) if held]
    paths, labels, sources = ([item for item, held in zip(items, held_out) if not held]
                              for items in (paths, labels, sources))
    # More people's photos for training only (the classes of --data): they come after its photos,
    # and the split below sees only those.
    extra_paths, extra_labels, extra_sources = list_photos(args.extra_data, args.limit_per_class, args.seed, classes)
    images, kept = data.read_images(paths + extra_paths, args.size)
    n_main = sum(i < len(paths) for i in kept)  # the --data photos that could be read
    paths, labels, sources = ([items[i] for i in kept] for items in
                              (paths + extra_paths, labels + extra_labels, sources + extra_sources))
    y = np.array([classes.index(label) for label in labels])
    try:
        split = data.split_by_source(paths[:n_main], labels[:n_main], sources[:n_main], seed=args.seed,
                                     by_signer=args.split_by_signer)
    except data.DatasetError as error:
        raise SystemExit(f"error: {error}")
    split["train"] += list(range(n_main, len(paths)))
    roots = [str(Path(root).resolve()) for root in args.data]
    extra_roots = [str(Path(root).resolve()) for root in args.extra_data]
    data_root = data.common_root(roots + extra_roots)  # split.json paths are relative to this (a CSV's folder for a CSV)
    relative = lambda path: os.path.relpath(data.resolve_path(path), data_root)
    split_record = {
        "data": roots, "extra_training_data": extra_roots, "data_root": data_root, "seed": args.seed,
        "frame_block": split["frame_block"], "by_signer": args.split_by_signer,
        "classes": classes,
        **{part: [relative(paths[i]) for i in split[part]] for part in ("train", "val", "test")},
        **({"held_out_signer": args.hold_out_signer, "held_out": [relative(path) for path in held_out_paths]}
           if args.hold_out_signer else {}),
    }
    write_json(out / "split.json", split_record)
    train, val, test = (np.array(split[part], dtype=int) for part in ("train", "val", "test"))
    if not len(val) or not len(test):
        raise SystemExit(f"error: too few photos to set any aside for validation and testing; give each class "
                         f"at least {data.MIN_TESTABLE} (--limit-per-class {args.limit_per_class or 'unset'})")
    print(f"{len(classes)} classes; {len(train)} train, {len(val)} val, {len(test)} test photos"
          f"{' (%d of the train photos from --extra-data)' % (len(paths) - n_main) if args.extra_data else ''}"
          f"{' (grouped by frame blocks of %d)' % split['frame_block'] if split['frame_block'] else ''}"
          f"{' (whole people to one side)' if args.split_by_signer else ''}"
          f"{'; %d photos of signer %s held out' % (len(held_out_paths), args.hold_out_signer) if args.hold_out_signer else ''}")

    weights = None if args.weights == "none" else args.weights
    backbone = build_backbone(args.alpha, args.size, weights)
    head = build_head(backbone.output_shape[-1], len(classes))
    classifier, feature_extractor = build_classifier(backbone, head)
    loss = keras.losses.CategoricalCrossentropy(label_smoothing=args.label_smoothing)
    one_hot = keras.utils.to_categorical(y, len(classes))

    print("Phase 1: head on cached backbone features")
    backbone.trainable = False
    features = feature_extractor.predict(images, batch_size=64, verbose=1)
    head.compile(keras.optimizers.Adam(1e-3), loss, metrics=["accuracy"])
    best_path = out / "model.keras"
    save_best = SaveBest(best_path, classifier)
    phases = []
    try:
        history = head.fit(
            features[train], one_hot[train], validation_data=(features[val], one_hot[val]),
            epochs=args.head_epochs, batch_size=args.batch_size, verbose=2,
            callbacks=[save_best, keras.callbacks.EarlyStopping(
                monitor="val_accuracy", patience=args.patience * 2, restore_best_weights=True)])
        phases.append(("head", history.history))

        if args.fine_tune_epochs > 0:
            print(f"Phase 2: fine-tuning from {args.fine_tune_from} on augmented photos")
            unfreeze_top(backbone, args.fine_tune_from)
            classifier.compile(keras.optimizers.Adam(args.fine_tune_lr), loss, metrics=["accuracy"])
            augment = (keras.layers.Identity() if args.no_augment
                       else augmenter(args.seed, flip=args.flip, colour=args.colour))
            train_ds = (tf.data.Dataset.from_tensor_slices((images[train], one_hot[train]))
                        .shuffle(len(train), seed=args.seed).batch(args.batch_size)
                        .map(lambda x, t: (augment(tf.cast(x, tf.float32), training=True), t),
                             num_parallel_calls=tf.data.AUTOTUNE)
                        .prefetch(tf.data.AUTOTUNE))
            history = classifier.fit(
                train_ds, validation_data=(images[val].astype("float32"), one_hot[val]),
                epochs=args.fine_tune_epochs, verbose=1,
                callbacks=[save_best, keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=args.patience)])
            phases.append(("fine-tune", history.history))
    except KeyboardInterrupt:
        print(f"\nInterrupted. The best model so far is kept in {best_path} "
              f"(val accuracy {save_best.best:.4f}). Run the same command again to train afresh, "
              f"or `make convert NAME={args.name}` to ship what is there.")
        write_history(out / "history.csv", phases)
        raise SystemExit(130)
    write_history(out / "history.csv", phases)

    best = keras.models.load_model(best_path)
    probabilities = best.predict(images[test].astype("float32"), batch_size=64, verbose=0)
    metrics = evaluate.metrics(y[test], probabilities, classes)
    metrics.update({
        "data": roots, "extra_training_data": extra_roots, "alpha": args.alpha, "size": args.size,
        "n_train": len(train), "n_val": len(val), "n_test": len(test), "frame_block": split["frame_block"],
        "val_accuracy": save_best.best, "train_seconds": round(time.time() - started, 1),
        "config": vars(args),
    })
    # Leakage check: test photos with a near twin in training; the accuracy on the others.
    metrics["leakage"], twins = leakage.check_split(split_record)
    leakage.write_test_twins(out, split_record, twins)
    free = ~twins
    twin_free_accuracy = float(np.mean(probabilities[free].argmax(1) == y[test][free])) if free.any() else None
    metrics["leakage"]["test"]["twin_free_accuracy"] = twin_free_accuracy
    write_json(out / "metrics.json", metrics)
    print(f"leakage check: {metrics['leakage']['test']['near_twin_share']:.2%} of test photos have a near twin "
          f"in training; accuracy on the {int(free.sum())} others {twin_free_accuracy}")
    evaluate.plot_confusion(y[test], probabilities, classes, out / "confusion_matrix.png")
    evaluate.plot_history(out / "history.csv", out / "learning_curves.png")
    evaluate.plot_misclassified(images[test], y[test], probabilities, classes, out / "misclassified.png")
    print(f"test accuracy {metrics['accuracy']:.4f}, macro-F1 {metrics['macro_f1']:.4f} "
          f"on {len(test)} photos the model never saw; {metrics['train_seconds']:.0f} s")
    print(f"outputs in {out}/: model.keras split.json history.csv metrics.json "
          "confusion_matrix.png learning_curves.png misclassified.png")


if __name__ == "__main__":
    main()
