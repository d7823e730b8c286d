"""Hand-sign photos: find them in a folder-per-class tree or a CSV file, decode them, split them honestly.

Two CSV layouts are read as well: Sign Language MNIST (`label,pixel1,...,pixel784`, one 28×28 grey photo a
row, addressed as the path `FILE.csv#ROW`) and `filename,label` (photo files relative to the CSV's folder).

The crop and resize here are the browser's (web/classifier.js): the centre square of the image (or,
for a small hand, the square around it: hand_square), bilinear resize with half-pixel centres, no
antialiasing. tests/test_training_smoke.py and tests/test_hands.py hold the two together.
"""
import csv
import functools
import os
import re
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps
from tqdm import tqdm

IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp"}
# Other copies of the letter sets spell these 'Del', 'Space', 'NOTHING': one spelling inside SignCam.
SPECIAL_CLASSES = {"del", "space", "nothing"}
# Video frames this close in number are near-duplicates; they stay on one side of a split.
FRAME_BLOCK = 40
# split_dataset gives val and test round(15 %) of a class each: zero below 4 photos.
MIN_TESTABLE = 4
# Sign Language MNIST CSVs: label 0..25 is A..Z (9 = J and 25 = Z, signs that move, never occur in the
# published files), then 28×28 grey pixels row by row. One row is addressed as the path "FILE.csv#ROW".
SIGN_MNIST_SIDE = 28
SIGN_MNIST_LABELS = 26
CSV_ROW = re.compile(r"^(.+\.csv)#(\d+)$", re.IGNORECASE)
# The filename,label layout: the photo's column may have any of these names (first found wins).
FILENAME_COLUMNS = ("filename", "file", "path", "image")
# The image model learnt hands that fill half of the picture or more (the landmarks' box, its longer
# side over the photo's: median 0.61 in the letters model's training photos, a quarter under 0.46).
# Where a hand found fills less than this of the centre square (the camera further away), the image
# model reads the square around the hand in which it does: hand_square.
HAND_SHARE = 0.5


class DatasetError(ValueError):
    """The data folder cannot be used as it is; the message names the folder or file."""


def canonical_label(folder_name):
    lower = folder_name.lower()
    return lower if lower in SPECIAL_CLASSES else folder_name


def list_images(root):
    """Return (paths, labels, classes) for a folder-per-class tree, a per-person tree of them
    (ROOT/PERSON/CLASS/photos: person_folders) or a CSV file; classes are sorted names.

    A CSV is Sign Language MNIST (paths are "FILE.csv#ROW", decoded by load_image) or lists photo files
    in `filename,label` columns (paths are the files themselves)."""
    root = Path(root)
    if root.is_file():
        if root.suffix.lower() != ".csv":
            raise DatasetError(f"{root} is a file but not a .csv: DATA is a folder-per-class tree or a CSV file")
        return list_csv(root)
    if not root.is_dir():
        raise DatasetError(f"data folder {root} does not exist or is not a folder")
    people = person_folders(root)
    if people:  # ROOT/PERSON/CLASS/photos: the classes of every person, merged by name
        found = [list_class_folders(person, min_classes=1) for person in people]
        paths, labels = sum((f[0] for f in found), []), sum((f[1] for f in found), [])
        return paths, labels, sorted(set(labels))
    paths, labels = list_class_folders(root)
    return paths, labels, sorted(set(labels))


def subfolders(folder):
    return sorted(d for d in Path(folder).iterdir() if d.is_dir() and not d.name.startswith("."))


def person_folders(root):
    """The person folders of a per-person tree, ROOT/PERSON/CLASS/photos (asl-letters-webcams: one
    folder a person, each with a folder a class), told by its sub-folders holding folders and no
    photos; [] for a folder-per-class tree."""
    folders = subfolders(root)
    holds_photos = lambda d: any(f.suffix.lower() in IMAGE_EXTENSIONS for f in d.iterdir() if f.is_file())
    if folders and all(subfolders(d) and not holds_photos(d) for d in folders):
        return folders
    return []


