"""Collect photos of one sign from the webcam (or a video file), ready for training.

    python -m training.collect --label A --out data/my-letters
    python -m training.collect --label 5 --out data/my-digits --camera clip.mp4 --every 500 --no-window

A window shows the camera with the crop box: the centre square of the frame, the part the model
sees (training/data.py and web/classifier.js crop the same square). Only that square is saved,
resized to --size, as OUT/LABEL/LABEL_0001.jpg, LABEL_0002.jpg, ... A later session adds to the
folder, numbering on after the highest photo already there; nothing is ever overwritten.

Keys in the window:
  SPACE   save this frame
  a       automatic saving on/off, one photo every --every ms (on from the start when --every is given)
  q, ESC  quit
With --no-window, or when there is no display, it runs headless: one photo every --every ms of video
time (wall-clock time for a live camera) until the video ends, --count is reached or Ctrl+C.
At the end it prints how many photos were saved and how many each class folder in OUT now holds.
"""
import argparse
import os
import re
import sys
import time
from pathlib import Path

import cv2

from training.data import IMAGE_EXTENSIONS, SPECIAL_CLASSES, canonical_label, hand_square
from training.files import replacing

WINDOW = "SignCam collect"
DEFAULT_EVERY_MS = 250
JPEG_QUALITY = 95
BOX_COLOUR = (0, 255, 0)  # BGR
KEY_ESC = 27
# A live camera may drop a few frames (USB hiccups, another program grabbing it); this long
# without one means it is gone.
CAMERA_GIVE_UP_S = 2.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--label", required=True, help="the sign shown: A-Z, 0-9, del, space or nothing")
    p.add_argument("--out", required=True, type=Path, help="dataset folder: photos go to OUT/LABEL/")
    p.add_argument("--camera", default="0", help="camera index (0, 1, ...) or a video file (default: 0)")
    p.add_argument("--every", type=int, default=None,
                   help=f"automatic saving interval in ms (default {DEFAULT_EVERY_MS}); giving it turns "
                        "automatic saving on from the start")
    p.add_argument("--count", type=int, default=0, help="stop after saving N photos (default: no limit)")
    p.add_argument("--size", type=int, default=224, help="side of the saved square photos in pixels (default 224)")
    p.add_argument("--no-window", action="store_true", help="no preview window: save automatically, headless")
    args = p.parse_args(argv)
    if args.every is not None and args.every <= 0:
        p.error("--every must be a positive number of milliseconds")
    if args.count < 0 or args.size < 8:
        p.error("--count must be 0 or more and --size at least 8")
    return args


def check_label(label):
    """The label as stored (folder and file names), or SystemExit saying what is accepted."""
    label = canonical_label(label.strip())
    if re.fullmatch(r"[A-Z0-9]", label) or label in SPECIAL_CLASSES:
        return label
    # A lower-case letter would make a second class folder beside the upper-case one.
    hint = f" (letters are upper-case: {label.upper()})" if re.fullmatch(r"[a-z]", label) else ""
    raise SystemExit(f"error: label {label!r} is not a sign SignCam knows{hint}; "
                     f"use one of A-Z, 0-9, {', '.join(sorted(SPECIAL_CLASSES))}")


def open_capture(camera):
    """(capture, is_file): a digit string is a camera index, anything else a video file."""
    if camera.isdigit():
        capture = cv2.VideoCapture(int(camera))
        if not capture.isOpened():
            raise SystemExit(f"error: could not open camera {camera}")
        return capture, False
    capture = cv2.VideoCapture(camera) if Path(camera).is_file() else None
    if capture is None or not capture.isOpened():
        reason = "" if capture is not None else " (no such file)"
        raise SystemExit(f"error: could not open video {camera}{reason}")
    return capture, True


def centre_square(frame):
    """(left, top, side) of the centre square: the crop of training/data.py's crop_and_resize."""
    return hand_square(None, frame.shape[1], frame.shape[0])


def crop(frame, size):
    left, top, side = centre_square(frame)
    # INTER_AREA averages the pixels it shrinks, so fine detail does not alias.
    return cv2.resize(frame[top:top + side, left:left + side], (size, size), interpolation=cv2.INTER_AREA)


def photo_number(name, label):
    found = re.fullmatch(rf"{re.escape(label)}_(\d+)\.jpg", name, re.IGNORECASE)
    return int(found.group(1)) if found else None


def next_number(folder, label):
    """One past the highest LABEL_NNNN.jpg already in folder, so a new session adds to the old."""
    numbers = [photo_number(f.name, label) for f in folder.iterdir()]
    return max([n for n in numbers if n is not None], default=0) + 1


def save_photo(folder, label, number, photo):
    """Write photo as LABEL_NNNN.jpg (first free number from `number`); returns (path, number)."""
    ok, encoded = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise SystemExit("error: OpenCV could not encode the photo as JPEG")
    while (folder / f"{label}_{number:04d}.jpg").exists():  # a file put there since we looked
        number += 1
    path = folder / f"{label}_{number:04d}.jpg"
    # A hidden temporary name: training skips dot-files, so an interrupted write is never read as a photo.
    with replacing(path, f".{path.name}.partial") as partial:
        partial.write_bytes(encoded.tobytes())
    return path, number


def count_photos(folder):
    return sum(1 for f in folder.iterdir()
               if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in IMAGE_EXTENSIONS)


def print_totals(out, label, saved):
    folder = out / label
    print(f"saved {saved} photo(s) of {label} this session; {folder} now holds {count_photos(folder)}")
    classes = sorted(d for d in out.iterdir() if d.is_dir() and not d.name.startswith("."))
    print(f"photos per class in {out}:")
    width = max(len(d.name) for d in classes)
    for d in classes:
        print(f"  {d.name:<{width}}  {count_photos(d)}")


