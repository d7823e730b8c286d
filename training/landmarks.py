"""Hand landmarks for every photo of a folder-per-class tree, cached for training.

    .venv-hands/bin/python -m training.landmarks --data ../shared/data/asl-letters

MediaPipe pins protobuf<5, which TensorFlow cannot live with, so this runs in its own venv
(`make landmarks` sets it up) and writes runs/landmarks/NAME.npz, which training reads:
  paths      photo paths relative to DATA
  labels     class names
  points     N×21×3 float32: MediaPipe's x, y (0..1 of the image's width/height) and z; NaN = no hand
  size       N×2 image (width, height), to turn x, y into pixels
  handedness N MediaPipe's 'Left'/'Right' ('' = no hand)
  room_points N×21×3 the same photo read with room around it (read_photo); scoring uses both readings
The browser (web/hands.js) runs the same detector with the same settings on camera frames.
"""
import argparse
import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from tqdm import tqdm

from training.data import DatasetError, canonical_label, list_images, load_image
from training.files import save_npz

# The settings measured in ../shared/notes/baselines.md; web/hands.js uses the same.
DETECTOR = dict(static_image_mode=True, max_num_hands=1, model_complexity=1, min_detection_confidence=0.3)
# Photos are read twice (read_photo). As they are: the bare photo, and where no hand is found, once
# more with its edge pixels repeated outwards by 50 % per side (np.pad mode="edge"). Measured on 200
# multisigner misses: a grey 25 % border finds 0, a repeated 25 % edge 150, 50 % 167: the palm
# detector wants room around the hand, and a plain border is a hard edge it does not expect.
# With room: 25 % of edge first, then 50 %, then the bare photo. A close-up's landmarks are better
# with room (the landmark model's crop reaches past the photo's edge); a hand that already has room
# is read worse with more (it gets small). Neither reading wins everywhere; the keypoint model's
# answers on both, multiplied (keypoints.keypoint_probabilities), beat both everywhere measured:
# docs/experiments.md, "Reading photos". The keypoint model trains on the first reading.
RETRY_PADDING = 0.5
ROOM_PADDING = 0.25


def read_padded(hands, rgb, padding):
    """MediaPipe on the photo with `padding` of its sides repeated outwards: (21×3 points in the
    photo's own normalised coordinates, handedness), or (None, '')."""
    height, width = rgb.shape[:2]
    pad_y, pad_x = int(height * padding), int(width * padding)
    padded = np.pad(rgb, ((pad_y, pad_y), (pad_x, pad_x), (0, 0)), mode="edge") if padding else rgb
    result = hands.process(padded)
    if not result.multi_hand_landmarks:
        return None, ""
    padded_w, padded_h = width + 2 * pad_x, height + 2 * pad_y
    points = np.array([(p.x, p.y, p.z) for p in result.multi_hand_landmarks[0].landmark], np.float32)
    points[:, 0] = (points[:, 0] * padded_w - pad_x) / width
    points[:, 1] = (points[:, 1] * padded_h - pad_y) / height
    points[:, 2] = points[:, 2] * padded_w / width  # z is on the scale of x
    return points, result.multi_handedness[0].classification[0].label


def read_photo(hands, rgb):
    """A photo's two readings, each (points, handedness) or (None, ''): as it is (bare, else with 50 %
    room) and with room (25 %, else 50 %, else bare). web/hands.js detectPhoto() is the same."""
    bare, room = read_padded(hands, rgb, 0.0), read_padded(hands, rgb, ROOM_PADDING)
    wide = read_padded(hands, rgb, RETRY_PADDING) if bare[0] is None or room[0] is None else (None, "")
    first_found = lambda *readings: next((r for r in readings if r[0] is not None), (None, ""))
    return first_found(bare, wide), first_found(room, wide, bare)