def list_class_folders(root, min_classes=2):
    """(paths, labels) of a folder-per-class tree."""
    class_dirs = subfolders(root)
    if len(class_dirs) < min_classes:
        raise DatasetError(f"{root} has {len(class_dirs)} class folder(s); at least {min_classes} are needed")
    paths, labels, not_images = [], [], []
    for class_dir in class_dirs:
        files = sorted(f for f in class_dir.iterdir() if f.is_file() and not f.name.startswith("."))
        images = [f for f in files if f.suffix.lower() in IMAGE_EXTENSIONS]
        not_images += [f for f in files if f.suffix.lower() not in IMAGE_EXTENSIONS]
        if not images:
            raise DatasetError(f"class folder {class_dir} has no images (.jpg .jpeg .png .bmp)")
        if len(images) < MIN_TESTABLE:
            warnings.warn(f"class folder {class_dir} has only {len(images)} photo(s): all go to training, so its "
                          f"accuracy cannot be measured; {MIN_TESTABLE} or more give it val and test photos",
                          stacklevel=3)
        paths += images
        labels += [canonical_label(class_dir.name)] * len(images)
    if not_images:
        warn_skipped(not_images, "not an image file")
    return paths, labels


def list_csv(path):
    """list_images for a CSV file: the layout is told by its header."""
    path = Path(path)
    header = read_csv_header(path)
    names = [name.strip().lower() for name in header]
    if sign_mnist_header(path, names):
        labels, _ = decode_sign_mnist(path)  # the file's one full read, kept for load_image
        paths = [Path(f"{path}#{row}") for row in range(len(labels))]
        labels = [chr(ord("A") + int(label)) for label in labels]
    elif "label" in names and any(name in names for name in FILENAME_COLUMNS):
        paths, labels = list_filename_csv(path, names, read_csv_rows(path)[1])
    else:
        shown = ",".join(header[:4]) + (",…" if len(header) > 4 else "")
        raise DatasetError(f"{path}: unknown CSV header '{shown}'; expected Sign-MNIST's 'label,pixel1,…,pixel784' "
                           f"or columns 'filename' (or file/path/image) and 'label'")
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise DatasetError(f"{path} has {len(classes)} class(es); at least 2 are needed")
    for label in classes:
        count = labels.count(label)
        if count < MIN_TESTABLE:
            warnings.warn(f"class {label} of {path} has only {count} photo(s): all go to training, so its "
                          f"accuracy cannot be measured; {MIN_TESTABLE} or more give it val and test photos",
                          stacklevel=3)
    return paths, labels, classes


def read_csv_header(path):
    """The header fields of a CSV file (its first non-blank line), without reading the rest."""
    try:
        with open(path, encoding="utf-8-sig") as f:
            line = next((line for line in f if line.strip()), None)
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path} is not a text CSV file ({error})") from None
    if line is None:
        raise DatasetError(f"{path} is empty: a CSV needs a header line and one row per photo")
    return next(csv.reader([line]))


def read_csv_rows(path):
    """(header fields, [(line number, line text)] of the non-blank data lines) of a CSV file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise DatasetError(f"{path} is not a text CSV file ({error})") from None
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not lines:
        raise DatasetError(f"{path} is empty: a CSV needs a header line and one row per photo")
    header = next(csv.reader([lines[0][1]]))
    if len(lines) == 1:
        raise DatasetError(f"{path} has a header but no rows")
    return header, lines[1:]


def sign_mnist_header(path, names):
    """Whether a (lower-cased) header is Sign-MNIST's; DatasetError if it is, but of the wrong size."""
    if not names or names[0] != "label" or len(names) < 2 or not all(re.fullmatch(r"pixel\d+", n) for n in names[1:]):
        return False
    if len(names) - 1 != SIGN_MNIST_SIDE ** 2:
        raise DatasetError(f"{path}: header has {len(names) - 1} pixel columns; Sign-MNIST rows are "
                           f"{SIGN_MNIST_SIDE}×{SIGN_MNIST_SIDE} = {SIGN_MNIST_SIDE ** 2} pixels")
    return True


