"""Who signs which photos of asl-letters-multisigner, so that one of its people can be held out.

The set names no signers. These were read off contact sheets of every class: each class's photos
laid out in file-number order, where each person's photos are one run of numbers.
  S1  dark skin, grey-blue wall: ~6,300 of the 8,177 photos, every class but `nothing`
  S2  light skin, pink brick wall: the first 49-99 photos of 20 classes, 1,400 in all
  S3  light skin, light grey wall: 510 photos of A, D, E, F, I, K
So the "multisigner" set is ~80 % one person, and its near twins (docs/experiments.md, "Data and splits") are
that person posing the same way many times.

`python -m training.train ... --hold-out-signer S2` keeps S2's photos out of training, validation
and test alike; split.json lists them as `held_out`, and training.keypoints scores them: a new
person in a new room for a recogniser trained on everything else. The shipped letters model is
trained so (Makefile), so its card's new-person number is the shipped model's own.
"""
from pathlib import Path

from training.data import frame_index

DATASET = "asl-letters-multisigner"
# Per class, the file numbers of each held-out-able signer's photos (first, last; both included).
# S2 is the one with enough classes to be a test of its own (S3 has 6).
SIGNERS = {
    "S2": {"D": (1, 99), "F": (1, 49), "G": (1, 49), "H": (1, 99), "I": (1, 49), "J": (1, 79),
           "K": (1, 49), "L": (1, 79), "M": (1, 79), "N": (1, 79), "O": (1, 99), "P": (1, 79),
           "Q": (1, 79), "R": (1, 49), "S": (1, 79), "T": (1, 79), "W": (1, 49), "del": (1, 49),
           "nothing": (1, 79), "space": (1, 49)},
}


def shows(path, source, signer):
    """Whether the photo at path (CLASS/NAME<number>.jpg inside the folder source) is this signer's."""
    path = Path(path)
    if Path(source).name != DATASET or path.parent.name not in SIGNERS[signer]:
        return False
    number = frame_index(path)  # the number that ends the file name
    first, last = SIGNERS[signer][path.parent.name]
    return number is not None and first <= number <= last