def has_display():
    # Without a display, OpenCV's GTK/Qt window can abort the whole process instead of raising.
    return not (sys.platform.startswith("linux") and not os.environ.get("DISPLAY"))


def frame_time_ms(capture, is_file, frames_read, fps):
    """When this frame was taken: video time for a file, the wall clock for a live camera."""
    if not is_file:
        return time.monotonic() * 1000
    position = capture.get(cv2.CAP_PROP_POS_MSEC)
    if position > 0 or frames_read == 1 or fps <= 0:
        return position
    return (frames_read - 1) * 1000 / fps  # some backends report no position: count frames instead


def preview(frame, label, saved, auto, every):
    """A copy of frame with the crop box and a status line; the frame itself stays clean for saving."""
    shown = frame.copy()
    left, top, side = centre_square(shown)
    cv2.rectangle(shown, (left, top), (left + side - 1, top + side - 1), BOX_COLOUR, 2)
    status = f"{label}  saved {saved}  auto {'every ' + str(every) + ' ms' if auto else 'off'}"
    for colour, thickness in (((0, 0, 0), 4), ((255, 255, 255), 1)):  # outlined, readable on any background
        cv2.putText(shown, status, (10, 25), cv2.FONT_HERSHEY_SIMPLEX, 0.6, colour, thickness, cv2.LINE_AA)
        cv2.putText(shown, "SPACE save   a auto on/off   q quit", (10, shown.shape[0] - 12),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, thickness, cv2.LINE_AA)
    return shown


def collect(capture, is_file, args, label, folder, window):
    """The capture loop; returns how many photos it saved."""
    every = args.every or DEFAULT_EVERY_MS
    auto = args.every is not None or not window
    fps = capture.get(cv2.CAP_PROP_FPS) if is_file else 0
    # A file in the window plays at its own speed; a camera already comes at its own pace.
    wait_ms = max(1, int(1000 / fps)) if is_file and fps > 0 else 1
    number = next_number(folder, label)
    saved, frames_read, next_due = 0, 0, None
    last_frame_at = time.monotonic()
    try:
        while not args.count or saved < args.count:
            ok, frame = capture.read()
            if not ok or frame is None:
                if is_file:
                    print("end of video")
                    break
                if time.monotonic() - last_frame_at > CAMERA_GIVE_UP_S:
                    print(f"the camera stopped giving frames ({CAMERA_GIVE_UP_S:g} s without one); stopping")
                    break
                time.sleep(0.05)
                continue
            last_frame_at = time.monotonic()
            frames_read += 1
            now = frame_time_ms(capture, is_file, frames_read, fps)
            save = False
            # The 1 µs slack: 15 frames at 30 fps are 500 ms, give or take a rounding error.
            if auto and (next_due is None or now >= next_due - 1e-3):
                save = True
                # On schedule, or after a stall (a slow disk, a paused camera) a fresh start from now.
                next_due = now + every if next_due is None or now - next_due >= every else next_due + every
            if window:
                try:
                    cv2.imshow(WINDOW, preview(frame, label, saved, auto, every))
                    key = cv2.waitKey(wait_ms) & 0xFF
                    closed = cv2.getWindowProperty(WINDOW, cv2.WND_PROP_VISIBLE) < 1
                except cv2.error as error:  # OpenCV built without a GUI (opencv-python-headless)
                    reason = str(getattr(error, "err", None) or error).strip().split(". ")[0]
                    print(f"OpenCV cannot show a window here ({reason}); running headless, saving every {every} ms")
                    window, key, closed = False, -1, False
                    if not auto:
                        auto, save, next_due = True, True, now + every
                if key in (ord("q"), ord("Q"), KEY_ESC) or closed:
                    break
                if key == ord(" "):
                    save = True
                elif key in (ord("a"), ord("A")):
                    auto, next_due = not auto, None
                    print(f"automatic saving {'on, every ' + str(every) + ' ms' if auto else 'off'}")
            if save:
                path, number = save_photo(folder, label, number, crop(frame, args.size))
                number += 1
                saved += 1
                print(f"saved {path.name} ({saved}{'/' + str(args.count) if args.count else ''})")
    except KeyboardInterrupt:  # how a headless camera session ends: the counts are still printed
        print("stopped")
    return saved


def main(argv=None):
    args = parse_args(argv)
    label = check_label(args.label)
    capture, is_file = open_capture(args.camera)
    folder = args.out / label
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # OUT is a file, or not writable: a message, not a traceback
        capture.release()
        raise SystemExit(f"error: cannot create {folder}: {error.strerror or error}")
    window = not args.no_window and has_display()
    if not args.no_window and not window:
        print("no display ($DISPLAY is not set): running headless")
    if window:
        print(f"collecting {label} into {folder}: SPACE saves a photo, a turns automatic saving "
              f"{'off' if args.every else 'on'}, q quits")
    else:
        print(f"collecting {label} into {folder}: a photo every {args.every or DEFAULT_EVERY_MS} ms of "
              f"{'video' if is_file else 'wall-clock'} time" + ("" if is_file or args.count else "; Ctrl+C stops"))
    try:
        saved = collect(capture, is_file, args, label, folder, window)
    finally:
        capture.release()
        if window:
            try:
                cv2.destroyAllWindows()
            except cv2.error:
                pass
    print_totals(args.out, label, saved)
    return saved


if __name__ == "__main__":
    main()
