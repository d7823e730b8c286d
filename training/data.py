"""Hand-sign photos: find them in a folder-per-class tree, decode them, split them honestly.

The crop and resize here are the browser's (web/classifier.js): the centre square of the image,
bilinear resize with half-pixel centres, no antialiasing. tests/test_parity.py holds them together.
"""
import json
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


class DatasetError(ValueError):
    """The data folder cannot be used as it is; the message names the folder or file."""


def canonical_label(folder_name):
    lower = folder_name.lower()
    return lower if lower in SPECIAL_CLASSES else folder_name


def list_images(root):
    """Return (paths, labels, classes) for a folder-per-class tree; classes are sorted names."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"data folder {root} does not exist or is not a folder")
    class_dirs = sorted(d for d in root.iterdir() if d.is_dir() and not d.name.startswith("."))
    if len(class_dirs) < 2:
        raise DatasetError(f"{root} has {len(class_dirs)} class folder(s); at least 2 are needed")
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
                          stacklevel=2)
        paths += images
        labels += [canonical_label(class_dir.name)] * len(images)
    if not_images:
        warn_skipped(not_images, "not an image file")
    classes = sorted(set(labels))
    return paths, labels, classes


def warn_skipped(files, reason):
    names = ", ".join(str(f) for f in files[:10]) + (" …" if len(files) > 10 else "")
    warnings.warn(f"skipped {len(files)} file(s), {reason}: {names}", stacklevel=2)


def load_image(path):
    """Decode any supported photo to an RGB uint8 array, upright as its EXIF says."""
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


def crop_and_resize(image, size):
    """Centre square crop, then bilinear resize to size×size: float32 0..255, like the page."""
    import tensorflow as tf  # here, not at the top: the MediaPipe venv (training.landmarks) has no TensorFlow

    height, width = image.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    square = tf.convert_to_tensor(image[top:top + side, left:left + side], tf.float32)
    return tf.image.resize(square, (size, size), method="bilinear", antialias=False).numpy()


def read_images(paths, size):
    """Decode, crop and resize photos. Returns (uint8 array, indices of the photos kept)."""
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
        images.append(np.round(crop_and_resize(pixels, size)).astype(np.uint8))
        kept.append(i)
    if unreadable:
        warn_skipped(unreadable, "unreadable")
    return np.stack(images) if images else np.zeros((0, size, size, 3), np.uint8), kept


def frame_index(path):
    """The number that ends a file name (A123.jpg -> 123): a video frame index in the letter sets."""
    match = re.search(r"(\d+)$", Path(path).stem)
    return int(match.group(1)) if match else None


def split_dataset(paths, labels, seed=0, val_fraction=0.15, test_fraction=0.15, frame_block=FRAME_BLOCK):
    """Stratified split into train/val/test index lists.

    When every file name ends in a number, whole blocks of frame_block consecutive numbers go to
    one side, so near-identical neighbouring video frames never straddle train and test.
    """
    numbered = frame_block > 0 and all(frame_index(p) is not None for p in paths)
    rng = np.random.default_rng(seed)
    split = {"train": [], "val": [], "test": []}
    for label in sorted(set(labels)):
        groups = {}
        for i, l in enumerate(labels):
            if l == label:
                key = frame_index(paths[i]) // frame_block if numbered else i
                groups.setdefault(key, []).append(i)
        n_members = sum(len(g) for g in groups.values())
        quota = {"test": round(n_members * test_fraction), "val": round(n_members * val_fraction)}
        taken = {"test": 0, "val": 0}
        keys = sorted(groups)
        rng.shuffle(keys)
        for key in keys:
            part = next((p for p in ("test", "val") if taken[p] < quota[p]), "train")
            taken[part] = taken.get(part, 0) + len(groups[key])
            split[part] += groups[key]
    split = {part: sorted(indices) for part, indices in split.items()}
    split["frame_block"] = frame_block if numbered else 0
    return split


def split_by_source(paths, labels, sources, seed=0):
    """split_dataset within each source dataset (each has its own frame numbering), merged."""
    merged = {"train": [], "val": [], "test": []}
    blocks = set()
    for source in dict.fromkeys(sources):
        members = [i for i, s in enumerate(sources) if s == source]
        part = split_dataset([paths[i] for i in members], [labels[i] for i in members], seed=seed)
        blocks.add(part["frame_block"])
        for name in merged:
            merged[name] += [members[i] for i in part[name]]
    merged = {name: sorted(indices) for name, indices in merged.items()}
    merged["frame_block"] = max(blocks)
    return merged
