"""How much the page learns a person's signs from the words they keep (speller.js onLearn ->
teach.js learn), with no lesson: a simulation through the page's own speller.

    python -m studies.learn_from_words [--learn-words 100] [--only-right]

Each of the 15 people of `make people` (read by models that never saw them) spells --learn-words
common words (of the four fifths the benchmark's lists are not drawn from), one after another in one
visit, through web/speller.js under node (bench/spell.mjs with `session`), made of the first half of
their photos of each letter (in capture order). The speller learns as it does in the page: when the
next word begins and the last one still stands, its letters' hands (of the last LEARN_HANDS frames
with a hand that typed each) become the user's, labelled by the word as it stands, corrected or not:
a user who corrects nothing; --only-right: one who clears every word typed wrong, which then teaches
nothing. Those hands are kept as the page keeps them (personal.js learn: the newest PER_SIGN a sign).
Then the person spells the benchmark's common words made of the second half of their photos, with
and without them, and with every sign taught by a lesson instead (the first 3 photos of each sign,
of the first half) for comparison.
"""
import argparse
import json
from pathlib import Path

import numpy as np

from studies import people_out, personal_people, spelling
from training import keypoints, language, personal


def halves(y, frames, classes):
    """{label: photo indices in capture order} for the first and the second half of each letter's photos."""
    first, second = {}, {}
    for i, label in enumerate(classes):
        mine = np.flatnonzero(y == i)
        mine = mine[np.argsort(frames[mine], kind="stable")]
        if len(mine) >= 4:
            first[label], second[label] = list(mine[:len(mine) // 2]), list(mine[len(mine) // 2:])
    return first, second


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
    ap.add_argument("--only-right", action="store_true", help="clear every word typed wrong: learn only from the right ones")
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
        # 1. A visit of words while the page learns (read untaught throughout: the page would read the
        #    visit's later words with what it learnt already, a little better than here).
        learn = [w for w in learn_list if all(c in first for c in w)]
        learn = [learn[i] for i in rng.permutation(len(learn))[:args.learn_words]]
        streams = [spelling.stream(w, first, rng, hold, release, lead) for w in learn]
        untaught = probabilities_with(p, x, [], [], classes)
        visit = {person: {"probabilities": np.round(untaught, 5).tolist(), "streams": streams,
                          "hands": p["found"].astype(int).tolist(), "words": learn}}
        typed = spelling.run_speller(visit, classes, english, session={"delete_wrong": args.only_right})
        right = sum(out["text"].strip() == word for out, word in zip(typed[person], learn))
        kept = {}  # sign -> photos of its learnt hands, newest last (personal.js OwnSigns.learn)
        for letter in typed["_learnt"][person]:
            kept[letter["sign"]] = (kept.get(letter["sign"], []) + letter["hands"])[-personal.PER_SIGN:]
        taught_rows = [i for sign in kept for i in kept[sign]]
        taught_labels = [classes.index(sign) for sign in kept for _ in kept[sign]]
        # 2. Later words, made of the other half of the photos: nothing taught, learnt from words, taught by a lesson.
        test = [w for w in test_list if all(c in second for c in w)]
        test_built = [spelling.stream(w, second, rng, hold, release, lead) for w in test]
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
