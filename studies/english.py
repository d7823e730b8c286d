"""How much the letter model of English (training/language.py) helps: words and names spelled with
photos of people the recogniser never saw, read letter by letter as the page reads them, with and
without it.

    python -m studies.lodo             # first: each letter set's photos read by models without its people
    python -m studies.english [--lodo runs/lodo]      # -> runs/language/summary.json and a table

The letter model scored here is built without the words spelled (a fifth of wordfreq's words, by a
hash: held_out); names come from the 1990 US census (PyPI `names`, `make language` installs it).
The in-domain row reads the shipped letters models' own test photos (runs/letters).
"""
import argparse
import json
import sys
import zlib
from pathlib import Path

import numpy as np

from training import language
from training.files import write_json


def held_out(word):
    """A fifth of the words, by a hash of the word, never used to build the letter model scored on them."""
    return zlib.crc32(word.encode()) % 5 == 0


def census_names(n=1000):
    """The n most common US first names (male, female) and surnames (1990 census, the `names` package)."""
    return [name for file in ("dist.male.first", "dist.female.first", "dist.all.last")
            for name, _ in language.census(file)[:n]]


def spell(words, probabilities, y, classes, table, rng, weight=language.WEIGHT, uniform_share=language.UNIFORM_SHARE):
    """Each word's letters shown as random photos of them; read letter by letter, as the page does, each
    with the letters read before it as context. (share read right, share the speller would type right)."""
    from training.keypoints import SPELLER_THRESHOLD
    photos = {c: np.flatnonzero(y == classes.index(c)) for c in language.ALPHABET}
    right = typed_right = total = 0
    for word in words:
        text = ""
        for letter in word:
            p = probabilities[rng.choice(photos[letter])]
            if table is not None:
                p = language.rerank(p, language.prior(table, text, classes, uniform_share, weight))
            read = classes[int(p.argmax())]
            text += read if read in language.ALPHABET else "?"
            right += read == letter
            typed_right += read == letter and p.max() >= SPELLER_THRESHOLD
            total += 1
    return right / total, typed_right / total


def in_domain_fold(run="runs/letters", landmarks="runs/landmarks"):
    """The shipped letters models' test photos with a landmark cache, as a fold like studies.lodo's."""
    import keras
    from training.keypoints import image_probabilities, keypoint_probabilities, load_landmarks, load_model, split_part

    run = Path(run)
    split = json.loads((run / "split.json").read_text())
    table = load_landmarks(landmarks, [Path(d).name for d in split["data"]])
    paths, y = split_part(split, table, "test")
    image = image_probabilities(keras.models.load_model(run / "model.keras", compile=False), split["data_root"], paths, table)
    keypoints, found = keypoint_probabilities(load_model(run / "keypoints.keras"), paths, table)
    chosen = json.loads((run / "keypoints.json").read_text())
    return dict(keypoints=keypoints, image=image, found=found,
                y=y, classes=np.array(split["classes"]), weight=chosen["fusion_image_weight"],
                bar=chosen["no_hand_min_confidence"])


def evaluate(lodo_dir, frequencies, n_words=1000, seed=0):
    from training.keypoints import recognised_probabilities  # TensorFlow: only here, not to build the table
    train = {w: f for w, f in frequencies.items() if not held_out(w)}
    table = language.build(train)
    rng = np.random.default_rng(seed)
    common = [w for w in list(frequencies)[:5000] if held_out(w) and len(w) >= 2]
    names = [n for n in census_names() if n.isalpha() and n not in train]
    word_sets = {
        "common English words": list(rng.choice(common, min(n_words, len(common)), replace=False)),
        "names": list(rng.choice(names, min(n_words, len(names)), replace=False)),
        "random letters": ["".join(rng.choice(list(language.ALPHABET), rng.integers(3, 8))) for _ in range(n_words)],
    }
    summary = {}
    folds = {}
    for path in sorted(Path(lodo_dir).glob("probabilities-*.npz")):
        fold = dict(np.load(path))
        held = path.stem.removeprefix("probabilities-")
        folds[held] = fold
        if "keypoints_taught" in fold:  # the same signer after teaching every sign (personal.py), scored
            # on the photos it did not teach with: what the page reads once they used "Teach it your signs"
            folds[f"{held}, after teaching"] = dict(fold, keypoints=fold["keypoints_taught"],
                                                     y=np.where(fold["tested"], fold["y"], -1))
    folds["in-domain test (shipped models)"] = in_domain_fold()
    for held, fold in folds.items():
        classes = [str(c) for c in fold["classes"]]
        probabilities = recognised_probabilities(fold["keypoints"], fold["image"], fold["found"], float(fold["weight"]),
                                                 classes, float(fold["bar"]))
        for name, words in word_sets.items():
            words = [w for w in words if all((fold["y"] == classes.index(c)).any() for c in w)]
            without = spell(words, probabilities, fold["y"], classes, None, np.random.default_rng(seed))
            with_model = spell(words, probabilities, fold["y"], classes, table, np.random.default_rng(seed))
            summary.setdefault(held, {})[name] = {"words": len(words), "letters": sum(map(len, words)),
                                                  "without": without, "with": with_model}
            print(f"{held} / {name}: {without[0]:.1%} -> {with_model[0]:.1%} read right, "
                  f"typed right {without[1]:.1%} -> {with_model[1]:.1%}", flush=True)
    return summary


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lodo", type=Path, default=Path("runs/lodo"),
                   help="studies.lodo's folder of probabilities-*.npz (each letter set read without its people)")
    p.add_argument("--words", type=int, default=language.WORDS, help="how many of the most frequent English words")
    args = p.parse_args(argv)
    if not list(args.lodo.glob("probabilities-*.npz")):
        sys.exit(f"error: no {args.lodo}/probabilities-*.npz: run `python -m studies.lodo` first")
    summary = evaluate(args.lodo, language.english_words(args.words))
    out = Path("runs/language/summary.json")
    write_json(out, summary)
    print(f"wrote {out}")
    columns = list(next(iter(summary.values())))
    print("\nLetters read right without -> with the letter model (typed right at the speller's bar):\n")
    print("| photos of | " + " | ".join(columns) + " |\n| --- |" + " --- |" * len(columns))
    for held, row in summary.items():
        cells = [f"{r['without'][0]:.1%} -> {r['with'][0]:.1%} ({r['without'][1]:.1%} -> {r['with'][1]:.1%})"
                 for r in row.values()]
        print(f"| {held} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