def decode_sign_mnist(path):
    """(labels N, pixels N×28×28 uint8) of a Sign-MNIST CSV, read once per file version."""
    resolved = Path(path).resolve()
    try:
        stat = resolved.stat()
    except OSError as error:
        raise DatasetError(f"{path} cannot be read ({type(error).__name__})") from None
    return _decode_sign_mnist(str(resolved), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _decode_sign_mnist(path, mtime_ns, size):  # mtime and size in the key: an edited file is read again
    header, lines = read_csv_rows(path)
    if not sign_mnist_header(path, [name.strip().lower() for name in header]):
        raise DatasetError(f"{path} is not a Sign-MNIST CSV (its header is not label,pixel1,…,pixel784)")
    columns = 1 + SIGN_MNIST_SIDE ** 2
    texts = [line for _, line in lines]
    quoted = any('"' in line for line in texts)
    rows = list(csv.reader(texts)) if quoted else None
    for row, (number, line) in enumerate(lines):
        fields = len(rows[row]) if quoted else line.count(",") + 1
        if fields != columns:
            raise DatasetError(f"{path}: row {row} (line {number}) has {fields - 1} pixel values; "
                               f"Sign-MNIST rows have {columns - 1} ({SIGN_MNIST_SIDE}×{SIGN_MNIST_SIDE})")
    try:
        values = np.array(rows if quoted else ",".join(texts).split(","), dtype=np.int64).reshape(len(lines), columns)
    except ValueError:  # find and name the first row that is not all integers
        values = np.zeros((len(lines), columns), np.int64)
        for row, (number, line) in enumerate(lines):
            fields = rows[row] if quoted else line.split(",")
            try:
                numbers = np.array(fields, dtype=np.float64)
            except ValueError:
                numbers = None
            if numbers is None or not np.all(np.isfinite(numbers)) or not np.all(numbers == np.round(numbers)):
                bad = next((f for f in fields if not is_integer(f)), "?")
                what = "label" if not is_integer(fields[0]) else "pixel"
                raise DatasetError(f"{path}: row {row} (line {number}) has a {what} '{bad.strip()}' that is not "
                                   f"a whole number") from None
            values[row] = numbers
    labels, pixels = values[:, 0], values[:, 1:]
    bad_labels = np.flatnonzero((labels < 0) | (labels >= SIGN_MNIST_LABELS))
    if len(bad_labels):
        row = int(bad_labels[0])
        raise DatasetError(f"{path}: row {row} (line {lines[row][0]}) has label {labels[row]}; Sign-MNIST labels "
                           f"are 0..{SIGN_MNIST_LABELS - 1} (A..Z)")
    bad_pixels = np.flatnonzero(((pixels < 0) | (pixels > 255)).any(axis=1))
    if len(bad_pixels):
        row = int(bad_pixels[0])
        raise DatasetError(f"{path}: row {row} (line {lines[row][0]}) has a pixel outside 0..255")
    pixels = pixels.astype(np.uint8).reshape(len(lines), SIGN_MNIST_SIDE, SIGN_MNIST_SIDE)
    labels.flags.writeable = pixels.flags.writeable = False  # shared by every caller: read-only
    return labels, pixels


def is_integer(text):
    try:
        number = float(text)
    except ValueError:
        return False
    return np.isfinite(number) and number == round(number)


def list_filename_csv(path, names, lines):
    """(paths, labels) of a filename,label CSV; photos that do not exist are named and skipped."""
    name_column = next(names.index(name) for name in FILENAME_COLUMNS if name in names)
    label_column = names.index("label")
    paths, labels, missing = [], [], []
    for row, fields in enumerate(csv.reader([line for _, line in lines])):
        number = lines[row][0]
        if len(fields) <= max(name_column, label_column):
            raise DatasetError(f"{path}: row {row} (line {number}) has {len(fields)} field(s); the header has "
                               f"{len(names)}")
        name, label = fields[name_column].strip(), fields[label_column].strip()
        if not name or not label:
            raise DatasetError(f"{path}: row {row} (line {number}) has an empty {'file name' if not name else 'label'}")
        photo = Path(path).parent / name  # relative to the CSV's folder; an absolute name stays as it is
        if not photo.is_file():
            missing.append(photo)
            continue
        paths.append(photo)
        labels.append(canonical_label(label))
    if missing:
        warn_skipped(missing, f"listed in {path} but missing")
    return paths, labels


def warn_skipped(files, reason):
    names = ", ".join(str(f) for f in files[:10]) + (" …" if len(files) > 10 else "")
    warnings.warn(f"skipped {len(files)} file(s), {reason}: {names}", stacklevel=2)


def csv_row(path):
    """(CSV path, row number) for a Sign-MNIST row's address "FILE.csv#ROW"; None for a photo file."""
    match = CSV_ROW.match(str(path))
    return (Path(match.group(1)), int(match.group(2))) if match else None


def resolve_path(path):
    """Path(path).resolve(), also for a Sign-MNIST row: the CSV's real path with its "#ROW" kept."""
    row = csv_row(path)
    return Path(f"{row[0].resolve()}#{row[1]}") if row else Path(path).resolve()


def common_root(roots):
    """The folder that split.json's paths are relative to: the roots' common folder, where a CSV
    root counts as its own folder (a Sign-MNIST row is then ROOT/x.csv#12, never a path through a file)."""
    folders = [Path(root).resolve() for root in roots]
    return os.path.commonpath([str(f if f.is_dir() else f.parent) for f in folders])


def load_image(path):
    """Decode any supported photo (or a Sign-MNIST row) to an RGB uint8 array, upright as its EXIF says."""
    row = csv_row(path)
    if row is not None:
        csv_path, index = row
        _, pixels = decode_sign_mnist(csv_path)
        if index >= len(pixels):
            raise DatasetError(f"{csv_path} has {len(pixels)} rows: there is no row {index}")
        return np.repeat(pixels[index][:, :, None], 3, axis=2)  # grey to RGB, a fresh array
    with Image.open(path) as image:
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit grey: keep the top 8 bits
            image = Image.fromarray((np.asarray(image, dtype=np.uint32) >> 8).astype(np.uint8))
        if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, (255, 255, 255))
            image.paste(rgba, mask=rgba.getchannel("A"))  # transparent means white, as on the page
        return np.asarray(image.convert("RGB"), dtype=np.uint8)


