"""The sign space: how often signing is below it, and what the live page types while a hand rests there.

    python -m studies.sign_space        (part of `make spell-bench`; writes bench/sign_space.json)

1. Every photo of signing in the letter sets' landmark caches (runs/landmarks) put through the page's own
   rule (web/hands.js lowered(), under node): how many the page would take for a hand lowered.
2. The live page (hand's shape and English on) with a fake camera: S2, whom the shipped models never
   saw, signs six letters, each 2 s in the middle of the picture, then lowers the hand over half a
   second until the photo's centre is on the bottom edge (the hand's upper part in view) and rests it
   there for 10 s, moving a few pixels: 60 s of a hand resting. What is typed while a letter is
   signed (its first 3 s) is that letter's reading; a character typed while the hand rests is a stray,
   and the hand lowered should end the word (a space).
"""
import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from training import data, people
from studies.spelling_live import typing_log
from training.browser import camera_frame, write_y4m
from training.files import write_json

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "sign_space.json"
FPS = 15
SIDE = 200  # the photo's side in a 640×480 frame
REST_S = 10
LEAD_S = 2.0  # of empty scene first: the page starts the camera and reads its first frames
LETTERS = ["L", "O", "D", "W", "F", "I"]  # six of S2's letters: fingers up, a ring, a fist with a finger
GREY = np.full((480, 640, 3), 128, np.uint8)


def placed(photo, x, y):
    """The photo (SIDE square) centred at (x, y) in a grey 640×480 frame, cut off at the bottom edge."""
    frame = GREY.copy()
    left, top = int(round(x - SIDE / 2)), int(round(y - SIDE / 2))
    rows = min(480, top + SIDE) - top
    frame[top:top + rows, left:left + SIDE] = photo[:rows]
    return frame


def centre_square(frame):
    """The SIDE square in the middle of a 640×480 camera frame (training.browser.camera_frame puts a photo there)."""
    top, left = (480 - SIDE) // 2, (640 - SIDE) // 2
    return frame[top:top + SIDE, left:left + SIDE]


def signed_then_lowered(photo, rest_s):
    """2 s signed in the middle, lowered over half a second until the photo's centre is on the bottom
    edge, then resting there for rest_s, moving a few pixels (a hand at rest is never quite still)."""
    frames = [placed(photo, 320, 200)] * (2 * FPS)
    frames += [placed(photo, 320, 200 + 280 * i / 8) for i in range(1, 9)]
    return frames + [placed(photo, 320 + 4 * np.sin(t / 4), 480 - 3 + 3 * np.cos(t / 5)) for t in range(rest_s * FPS)]


def lowered_share(landmarks):
    """{cache: [photos with a hand, of them below the sign space]} by web/hands.js lowered() under node."""
    counts = {}
    for cache in people.LETTER_CACHES:
        points = np.load(Path(landmarks) / f"{cache}.npz")["points"]
        found = points[~np.isnan(points[:, 0, 0])]
        script = ("import { lowered } from './web/hands.js'; let text = ''; process.stdin.on('data', (d) => { text += d; });"
                  "process.stdin.on('end', () => { const hands = JSON.parse(text);"
                  " console.log(hands.filter((h) => lowered(h)).length); });")
        below = subprocess.run(["node", "--input-type=module", "-e", script], input=json.dumps(found.round(4).tolist()),
                               capture_output=True, text=True, check=True, cwd=ROOT).stdout
        counts[cache] = [len(found), int(below)]
    return counts


def typed_per_letter(changes, seconds_each, signing_s=3.0):
    """What was typed while each letter was signed (its first signing_s) and while it rested after."""
    out = [{"signed": "", "resting": ""} for _ in LETTERS]
    before = ""
    for ms, text in changes:
        kept = len(os.path.commonprefix([before, text]))  # a word corrected changes letters before the last
        added, before = text[kept:], text
        k = int((ms / 1000 - LEAD_S) // seconds_each)
        if 0 <= k < len(LETTERS):
            out[k]["signed" if ms / 1000 - LEAD_S - k * seconds_each < signing_s else "resting"] += added
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--landmarks", default="runs/landmarks")
    p.add_argument("--data", default=os.environ.get("SIGNCAM_DATA", "../shared/data"))
    p.add_argument("--out", default=str(OUT))
    args = p.parse_args(argv)
    counts = lowered_share(args.landmarks)
    folder = Path(args.data) / "asl-letters-multisigner"
    photos = {}
    for letter in LETTERS:  # S2's photo from the middle of each letter's run
        own = sorted((p for p in (folder / letter).iterdir() if people.person_of(folder.name, p.relative_to(folder)) == "S2"),
                     key=data.frame_index)
        photos[letter] = centre_square(camera_frame(data.load_image(own[len(own) // 2]), scale=SIDE / 480))
    letters = [signed_then_lowered(photos[letter], REST_S) for letter in LETTERS]
    clip = [GREY] * round(LEAD_S * FPS) + [frame for frames in letters for frame in frames]
    with tempfile.TemporaryDirectory() as tmp:
        video = write_y4m(Path(tmp) / "rest.y4m", clip, seconds_each=1 / FPS, fps=FPS)
        changes = typing_log(str(video), len(clip) / FPS, from_start=True)
    per_letter = typed_per_letter(changes, len(letters[0]) / FPS)
    strays = sum(len(p["resting"].replace(" ", "")) for p in per_letter)
    result = {"how": __doc__.strip().splitlines()[0],
              "signing_photos_below_the_sign_space": counts,
              "hand_resting": {"person": "S2", "seconds_resting": REST_S * len(LETTERS),
                               "typed": changes[-1][1] if changes else "",
                               "per_letter": dict(zip(LETTERS, per_letter)),
                               "stray_characters": strays,
                               "words_ended_while_resting": sum(" " in p["resting"] for p in per_letter)}}
    write_json(args.out, result)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
