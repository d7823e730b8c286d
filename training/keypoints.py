"""The keypoint model: 21 MediaPipe hand landmarks -> sign, fused with the image model.

    python -m training.keypoints --name letters

reads the landmark caches of the run's datasets (runs/landmarks/DATASET.npz, from `make landmarks`),
trains on the image model's own train split (runs/NAME/split.json), chooses the fusion weight on its
val split, and writes runs/NAME/keypoints.keras and runs/NAME/keypoints.json.

Why it helps: the image model learns rooms, lighting and skin as much as hands; the landmarks are
only the hand's shape, so they carry over to people and rooms never seen (baselines: 58 % -> 96 %).
"""
import argparse
import json
from collections import Counter
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from training import leakage, people, signs_files
from training.data import canonical_label, read_images
from training.files import save_model, write_json

FUSION_WEIGHTS = np.round(np.arange(0, 0.51, 0.05), 2)  # above 0.5 new-people accuracy falls off a cliff


def normalise(points, size):
    """N×21×3 MediaPipe points (x, y in 0..1 of the image, z on x's scale) + N×2 (width, height)
    -> N×63 features: in pixels, wrist at the origin, divided by the largest wrist-to-point distance
    in the image plane. web/hands.js does the same (tests/test_hands.py compares them)."""
    points = np.asarray(points, np.float32)
    size = np.asarray(size, np.float32)
    pixels = points * np.stack([size[:, 0], size[:, 1], size[:, 0]], -1)[:, None, :]
    centred = pixels - pixels[:, :1]
    scale = np.linalg.norm(centred[..., :2], axis=-1).max(axis=1)
    return (centred / np.maximum(scale, 1e-6)[:, None, None]).reshape(len(points), 63)


def load_landmarks(cache_dir, datasets, prefixed=None):
    """{relative path: (21×3 points or None, (width, height), 21×3 points read with room or None)} for
    the photos of these datasets: both readings of training.landmarks.read_photo.

    Keys are relative to the datasets' common parent, as in split.json: prefixed with the dataset's
    name when a run merged several (the default when several are given)."""
    table = {}
    prefixed = len(datasets) > 1 if prefixed is None else prefixed
    for dataset in datasets:
        path = Path(cache_dir) / f"{dataset}.npz"
        cache = np.load(path)
        if "room_points" not in cache:
            raise SystemExit(f"error: {path} was made before photos were read twice (it has no room_points): "
                             f"delete it and run `make landmarks DATA=FOLDER` on {dataset}'s photos again")
        prefix = f"{dataset}/" if prefixed else ""
        for path, points, size, room in zip(cache["paths"], cache["points"], cache["size"], cache["room_points"]):
            table[prefix + str(path)] = landmark_entry(points, size, room)
    return table


def landmark_entry(points, size, room):
    """A landmark table's entry from a cache's arrays for one photo: (points or None, size, points
    read with room or None); NaN points are no hand."""
    hand = lambda p: None if np.isnan(p[0, 0]) else p
    return hand(points), size, hand(room)


def features_for(paths, table):
    """(N×63 features, found mask) for paths, of their first reading (the photo as it is: what the
    keypoint model trains on); rows without a hand are zeros. Paths the cache does not cover
    (extracted with --every N) must be left out by the caller: see covered()."""
    found = np.array([table[p][0] is not None for p in paths])
    features = np.zeros((len(paths), 63), np.float32)
    if found.any():
        points = np.stack([table[p][0] for p, f in zip(paths, found) if f])
        sizes = np.stack([table[p][1] for p, f in zip(paths, found) if f])
        features[found] = normalise(points, sizes)
    return features, found


