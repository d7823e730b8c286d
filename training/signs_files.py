"""A person's own signs as the page saves them ("Save my signs", web/personal.js signsFile), read back
for training: each file is one more person for the keypoint model (`make train SIGNS_FILES=...`).

A file holds, per sign, the hands the person taught the page in a lesson or, for signs no lesson
taught, those learnt from words they kept: 63 normalised landmark numbers each, the keypoint model's
input, never a picture. Only the lessons' hands train (the file's `lessons`; a file saved before
2026-12-05 does not say, and all of its hands train): a word kept wrong teaches wrong letters. People
who send theirs add their way of signing to the next model, as the webcam people's photos did
(docs/experiments.md, "What a person's saved signs would bring").
"""
import json
from pathlib import Path

import numpy as np

FILE_FORMAT = "signcam-own-signs"  # web/personal.js FILE_FORMAT


class SignsFileError(ValueError):
    pass


def as_hands(value):
    """One sign's hands as an N×63 array, or None unless at least one hand of 63 finite numbers each
    (web/personal.js isHands)."""
    try:
        hands = np.asarray(value, np.float32)
    except (TypeError, ValueError):
        return None
    return hands if hands.ndim == 2 and hands.shape[1] == 63 and len(hands) and np.isfinite(hands).all() else None


def read(path, model, classes):
    """A file the page saved with "Save my signs" (web/personal.js signsFile: each sign's hands as the
    keypoint model reads them, 63 normalised numbers, never a picture) -> (N×63 hands, N class
    indices, [signs left out: not one of `classes`, not hands, or learnt from words]). web/personal.js
    readSignsFile checks the same when the page loads one. Raises SignsFileError naming the file and
    what is wrong."""
    try:
        file = json.loads(Path(path).read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SignsFileError(f"{path}: not a file of SignCam signs ({error})") from error
    if not isinstance(file, dict) or file.get("format") != FILE_FORMAT or not isinstance(file.get("signs"), dict):
        raise SignsFileError(f"{path}: not a file of SignCam signs (the page's \"Save my signs\" makes one)")
    if file.get("model") != model:
        raise SignsFileError(f"{path}: holds signs for the {file.get('model')!r} model, not {model!r}")
    lessons = file.get("lessons", list(file["signs"]))
    if not isinstance(lessons, list):
        raise SignsFileError(f"{path}: its \"lessons\" should list the signs a lesson taught, not {lessons!r}")
    hands, labels, skipped = [], [], []
    for sign, signs_hands in file["signs"].items():
        these = as_hands(signs_hands)
        if sign in classes and sign in lessons and these is not None:
            hands.append(these)
            labels += [classes.index(sign)] * len(these)
        else:
            skipped.append(sign)
    if not hands:
        raise SignsFileError(f"{path}: no lesson's hands of a sign the {model!r} model has "
                             f"(left out: {', '.join(skipped) or 'none'})")
    return np.concatenate(hands), np.array(labels, int), skipped
