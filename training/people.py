"""Who signs each photo of the letter sets: the person is the unit of every honest split.

A model is judged by how it reads people it never saw, so no person may be on both sides of a
split. The sets say who signs what in different ways:
  asl-letters              one person (one room, one camera: video frames)
  asl-alphabet-64          one person (train/ and test/ are frames of the same clips)
  asl-letters-multisigner  mostly S1, and S2 (training/signers.py: read off contact sheets); S3's
                           510 photos are not told apart from S1's, so they count as S1
  asl-letters-webcams      a folder per person, w01..w14 (a per-person tree: data.person_folders)
  any other set            one person (its people are not told apart)
A person id is unique across sets: 'asl-letters', 'asl-alphabet-64', 'S1', 'S2', 'w01', ...
"""
from pathlib import Path

from training import signers

# Landmark caches of the letter sets (runs/landmarks/CACHE.npz, `make landmarks`) and the folder
# under SIGNCAM_DATA each was made from (--every 2 where neighbouring video frames are near copies).
LETTER_CACHES = {
    "asl-letters": "asl-letters",
    "asl-letters-multisigner": "asl-letters-multisigner",
    "asl-alphabet-64-train": "asl-alphabet-64/train",
    "asl-letters-webcams": "asl-letters-webcams",
}


def person_of(dataset, path):
    """The person who signs the photo at path (relative to the folder of the set named dataset: a
    cache name of LETTER_CACHES or the folder's own name)."""
    path = Path(path)
    if dataset in ("asl-alphabet-64", "asl-alphabet-64-train", "asl-alphabet-64-test"):
        return "asl-alphabet-64"
    if dataset == signers.DATASET:
        return "S2" if signers.shows(path, dataset, "S2") else "S1"
    if len(path.parts) == 3:  # PERSON/CLASS/photo: a per-person tree
        return path.parts[0]
    return dataset  # a set of one person