def cache_hands(cache_dir, cache, classes):
    """Every photo of one landmark cache (runs/landmarks/CACHE.npz, keyed as in the cache) that shows a
    class of `classes`: {"table", "paths", "x": features of the first reading, "found", "y": class
    indices, "persons"} (training/people.py). The keypoint model's extra training people, leave people
    out and the chart of signs all read caches this way."""
    table = load_landmarks(cache_dir, [cache], prefixed=False)
    paths = [p for p in table if canonical_label(Path(p).parent.name) in classes]
    x, found = features_for(paths, table)
    return {"table": table, "paths": paths, "x": x, "found": found,
            "y": np.array([classes.index(canonical_label(Path(p).parent.name)) for p in paths], dtype=int),
            "persons": [people.person_of(cache, p) for p in paths]}


def split_persons(datasets, paths):
    """Who signs each of a run's split paths (DATASET/CLASS/photo where the run merged several sets)."""
    if len(datasets) > 1:
        return [people.person_of(*path.split("/", 1)) for path in paths]
    return [people.person_of(datasets[0], path) for path in paths]


def with_room(table):
    """The table's second reading of every photo (read with room around it) in the place of its first."""
    return {path: (room, size, room) for path, (_, size, room) in table.items()}


def combine_readings(first, found_first, second, found_second):
    """One answer of the keypoint model for a photo read twice: where both readings found a hand, the
    product of its two answers renormalised (their geometric mean: a product of experts, as fuse());
    else the answer of the reading that found one. Returns (probabilities, found by either)."""
    both = (found_first & found_second)[:, None]
    product = np.sqrt(first * second)
    product /= product.sum(-1, keepdims=True)
    combined = np.where(both, product, np.where(found_first[:, None], first, second))
    return combined, found_first | found_second


def keypoint_probabilities(model, paths, table):
    """The keypoint model's answers for photos read twice (training.landmarks.read_photo) and whether a
    hand was found: combine_readings of its answers on both readings. web/recogniser.js does the same
    for a photo (the camera's frames are read once: they have room of their own)."""
    first, found_first = features_for(paths, table)
    second, found_second = features_for(paths, with_room(table))
    probabilities = model.predict(np.concatenate([first, second]), batch_size=512, verbose=0)
    return combine_readings(probabilities[:len(paths)], found_first, probabilities[len(paths):], found_second)


def covered(paths, table):
    return [p for p in paths if p in table]


def split_part(split, table, part):
    """One part ('train', 'val', 'test', 'held_out') of a run's split.json: (its paths that the landmark
    table covers, their class indices). Features: features_for (training), keypoint_probabilities (scoring)."""
    paths = covered(split[part], table)
    return paths, np.array([split["classes"].index(canonical_label(Path(p).parent.name)) for p in paths])


def mirrored(table):
    """The same hands as a left-handed signer shows them: what flipping each photo does to its points."""
    flip = lambda points: None if points is None else points * [-1, 1, 1] + [1, 0, 0]
    return {path: (flip(points), size, flip(room)) for path, (points, size, room) in table.items()}


# How much augment() changes a hand; studies/people_out.py --augment tries others against people.
AUGMENTATION = {"rotate": 15, "stretch": 0.10, "jitter": 0.02, "tilt": 0, "fingers": 0}


def augment(features, rotate=15, stretch=0.10, jitter=0.02, tilt=0, fingers=0):
    """Another person's hand, another camera: half of them mirrored (a left-handed signer: every
    training set signs with the right hand), rotated in the image plane ±rotate°, stretched x/y
    ±stretch, every point jittered by ~jitter of the hand's size. tilt: also turned out of the image
    plane, ±tilt° about the vertical and the horizontal axis (a camera above or beside the hand);
    fingers: each finger's bones lengthened or shortened by up to ±fingers (other hands' proportions).
    Both then scaled again as normalise() scales, so the widest point stays at 1."""
    points = tf.reshape(features, (-1, 21, 3))
    n = tf.shape(points)[0]
    if fingers:
        points = with_finger_lengths(points, tf.random.uniform((n, 5), 1 - fingers, 1 + fingers))
    if tilt:
        points = turned(points, tf.random.uniform((n, 2), -1, 1) * np.radians(tilt))
    if tilt or fingers:
        points = points / tf.reduce_max(tf.norm(points[..., :2], axis=-1), axis=1)[:, None, None]
    angle = tf.random.uniform((n,), -1, 1) * np.radians(rotate)
    cos, sin = tf.cos(angle), tf.sin(angle)
    mirror = tf.where(tf.random.uniform((n, 1)) < 0.5, -1.0, 1.0)  # x is wrist-relative: -x mirrors
    x, y, z = points[..., 0] * mirror, points[..., 1], points[..., 2]
    rx = cos[:, None] * x - sin[:, None] * y
    ry = sin[:, None] * x + cos[:, None] * y
    xy = tf.stack([rx, ry], -1) * tf.random.uniform((n, 1, 2), 1 - stretch, 1 + stretch)
    moved = tf.concat([xy, z[..., None]], -1) + tf.random.normal(tf.shape(points), stddev=jitter)
    return tf.reshape(moved, (-1, 63))