def hand_square(points, width, height):
    """(left, top, side) in pixels of the square of a width×height image the image model reads: the
    centre square, unless a hand was found (points: MediaPipe's 21×3, x and y in 0..1 of the image;
    None or NaN: no hand) that fills less than HAND_SHARE of it. Then the square around the hand's box in
    which it fills HAND_SHARE, moved inside the image. web/classifier.js handSquare() is the same."""
    side = min(width, height)
    centre = ((width - side) // 2, (height - side) // 2, side)
    if points is None or np.isnan(points[0][0]):
        return centre
    xy = np.asarray(points, np.float64)[:, :2] * (width, height)
    (x0, y0), (x1, y1) = xy.min(0), xy.max(0)
    zoomed = int(np.floor(max(x1 - x0, y1 - y0) / HAND_SHARE + 0.5))  # floor(v + 0.5): JS Math.round
    if zoomed >= side or zoomed < 1:
        return centre
    left = int(np.floor((x0 + x1 - zoomed) / 2 + 0.5))
    top = int(np.floor((y0 + y1 - zoomed) / 2 + 0.5))
    return min(max(left, 0), width - zoomed), min(max(top, 0), height - zoomed), zoomed


def crop_and_resize(image, size, square=None):
    """A square (left, top, side; default: the centre square) of the image, bilinear resized to
    size×size: float32 0..255, like the page."""
    import tensorflow as tf  # here, not at the top: the MediaPipe venv (training.landmarks) has no TensorFlow

    height, width = image.shape[:2]
    left, top, side = square or hand_square(None, width, height)
    square = tf.convert_to_tensor(image[top:top + side, left:left + side], tf.float32)
    return tf.image.resize(square, (size, size), method="bilinear", antialias=False).numpy()


def read_images(paths, size, hands=None):
    """Decode, crop and resize photos. Returns (uint8 array, indices of the photos kept).
    hands: each photo's landmarks (or None), to read a small hand's square (hand_square)."""
    images, kept, unreadable = [], [], []
    for i, path in enumerate(tqdm(paths, desc="reading photos", unit="img")):
        try:
            pixels = load_image(path)
        # A damaged file can make Pillow raise more than OSError: SyntaxError for a broken PNG chunk,
        # DecompressionBombError for a header claiming billions of pixels (tests/test_reliability_training.py
        # fuzzes this). One bad photo is skipped and named; it never ends a run.
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
            unreadable.append(f"{path} ({type(error).__name__})")
            continue
        square = hand_square(hands[i], pixels.shape[1], pixels.shape[0]) if hands is not None else None
        images.append(np.round(crop_and_resize(pixels, size, square)).astype(np.uint8))
        kept.append(i)
    if unreadable:
        warn_skipped(unreadable, "unreadable")
    return np.stack(images) if images else np.zeros((0, size, size, 3), np.uint8), kept


def frame_index(path):
    """The number that ends a file name (A123.jpg -> 123): a video frame index in the letter sets.
    None for a Sign-MNIST row (FILE.csv#ROW): its rows are separate photos, not frames of a video."""
    if csv_row(path) is not None:
        return None
    match = re.search(r"(\d+)$", Path(path).stem)
    return int(match.group(1)) if match else None


def signer_groups(paths, labels):
    """One group id per photo, one group per person, for a set numbered in the order its people were
    photographed, each signing every class in turn (sign-digits: IMG_1118 is a student's 0, IMG_1119
    the same student's 1, ...): a new person starts where the class does not rise or the numbers
    jump. None when some file name ends in no number."""
    if not all(frame_index(p) is not None for p in paths):
        return None
    classes = sorted(set(labels))
    groups, person, previous = [0] * len(paths), -1, None
    for i in sorted(range(len(paths)), key=lambda i: frame_index(paths[i])):
        number, rank = frame_index(paths[i]), classes.index(labels[i])
        if previous is None or rank <= previous[1] or number - previous[0] > 3:
            person += 1
        groups[i], previous = person, (number, rank)
    return groups


def deal(members, rng, val_fraction, test_fraction, split):
    """Whole groups (key -> photo indices), in random order, to test and val until each holds its
    share of these photos; the rest to train. Adds to split (part -> indices)."""
    total = sum(len(m) for m in members.values())
    quota = {"test": round(total * test_fraction), "val": round(total * val_fraction)}
    taken = {"test": 0, "val": 0, "train": 0}
    keys = sorted(members)
    rng.shuffle(keys)
    for key in keys:
        part = next((p for p in ("test", "val") if taken[p] < quota[p]), "train")
        taken[part] += len(members[key])
        split[part] += members[key]


def split_dataset(paths, labels, seed=0, val_fraction=0.15, test_fraction=0.15, frame_block=FRAME_BLOCK,
                  groups=None):
    """Stratified split into train/val/test index lists.

    When every file name ends in a number, whole blocks of frame_block consecutive numbers go to
    one side, so near-identical neighbouring video frames never straddle train and test.
    groups (a key per photo, e.g. signer_groups()): each group goes whole to one side, in every
    class at once, so the test photos are of people never seen in training.
    """
    rng = np.random.default_rng(seed)
    split = {"train": [], "val": [], "test": []}
    numbered = groups is None and frame_block > 0 and all(frame_index(p) is not None for p in paths)
    if groups is not None:
        members = {}
        for i, group in enumerate(groups):
            members.setdefault(group, []).append(i)
        deal(members, rng, val_fraction, test_fraction, split)
    else:
        for label in sorted(set(labels)):
            members = {}
            for i, l in enumerate(labels):
                if l == label:
                    members.setdefault(frame_index(paths[i]) // frame_block if numbered else i, []).append(i)
            deal(members, rng, val_fraction, test_fraction, split)
    split = {part: sorted(indices) for part, indices in split.items()}
    split["frame_block"] = frame_block if numbered else 0
    return split


def split_by_source(paths, labels, sources, seed=0, by_signer=False):
    """split_dataset within each source dataset (each has its own frame numbering), merged.
    by_signer: whole people to one side (signer_groups), for sets numbered person by person.
    A per-person tree (person_folders) always goes to the sides a whole person at a time."""
    merged = {"train": [], "val": [], "test": []}
    blocks = set()
    for source in dict.fromkeys(sources):
        members = [i for i, s in enumerate(sources) if s == source]
        source_paths, source_labels = [paths[i] for i in members], [labels[i] for i in members]
        if Path(source).is_dir() and person_folders(source):  # the person is the first folder
            groups = [Path(p).resolve().relative_to(Path(source).resolve()).parts[0] for p in source_paths]
        else:
            groups = signer_groups(source_paths, source_labels) if by_signer else None
        if by_signer and groups is None:
            raise DatasetError(f"{source}: cannot split by signer: its file names do not all end in a number")
        part = split_dataset(source_paths, source_labels, seed=seed, groups=groups)
        blocks.add(part["frame_block"])
        for name in merged:
            merged[name] += [members[i] for i in part[name]]
    merged = {name: sorted(indices) for name, indices in merged.items()}
    merged["frame_block"] = max(blocks)
    return merged
