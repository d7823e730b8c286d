"""Writes that can fail halfway (a stopped run, a full disk) go to a temporary name beside the file
and are renamed into place: the file is always either the old one or the whole new one."""
import contextlib
import json
import os
from pathlib import Path

import numpy as np


@contextlib.contextmanager
def replacing(path, partial_name):
    """Yields the temporary path to write; renames it to `path` if the write finished, else deletes it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(partial_name)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def write_text(path, text):
    with replacing(path, Path(path).name + ".partial") as partial:
        partial.write_text(text)


def write_json(path, obj, indent=2, **dumps):
    write_text(path, json.dumps(obj, indent=indent, **dumps) + "\n")


def save_npz(path, **arrays):
    with replacing(path, Path(path).stem + ".partial.npz") as partial:  # np.savez adds .npz to a name without it
        np.savez_compressed(partial, **arrays)


def save_model(model, path):
    """A Keras model to path (NAME.keras)."""
    with replacing(path, Path(path).stem + ".partial.keras") as partial:  # Keras wants the .keras ending
        model.save(partial)