def turned(points, angles):
    """N×21×3 wrist-centred points turned by angles[:, 0] about the vertical axis and angles[:, 1]
    about the horizontal one (z is depth, on x's scale, as MediaPipe gives it)."""
    yaw, pitch = angles[:, 0, None], angles[:, 1, None]
    x, y, z = points[..., 0], points[..., 1], points[..., 2]
    x, z = tf.cos(yaw) * x + tf.sin(yaw) * z, -tf.sin(yaw) * x + tf.cos(yaw) * z
    y, z = tf.cos(pitch) * y - tf.sin(pitch) * z, tf.sin(pitch) * y + tf.cos(pitch) * z
    return tf.stack([x, y, z], -1)


def with_finger_lengths(points, scales):
    """N×21×3 wrist-centred points with every bone of finger f (from the wrist out) times scales[:, f]."""
    parts = [points[:, :1]]
    for f, finger in enumerate(FINGERS):
        bones = tf.gather(points, finger[1:], axis=1) - tf.gather(points, finger[:-1], axis=1)
        parts.append(tf.cumsum(bones * scales[:, f, None, None], axis=1))  # the wrist is at the origin
    return tf.concat(parts, 1)


# The hand's skeleton as MediaPipe numbers it: wrist 0, then 4 points a finger from thumb to little finger.
FINGERS = [[0, 1, 2, 3, 4], [0, 5, 6, 7, 8], [0, 9, 10, 11, 12], [0, 13, 14, 15, 16], [0, 17, 18, 19, 20]]
BONE_PAIRS = ([((f[i], f[i + 1]), (f[i + 1], f[i + 2])) for f in FINGERS for i in range(3)]  # bend at each joint
              + [((a[1], a[2]), (b[1], b[2])) for a, b in zip(FINGERS, FINGERS[1:])])  # spread between fingers
TIPS = [4, 8, 12, 16, 20]
POINT_PAIRS = ([(a, b) for i, a in enumerate(TIPS) for b in TIPS[i + 1:]]  # fingertip to fingertip
               + [(4, j) for j in (5, 6, 9, 10, 13, 14, 17)])  # thumb tip to the other fingers' knuckles


@keras.saving.register_keras_serializable(package="signcam")
class HandShape(keras.layers.Layer):
    """Appends what the hand's shape is, however it is turned: the cosine of the bend at every
    finger joint and of the spread between neighbouring fingers, and fingertip distances (36 values).
    Measured leave-one-dataset-out, +3 points on people never seen (docs/experiments.md, "Fusion").
    Inside the model, so the page's TF.js graph computes them too: web/hands.js is unchanged."""

    def call(self, features):
        points = keras.ops.reshape(features, (-1, 21, 3))
        at = lambda index: keras.ops.take(points, np.array(index), axis=1)
        (a0, a1), (b0, b1) = [list(zip(*side)) for side in zip(*BONE_PAIRS)]
        u, v = at(a1) - at(a0), at(b1) - at(b0)
        cosines = keras.ops.sum(u * v, -1) / (keras.ops.norm(u, axis=-1) * keras.ops.norm(v, axis=-1) + 1e-6)
        first, second = zip(*POINT_PAIRS)
        distances = keras.ops.norm(at(first) - at(second), axis=-1)
        return keras.ops.concatenate([features, cosines, distances], -1)