def extract(data_dir, out, every=1, only=None, complexity=DETECTOR["model_complexity"]):
    """Landmarks of every photo of data_dir (every Nth), or of `only`: paths relative to it.
    complexity: MediaPipe's landmark model, 1 (full, what the models learn from) or 0 (lite)."""
    import mediapipe as mp

    if only is None:
        paths, labels, classes = list_images(data_dir)
    else:  # some photos of a set, e.g. those a cache made with --every lacks: labels from their folders
        paths = [Path(data_dir) / p for p in only]
        labels = [canonical_label(p.parent.name) for p in paths]
        classes = sorted(set(labels))
    if every > 1:  # video frames: every Nth is nearly as informative and N times cheaper
        paths, labels = paths[::every], labels[::every]
    points = np.full((len(paths), 21, 3), np.nan, np.float32)
    sizes = np.zeros((len(paths), 2), np.int32)
    handedness = np.full(len(paths), "", dtype="<U5")
    room_points = np.full_like(points, np.nan)
    unreadable = []
    with mp.solutions.hands.Hands(**{**DETECTOR, "model_complexity": complexity}) as hands:
        for i, path in enumerate(tqdm(paths, desc="finding hands", unit="img")):
            try:
                rgb = load_image(path)
            except (OSError, ValueError) as error:
                unreadable.append(f"{path} ({type(error).__name__})")
                continue
            sizes[i] = rgb.shape[1], rgb.shape[0]
            (found, handedness[i]), (found_with_room, _) = read_photo(hands, rgb)
            if found is not None:
                points[i] = found
            if found_with_room is not None:
                room_points[i] = found_with_room
    found = ~np.isnan(points[:, 0, 0])
    print(f"hands found in {found.sum()} of {len(paths)} photos ({found.mean():.1%}); "
          f"read with room too: {(found | ~np.isnan(room_points[:, 0, 0])).mean():.1%}")
    totals, hits = Counter(labels), Counter(l for l, f in zip(labels, found) if f)
    print("per class: " + ", ".join(f"{c} {hits[c]}/{totals[c]}" for c in classes))
    if unreadable:
        print(f"skipped {len(unreadable)} unreadable file(s): {', '.join(unreadable[:10])}")
    save_npz(out, paths=np.array([str(Path(p).relative_to(data_dir)) for p in paths]),
             labels=np.array(labels), points=points, size=sizes, handedness=handedness,
             room_points=room_points)
    print(f"wrote {out}")


ROOT = Path(__file__).resolve().parent.parent
HANDS_PYTHON = ROOT / ".venv-hands" / "bin" / "python"


def extract_in_hands_venv(data_dir, out, only=None, complexity=DETECTOR["model_complexity"]):
    """extract() from TensorFlow's side (evaluation, tests): run in .venv-hands, the cache's arrays."""
    if not HANDS_PYTHON.exists():
        raise SystemExit("error: hand landmarks need .venv-hands: `make landmarks DATA=...` (or `make test`) creates it")
    command = [str(HANDS_PYTHON), "-m", "training.landmarks", "--data", str(data_dir), "--out", str(out),
               "--complexity", str(complexity)]
    if only is not None:
        listed = Path(out).with_suffix(".txt")
        listed.write_text("".join(f"{path}\n" for path in only))
        command += ["--only", str(listed)]
    subprocess.run(command, cwd=ROOT, check=True)
    return dict(np.load(out))


def cache_name(data_dir):
    folder = Path(data_dir).resolve()
    return f"{folder.parent.name}-{folder.name}" if folder.name in ("train", "test") else folder.name


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="folder with one sub-folder of photos per class")
    p.add_argument("--out", help="cache file (default runs/landmarks/NAME.npz: the data folder's name, "
                                 "with its parent's for a train/ or test/ folder: asl-alphabet-64-train)")
    p.add_argument("--every", type=int, default=1, help="only every Nth photo (sorted by class and name)")
    p.add_argument("--only", type=Path, metavar="LIST",
                   help="only the photos this text file names, one a line, relative to DATA")
    p.add_argument("--complexity", type=int, choices=(0, 1), default=DETECTOR["model_complexity"],
                   help="MediaPipe's landmark model: 1 full (what the shipped models learn from), 0 lite")
    args = p.parse_args(argv)
    data_dir = Path(args.data)
    out = Path(args.out) if args.out else Path("runs/landmarks") / f"{cache_name(data_dir)}.npz"
    try:
        only = args.only.read_text().splitlines() if args.only else None
        extract(data_dir, out, args.every, only, args.complexity)
    except DatasetError as error:
        sys.exit(f"error: {error}")


if __name__ == "__main__":
    main()
