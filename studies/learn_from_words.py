"""How much the page learns a person's signs from the words they keep (speller.js onLearn ->
teach.js learn), with no lesson: a simulation.

    python -m studies.learn_from_words [--learn-words 100] [--only-right]

Each of the 15 people of `make people` (read by models that never saw them) spells --learn-words
common words (of the four fifths the benchmark's lists are not drawn from) through the page's
speller, made of the first half of their photos of each letter (in capture order). Every word that
ends with as many letters as were meant stands, as a user who corrects nothing leaves it (--only-right:
only the words typed exactly right, as a user who deletes the wrong ones), and its letters' frames
become that user's own hands of the letters it stands as (the newest PER_SIGN a sign, as the page
keeps them). Then they spell the benchmark's common words made of the second half of their photos,
with and without those hands, and with every sign taught by a lesson instead (the first 3 photos of
each sign, of the first half) for comparison. Each letter teaches the last LEARN_HANDS frames with a
hand of its hold, as the page's speller keeps them (here the streams' letters are known; the page
takes the frames that typed it).
"""
import argparse
import json
from pathlib import Path

import numpy as np

from studies import people_out, personal_people, spelling
from training import keypoints, language, personal

LEARN_HANDS = 10  # web/speller.js LEARN_HANDS


def halves(y, frames, classes):
    """{label: photo indices in capture order} for the first and the second half of each letter's photos."""
    first, second = {}, {}
    for i, label in enumerate(classes):
        mine = np.flatnonzero(y == i)
        mine = mine[np.argsort(frames[mine], kind="stable")]
        if len(mine) >= 4:
            first[label], second[label] = list(mine[:len(mine) // 2]), list(mine[len(mine) // 2:])
    return first, second


def letter_frames(word, photos_of, rng, hold, release, lead):
    """spelling.stream's frames, and for each letter the photos its hold showed."""
    held = []
    return spelling.stream(word, photos_of, rng, hold, release, lead, holds=held), held


def probabilities_with(p, x, taught_rows, taught_labels, classes):
    """The page's per-photo probabilities (keypoints.recognised_probabilities) with these taught hands."""
    kp = p["keypoints"]
    if len(taught_rows):
        kp = personal.with_own_signs(kp, x, (taught_rows, taught_labels))
    return keypoints.recognised_probabilities(kp, p["image"], p["found"], float(p["weight"]), classes, float(p["bar"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", default="runs/people")
    ap.add_argument("--landmarks", default="runs/landmarks")
    ap.add_argument("--learn-words", type=int, default=100, help="words spelled while the page learns")
    ap.add_argument("--only-right", action="store_true", help="learn only from the words typed exactly right")
    ap.add_argument("--hands-per-letter", type=int, default=LEARN_HANDS,
                    help="frames with a hand each letter typed teaches: the last of its hold (web/speller.js LEARN_HANDS)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    classes = json.loads(people_out.RUN_SPLIT.read_text())["classes"]
    rows, tables = people_out.load_rows(args.landmarks, classes)
    frequencies = language.english_words()
    english = spelling.letter_model_words(frequencies)
    learn_list = spelling.word_lists(frequencies, args.seed, held_out=False)["common words"]  # other words
    test_list = spelling.word_lists(frequencies, args.seed)["common words"]
    hold, release, lead = (round(s * 1000 / spelling.FRAME_MS) for s in (1.0, spelling.RELEASE_S, spelling.LEAD_S))
    rng = np.random.default_rng(args.seed)
    results = {}
    for person in sorted(f.stem.removeprefix("probabilities-") for f in Path(args.people).glob("probabilities-*.npz")):
        p = dict(np.load(f"{args.people}/probabilities-{person}.npz"))
        x, frames, y = personal_people.person_rows(rows, tables, person)
        first, second = halves(y, frames, classes)
        # 1. Spelling while the page learns (untaught probabilities: it learns after each word, but the
        #    words are few against the hands kept, so the order of learning hardly matters).
        learn = [w for w in learn_list if all(c in first for c in w)]
        learn = [learn[i] for i in rng.permutation(len(learn))[:args.learn_words]]
        built = [letter_frames(w, first, rng, hold, release, lead) for w in learn]
        untaught = probabilities_with(p, x, [], [], classes)
        people = {person: {"probabilities": np.round(untaught, 5).tolist(), "streams": [f for f, _ in built]}}
        typed = spelling.run_speller(people, classes, english)[person]
        kept = {}  # sign -> frames' photos, newest last
        right = 0
        for word, (_, held), out in zip(learn, built, typed):
            text = out["text"].strip()
            right += text == word
            label_word = word if text == word else (text if not args.only_right and len(text) == len(word) else None)
            if label_word is None:
                continue
            for letter, shown in zip(label_word, held):
                if letter in classes:
                    kept.setdefault(letter, []).extend([i for i in shown if p["found"][i]][-args.hands_per_letter:])
        taught_rows = [i for sign in kept for i in kept[sign][-personal.PER_SIGN:]]
        taught_labels = [classes.index(sign) for sign in kept for _ in kept[sign][-personal.PER_SIGN:]]
        # 2. Later words, made of the other half of the photos: nothing taught, learnt from words, taught by a lesson.
        test = [w for w in test_list if all(c in second for c in w)]
        test_built = [letter_frames(w, second, rng, hold, release, lead)[0] for w in test]
        lesson_rows = [i for sign in first for i in [j for j in first[sign] if p["found"][j]][:3]]
        scores = {}
        for name, (rows_, labels_) in {"nothing taught": ([], []), "learnt from words": (taught_rows, taught_labels),
                                        "taught by a lesson": (lesson_rows, y[lesson_rows])}.items():
            probs = probabilities_with(p, x, np.array(rows_, int), np.array(labels_, int), classes)
            out = spelling.run_speller({person: {"probabilities": np.round(probs, 5).tolist(), "streams": test_built}},
                                       classes, english)[person]
            scores[name] = float(np.mean([o["text"].strip() == w for o, w in zip(out, test)]))
        results[person] = {"learning_words": len(learn), "learning_words_right": right / max(1, len(learn)),
                           "signs_learnt": len(kept), "later_words": len(test), **scores}
        print(person, json.dumps(results[person]), flush=True)
    held_out = [q for q in results if q not in spelling.CHOSEN_ON]
    for name in ("nothing taught", "learnt from words", "taught by a lesson"):
        print(f"{name}: later common words exactly right, mean of {len(held_out)} held-out people "
              f"{np.mean([results[q][name] for q in held_out]):.1%}, of all 15 {np.mean([results[q][name] for q in results]):.1%}")


if __name__ == "__main__":
    main()