def load_model(path):
    """A saved keypoint model (importing this module registers HandShape, which loading needs)."""
    return keras.models.load_model(path, compile=False)


def build_model(num_classes, name="signcam_keypoint_model", units=128):
    return keras.Sequential([
        keras.Input((63,), name="landmarks"),
        HandShape(name="hand_shape"),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(units, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(num_classes, activation="softmax", name="probabilities"),
    ], name=name)


def person_weights(people, power=0.5):
    """A training weight per photo that evens out how much each person counts: count^-power of the
    person's photos, scaled to a mean of 1. power 1 makes every person count alike (15 webcam photos
    of a letter weigh as much as 300 video frames of it); 0 counts every photo alike. Chosen by
    leave-people-out (studies/people_out.py; docs/experiments.md, "People as the unit")."""
    _, index, counts = np.unique(np.asarray(people), return_inverse=True, return_counts=True)
    weights = counts[index].astype(np.float32) ** -power
    return weights / weights.mean()


def train_model(x_train, y_train, x_val, y_val, num_classes, epochs=200, seed=0, verbose=0, weights=None, units=128,
                augmentation=None):
    keras.utils.set_random_seed(seed)
    augmentation = {**AUGMENTATION, **(augmentation or {})}
    model = build_model(num_classes, units=units)
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    weights = np.ones(len(x_train), np.float32) if weights is None else np.asarray(weights, np.float32)
    train = (tf.data.Dataset.from_tensor_slices((x_train, y_train, weights)).shuffle(len(x_train), seed=seed)
             .batch(64).map(lambda x, y, w: (augment(x, **augmentation), y, w)).prefetch(tf.data.AUTOTUNE))
    model.fit(train, validation_data=(x_val, y_val), epochs=epochs, verbose=verbose,
              callbacks=[keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=25,
                                                       restore_best_weights=True)])
    return model


SEEDS = (0, 1, 2)


def train_ensemble(x_train, y_train, x_val, y_val, num_classes, seeds=SEEDS, verbose=0, weights=None, units=128,
                   augmentation=None):
    """One model per seed, averaged in one graph (the page loads and runs it like a single model).

    A seed alone moves accuracy by about a point either way on new people; the mean of three is
    steadier, and in-domain it made 18 letter errors where one model made 30 (docs/experiments.md, "Features and the keypoint model").
    Each adds ~66 kB (float16) to the page and well under a millisecond a frame."""
    members = []
    for seed in seeds:
        trained = train_model(x_train, y_train, x_val, y_val, num_classes, seed=seed, verbose=verbose, weights=weights,
                              units=units, augmentation=augmentation)
        member = build_model(num_classes, name=f"seed_{seed}", units=units)  # without the optimizer's state, which
        member.set_weights(trained.get_weights())  # a saved ensemble would otherwise carry, 3× the weights
        members.append(member)
    if len(members) == 1:
        return members[0]
    landmarks = keras.Input((63,), name="landmarks")
    mean = keras.layers.Average(name="probabilities")([member(landmarks) for member in members])
    return keras.Model(landmarks, mean, name="signcam_keypoint_ensemble")


# No hand found: the image model alone must be this sure, or the page says 'nothing'. Chosen per
# model on val from NO_HAND_BARS (choose_no_hand_bar); 0.7 is the default for reports made before.
NO_HAND_MIN_CONFIDENCE = 0.7
NO_HAND_BARS = np.round(np.arange(0.5, 0.91, 0.05), 2)  # a grey frame scores ~0.16, a clear sign ~0.9
FLOOR = 1e-6  # a probability this small counts as this small, so one model cannot veto a class outright


def fuse(keypoint_probs, image_probs, weight):
    """Product of experts: keypoint probabilities × image probabilities^weight, renormalised.

    A product, not a sum: where the keypoint model is torn or sure of a letter the image model all
    but rules out (closed fists: M/N, D/O, L/T), the image model's "not that one" counts. Measured
    against the sum with the same weights chosen on val: letters in-domain 98.6 -> 99.1 %,
    leave-one-dataset-out mean 66.0 -> 66.7 % (docs/experiments.md, "Fusion").
    web/recogniser.js fuses the same way."""
    log_fused = np.log(keypoint_probs + FLOOR) + weight * np.log(image_probs + FLOOR)
    fused = np.exp(log_fused - log_fused.max(-1, keepdims=True))
    return fused / fused.sum(-1, keepdims=True)


def nothing_index(classes):
    """The 'nothing' class, or -1 ('no sign') for a model without one (digits)."""
    return classes.index("nothing") if "nothing" in classes else -1


def reading(keypoint_probs, image_probs, found, weight, bar=NO_HAND_MIN_CONFIDENCE):
    """The recogniser's rule (web/recogniser.js), per photo: (the probabilities it reads, whether it
    reads a sign at all). Hand found: fuse(keypoint probabilities, image probabilities, weight).
    No hand found (MediaPipe misses some closed fists): the image model alone, if it is at least
    `bar` sure; else no sign ('nothing': a release for the speller)."""
    sign = found | (image_probs.max(1) >= bar)
    return np.where(found[:, None], fuse(keypoint_probs, image_probs, weight), image_probs), sign


def recognise(keypoint_probs, image_probs, found, weight, classes, bar=NO_HAND_MIN_CONFIDENCE):
    """What web/recogniser.js says per photo: (class index, or -1 for 'no sign' where the model has
    no 'nothing' class; and the probability the page shows, which the speller compares with its bar)."""
    probabilities, sign = reading(keypoint_probs, image_probs, found, weight, bar)
    label = np.where(sign, probabilities.argmax(1), nothing_index(classes))
    probability = np.where(sign, probabilities.max(1), 1 - image_probs.max(1))
    return label, probability


def recognised_probabilities(keypoint_probs, image_probs, found, weight, classes, bar=NO_HAND_MIN_CONFIDENCE):
    """recognise() as whole rows of probabilities, which the page reranks by English spelling
    (training/language.py): where no sign is read, certainty of 'nothing' (which spelling leaves alone)."""
    if "nothing" not in classes:
        raise ValueError("recognised_probabilities needs a model with a 'nothing' class (the letters)")
    probabilities, sign = reading(keypoint_probs, image_probs, found, weight, bar)
    return np.where(sign[:, None], probabilities, np.eye(len(classes))[nothing_index(classes)])


def decide(keypoint_probs, image_probs, found, weight, classes, bar=NO_HAND_MIN_CONFIDENCE):
    """The recogniser's decision per photo (recognise() without the probability)."""
    return recognise(keypoint_probs, image_probs, found, weight, classes, bar)[0]


# web/speller.js DEFAULTS.threshold: a frame this sure adds to its sign's evidence (the page types
# on evidence since 2026-12-04; `make spell-bench` measures that on words). Reports before then
# counted "typed" at the bar of the time, 0.75.
SPELLER_THRESHOLD = 0.3


def typed(keypoint_probs, image_probs, found, weight, classes, y, bar=NO_HAND_MIN_CONFIDENCE):
    """Of the photos that show a sign, the share the speller would type at its default bar, and the
    share it would type correctly: accuracy alone hides a recogniser too unsure to type anything."""
    label, probability = recognise(keypoint_probs, image_probs, found, weight, classes, bar)
    nothing = nothing_index(classes)
    sign, sure = y != nothing, (probability >= SPELLER_THRESHOLD) & (label != nothing)
    return {"typed": float(sure[sign].mean()), "typed_right": float((sure & (label == y))[sign].mean())}


def scores(keypoint_probs, image_probs, found, y, weight, classes, bar=NO_HAND_MIN_CONFIDENCE):
    """Shares read right by the image model alone, the keypoint model alone ("no hand" counts as
    wrong) and both fused as the page decides."""
    return {"image": float(np.mean(image_probs.argmax(1) == y)),
            "keypoints": float(np.mean(np.where(found, keypoint_probs.argmax(1), -1) == y)),
            "fused": float(np.mean(decide(keypoint_probs, image_probs, found, weight, classes, bar) == y))}


def per_class_results(y_true, y_pred, classes):
    """For each sign of a set of new people: the share read right and, if any were not, what it was
    read as most ("-1": no sign). New people fail whole letters, so this names them."""
    result = {}
    for c in sorted(set(y_true)):
        read = y_pred[y_true == c]
        wrong = read[read != c]
        row = {"right": round(float(np.mean(read == c)), 4), "n": int(len(read))}
        if len(wrong):
            values, counts = np.unique(wrong, return_counts=True)
            row["read_as"] = classes[values[counts.argmax()]] if values[counts.argmax()] >= 0 else "no sign"
        result[classes[c]] = row
    return result


def choose_weight(keypoint_probs, image_probs, found, y, classes):
    """The weight with the best val accuracy; of several equally good, the middle one (a small val
    split often ties them all, and neither ignoring the image model nor the cap is the safe pick)."""
    scores = np.array([np.mean(decide(keypoint_probs, image_probs, found, w, classes) == y) for w in FUSION_WEIGHTS])
    best = np.flatnonzero(scores == scores.max())
    return float(FUSION_WEIGHTS[best[len(best) // 2]]), dict(zip(map(float, FUSION_WEIGHTS), scores.tolist()))


def choose_no_hand_bar(image_probs, found, y, classes):
    """The bar with the best val accuracy on the photos where no hand was found (the only ones it
    changes; the fusion weight changes only the others); of several equally good, the highest: a
    frame with no hand in view should say 'nothing' unless the image model is sure. Below the
    speller's own bar (0.75) it changes what the page shows, never what it types."""
    no_hand = ~found
    keypoint_probs = np.full_like(image_probs, 1 / image_probs.shape[1])  # unused where no hand was found
    scores = np.array([np.sum((decide(keypoint_probs, image_probs, found, 0, classes, bar) == y)[no_hand])
                       for bar in NO_HAND_BARS])
    best = np.flatnonzero(scores == scores.max())
    return float(NO_HAND_BARS[best[-1]]), dict(zip(map(float, NO_HAND_BARS), scores.tolist()))


def first_hand(entry):
    """A landmark table entry's hand: as the photo is, else as read with room (None: no hand)."""
    points, _, room = entry
    return points if points is not None else room


def first_hands(table):
    """The table with each photo's first_hand as its first reading."""
    return {path: (first_hand(entry), entry[1], entry[2]) for path, entry in table.items()}


def model_photos(model, data_root, paths, table):
    """The photos as the image model reads them beside the keypoint model: the centre square, or a
    small hand's square (data.hand_square, from the hand found first: web/recogniser.js), resized (uint8)."""
    images, kept = read_images([Path(data_root) / p for p in paths], model.input_shape[1],
                               hands=[first_hand(table[p]) for p in paths])
    assert len(kept) == len(paths), "photos became unreadable since training"
    return images


def predict_photos(model, images):
    return model.predict(images.astype("float32"), batch_size=64, verbose=0)


def image_probabilities(model, data_root, paths, table):
    return predict_photos(model, model_photos(model, data_root, paths, table))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--name", required=True, help="the image model's run: runs/NAME")
    p.add_argument("--runs", default="runs")
    p.add_argument("--landmarks", default="runs/landmarks", help="folder of landmark caches")
    p.add_argument("--extra-landmarks", nargs="*", default=[], metavar="CACHE",
                   help="landmark caches (runs/landmarks/CACHE.npz) of more people whose hands join the "
                        "training photos only, e.g. asl-alphabet-64-train")
    p.add_argument("--signs-files", nargs="*", default=[], metavar="FILE",
                   help="people's own signs as the page saves them (\"Save my signs\"): each file one more "
                        "person whose hands join the training photos")
    p.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS),
                   help="one keypoint model per seed, averaged (default: %(default)s)")
    p.add_argument("--person-balance", type=float, default=0.0, metavar="POWER",
                   help="weigh each training photo by its person's photo count ^ -POWER (person_weights; "
                        "0: every photo alike, 1: every person alike)")
    p.add_argument("--fusion-image-weight", type=float,
                   help="use this fusion weight instead of choosing one on the val split (e.g. one chosen "
                        "on held-out people by studies/people_out.py)")
    p.add_argument("--no-hand-bar", type=float, help="likewise for the no-hand bar")
    p.add_argument("--score-only", action="store_true",
                   help="score runs/NAME/keypoints.keras again instead of training it (keypoints.json is rewritten)")
    args = p.parse_args(argv)
    run = Path(args.runs) / args.name
    split = json.loads((run / "split.json").read_text())
    classes = split["classes"]
    datasets = [Path(root).name for root in split["data"]]
    for dataset in datasets + args.extra_landmarks:
        if not (Path(args.landmarks) / f"{dataset}.npz").is_file():
            raise SystemExit(f"error: no landmarks for {dataset}: run `make landmarks DATA=FOLDER` on its photos first "
                             f"(the cache is named after the folder: {dataset}.npz)")
    table = load_landmarks(args.landmarks, datasets)
    twins = leakage.test_twins(run)  # the test photos that have a near twin in training
    parts = {}
    for part in ("train", "val", "test"):
        # all of the part's photos unless a cache skipped some (--every)
        split[part], labels = split_part(split, table, part)
        features, found = features_for(split[part], table)
        parts[part] = (features, found, labels)
        print(f"{part}: hands found in {found.sum()} of {len(found)} photos ({found.mean():.1%})")

    (x_train, f_train, y_train), (x_val, f_val, y_val), (_, _, y_test) = parts.values()  # f_*: found as the photos are
    # who signs each training photo: split paths are DATASET/CLASS/photo when a run merged several sets
    persons = split_persons(datasets, split["train"])
    extra = {}
    for cache in args.extra_landmarks:  # hands of other people, for training only
        more = cache_hands(args.landmarks, cache, classes)
        x_train, f_train = np.concatenate([x_train, more["x"]]), np.concatenate([f_train, more["found"]])
        y_train = np.concatenate([y_train, more["y"].astype(y_train.dtype)])
        persons += more["persons"]
        print(f"train: + hands found in {more['found'].sum()} of {len(more['paths'])} photos of {cache}")
        extra[cache] = int(more["found"].sum())
    contributed = {}
    for path in args.signs_files:  # a person's hands from the page itself, for training only
        try:
            hands, labels, skipped = signs_files.read(path, args.name, classes)
        except signs_files.SignsFileError as error:
            raise SystemExit(f"error: --signs-files: {error}") from error
        x_train, f_train = np.concatenate([x_train, hands]), np.concatenate([f_train, np.ones(len(hands), bool)])
        y_train = np.concatenate([y_train, labels.astype(y_train.dtype)])
        persons += [f"signs:{path}"] * len(hands)  # the page names every file alike: told apart by folder
        print(f"train: + {len(hands)} hands of {len(set(labels))} signs from {path}"
              + (f" (left out, not signs of this model, damaged or learnt from words: {' '.join(skipped)})" if skipped else ""))
        contributed[str(path)] = len(hands)
    if args.score_only:  # the keypoint model trained before, scored again (after a change in how photos are read)
        if not (run / "keypoints.keras").is_file():
            raise SystemExit(f"error: --score-only: {run}/keypoints.keras does not exist (train it first)")
        model = load_model(run / "keypoints.keras")
    else:
        weights = person_weights(np.array(persons)[f_train], args.person_balance) if args.person_balance else None
        model = train_ensemble(x_train[f_train], y_train[f_train], x_val[f_val], y_val[f_val], len(classes),
                               seeds=args.seeds, verbose=2, weights=weights)
    image_model = keras.models.load_model(run / "model.keras", compile=False)
    # Scored as the page reads photos: each read twice (keypoint_probabilities).
    (kp_val, found_val), (kp_test, found_test) = (keypoint_probabilities(model, split[part], table) for part in ("val", "test"))
    test_photos = model_photos(image_model, split["data_root"], split["test"], table)  # read once: as they are, and mirrored
    probs = {"val": (kp_val, image_probabilities(image_model, split["data_root"], split["val"], table)),
             "test": (kp_test, predict_photos(image_model, test_photos))}
    found = {"val": found_val, "test": found_test}
    weight, val_scores = choose_weight(*probs["val"], found_val, y_val, classes)
    bar, val_bar_scores = choose_no_hand_bar(probs["val"][1], found_val, y_val, classes)
    chosen_on = {"fusion_image_weight": "val", "no_hand_min_confidence": "val"}
    if args.fusion_image_weight is not None:
        weight, chosen_on["fusion_image_weight"] = args.fusion_image_weight, "given (--fusion-image-weight)"
    if args.no_hand_bar is not None:
        bar, chosen_on["no_hand_min_confidence"] = args.no_hand_bar, "given (--no-hand-bar)"
    report = {"fusion_image_weight": weight, "val_accuracy_by_weight": val_scores,
              "no_hand_min_confidence": bar, "val_right_without_a_hand_by_bar": val_bar_scores,
              "chosen_on": chosen_on, "person_balance_power": args.person_balance,
              "training_photos_by_person": dict(Counter(np.array(persons)[f_train].tolist())),
              "extra_training_landmarks": extra, "signs_files": contributed,
              # train: the photos as they are (what the model learns from); val, test: read twice
              "hands_found": {"train": float(parts["train"][1].mean()), **{part: float(found[part].mean()) for part in found}}}
    for part in ("val", "test"):
        report[part] = scores(*probs[part], found[part], parts[part][2], weight, classes, bar)
    kp, img = probs["test"]
    alone = np.array([p not in twins for p in split["test"]])  # the honest in-domain number
    report["test_speller"] = typed(kp, img, found_test, weight, classes, y_test, bar)  # typed at the default bar
    report["test_without_near_twins"] = {
        "n": int(alone.sum()), "image": float(np.mean((img.argmax(1) == y_test)[alone])),
        "fused": float(np.mean((decide(kp, img, found_test, weight, classes, bar) == y_test)[alone]))}
    # Every training set signs with the right hand: the test photos mirrored are a left-handed signer.
    kp_mirrored, f_mirrored = keypoint_probabilities(model, split["test"], mirrored(table))
    img_mirrored = predict_photos(image_model, test_photos[:, :, ::-1])
    report["test_mirrored"] = scores(kp_mirrored, img_mirrored, f_mirrored, y_test, weight, classes, bar)
    if "held_out" in split:  # a person no photo of train, val or test shows (train --hold-out-signer)
        paths, y_held = split_part(split, table, "held_out")
        (kp, f_held), img = keypoint_probabilities(model, paths, table), image_probabilities(image_model, split["data_root"], paths, table)
        report["held_out"] = {
            "signer": split["held_out_signer"], "n": len(paths), "hands_found": float(f_held.mean()),
            **scores(kp, img, f_held, y_held, weight, classes, bar),
            "speller": typed(kp, img, f_held, weight, classes, y_held, bar),
            "per_class": per_class_results(y_held, decide(kp, img, f_held, weight, classes, bar), classes)}
    print(json.dumps(report, indent=2))
    if not args.score_only:
        save_model(model, run / "keypoints.keras")
    write_json(run / "keypoints.json", report)
    wrote = "keypoints.json" if args.score_only else "keypoints.keras and keypoints.json"
    print(f"wrote {run}/{wrote} (fusion weight {weight}, no-hand bar {bar}: {chosen_on})")


if __name__ == "__main__":
    main()
