"""The spelling benchmark: words spelled by people the recogniser never saw, through the page's own
speller, as a webcam shows signing.

    make spell-bench            (python -m studies.spelling [--hold-s 1.2] [--english off] [--correction off])
    python -m studies.spelling --tune '{"floor": 0.0003, "extra": -9, "missing": -4, "outside": -0.69}' ...

The people: the 15 that `make people` (studies/people_out.py) scores with models that never saw them
(S2 and the fourteen webcam people): each photo of theirs read by keypoint models trained without
them, fused with the shipped image model, decided as the page decides (runs/people/probabilities-
PERSON.npz). A stream spells a word as a webcam would show it, FRAME_MS a frame: each letter held
--hold-s, its frames that person's own photos of the letter in the order they were filmed (the hand
moving and changing size a little; each webcam class is 15 frames spread over a 4–7 s capture, so
a photo stands for PHOTO_MS), starting at a random one; an empty scene between two of the same letter (a release), none elsewhere;
half a second of empty scene before the first letter. bench/spell.mjs runs web/speller.js and
web/language.js over them under node.

The headline leaves out the seven people the speller's rule was chosen on (CHOSEN_ON). After its last
letter the hand is lowered (END_S): the page's speller then ends the word and corrects it against its
word list (web/words.js). --tune scores settings of that correction on streams of CHOSEN_ON spelling
other words (the four fifths of the words the benchmark's lists are not drawn from, other strings).

Word lists (none used to tune anything): the 500 commonest English words and 200 common names of
the letter model's held-out fifth (studies/english.py held_out), 200 random letter strings of 2–6
letters. The page's word list has the common words and its names list (web/language/names.json)
the names, as it has most names people spell; the names are also spelled with them taken out of it
(names_the_list_lacks: a rarer name, another country's). The letter model of English is built as `make language` builds web/language/en.json, but
from the other four fifths of the words only. Each person spells the words made of letters they signed. Reports per list: words exactly
right, character error rate (edit distance / length), seconds per character (when the last letter
of a word spelled right was typed, over its length), characters typed in 60 s of empty scene
(each person's own `nothing` photos, where they have some), and the share of letters word
completion saves (web/completion.js: signed until the word is offered, then picked), the lists
again once each person taught the page their signs (once_taught_their_signs: the first 3 photos of
each sign taught as studies.personal_people does, the streams made of their photos from 2 later:
the same capture, which flatters teaching), and J and Z's
recall on synthetic strokes and how many other movements are taken for them (bench/motion.mjs: no
recording of the motions is at hand; the photos' streams carry no motion). Writes runs/spelling/summary.json,
and, run with every option at its default, the headline the README's spelling table shows: bench/spelling.json.
"""
import argparse
import json
import subprocess
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from studies import english, people_out, personal_people
from training import keypoints, language, personal
from training.files import write_json

FRAME_MS = 66  # ~15 frames a second: the page's loop with the hand tracker on wasm here
PHOTO_MS = 330  # a webcam class is 15 frames of a 4–7 s capture: one photo stands for a third of a second
RELEASE_S = 0.4
LEAD_S = 0.5
END_S = 1.2  # the hand lowered after the word: the page's speller ends the word (WORD_PAUSE_MS) and corrects it
EMPTY_S = 60
LISTS = {"common words": 500, "names": 200, "random strings": 200}
# The people whose streams chose the speller's rule and defaults (web/speller.js); the benchmark's
# headline is the others, never used to choose anything.
CHOSEN_ON = [f"w{i:02d}" for i in range(1, 8)]
HEADLINE = Path(__file__).resolve().parent.parent / "bench" / "spelling.json"
NO_CORRECTION = {"floor": 1, "extra": 0, "missing": 0, "outside": 0, "names": 0}  # every word outside the lists: none corrected


def word_lists(frequencies, seed=0, held_out=True):
    """{list: [WORD]} from wordfreq's {WORD: frequency}: none of the words builds the benchmark's
    letter model (english.held_out; letter_model_words). held_out=False: words of the other four
    fifths instead, and other random strings, to tune on (--tune)."""
    rng = np.random.default_rng(seed)
    common = [w for w in frequencies if english.held_out(w) == held_out and len(w) >= 2][:LISTS["common words"]]
    names = [n for n in dict.fromkeys(english.census_names())
             if n.isalpha() and english.held_out(n) == held_out and n not in frequencies][:LISTS["names"]]
    strings = ["".join(rng.choice(list(language.ALPHABET), rng.integers(2, 7))) for _ in range(LISTS["random strings"])]
    return {"common words": common, "names": names, "random strings": strings}


def frame_order(path):
    """Photos in the order they were filmed: their file names count frames (w01/A/14.jpg, D/D10.jpg)."""
    digits = "".join(c for c in Path(path).stem if c.isdigit())
    return int(digits) if digits else 0


def people_photos(people_dir, landmarks, classes, taught=False):
    """{person: (probabilities as the page decides, y, photo paths, photos a stream may show)} for every
    probabilities-PERSON.npz. taught: each person first taught their signs (studies.personal_people:
    the first photos of each sign), streams show only the photos scored there, and empty scenes."""
    rows, tables = people_out.load_rows(landmarks, classes)
    out = {}
    for path in sorted(Path(people_dir).glob("probabilities-*.npz")):
        person = path.stem.removeprefix("probabilities-")
        saved = np.load(path)
        mine = rows["person"] == person
        if not np.array_equal(rows["y"][mine], saved["y"]):
            raise SystemExit(f"error: {path} does not match the landmark caches' photos of {person}: "
                             f"run `make people` again")
        keypoint_probs, shown = saved["keypoints"], np.ones(mine.sum(), bool)
        if taught:
            x, frames, y = personal_people.person_rows(rows, tables, person)
            hands, shown = personal_people.teaching_split(frames, y, saved["found"], personal_people.PER_SIGN,
                                                          personal_people.GAP)
            keypoint_probs = personal.with_own_signs(keypoint_probs, x, (hands, y[hands]))
            shown |= y == classes.index("nothing")
        probabilities = keypoints.recognised_probabilities(keypoint_probs, saved["image"], saved["found"],
                                                           float(saved["weight"]), classes, float(saved["bar"]))
        out[person] = (probabilities, saved["y"], rows["path"][mine], shown)
    if not out:
        raise SystemExit(f"error: no probabilities-PERSON.npz in {people_dir}: run `make people` first")
    return out


def stream(word, photos_of, rng, hold_frames, release_frames, lead_frames, jitter=0.0):
    """Photo indices a frame (-1: an empty scene) for one word, the hand lowered after it; jitter: each
    letter held hold_frames × U(1 − jitter, 1 + jitter) (a signer's own pace), not drawn at 0."""
    frames = [-1] * lead_frames
    for i, letter in enumerate(word):
        if i and word[i - 1] == letter:
            frames += [-1] * release_frames
        photos = photos_of[letter]
        start = rng.integers(len(photos))
        step = round(PHOTO_MS / FRAME_MS)  # frames a photo stands for
        held = round(hold_frames * rng.uniform(1 - jitter, 1 + jitter)) if jitter else hold_frames
        shown = [int(photos[(start + j // step) % len(photos)]) for j in range(held)]
        frames += shown
    return frames + [-1] * round(END_S * 1000 / FRAME_MS)


def letter_model_words(frequencies):
    """What the benchmark's letter model of English is built from: as `make language` builds the page's,
    but without the held-out fifth of the words, which the word lists spell."""
    return {w: f for w, f in frequencies.items() if not english.held_out(w)}


def run_speller(people, labels, english, **options):
    """What bench/spell.mjs types for each stream. english: False, True (the page's web/language/en.json)
    or a dict of words' frequencies to build the letter model from; options: the speller's threshold, hold_ms."""
    with tempfile.TemporaryDirectory() as folder:
        if isinstance(english, dict):  # the page's letter model, built as `make language` builds it
            language.write_table(language.build(english), Path(folder) / "en.json", "the benchmark's own")
            english = str(Path(folder) / "en.json")
        streams = Path(folder) / "streams.json"
        streams.write_text(json.dumps({"labels": labels, "frame_ms": FRAME_MS, "english": english,
                                       "people": people, **options}))
        out = subprocess.run(["node", "bench/spell.mjs", str(streams)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def build_streams(people_dir, landmarks, classes, lists, hold_s, seed=0, only=None, jitter=0.0, taught=False):
    """({person: {probabilities, streams}} for bench/spell.mjs, {person: ([(list, word)], has an empty scene)})."""
    hold, release, lead = (round(s * 1000 / FRAME_MS) for s in (hold_s, RELEASE_S, LEAD_S))
    rng = np.random.default_rng(seed)
    people, asked = {}, {}
    for person, (probabilities, y, paths, shown) in people_photos(people_dir, landmarks, classes, taught).items():
        if only and person not in only:
            continue
        photos_of = {label: sorted(np.flatnonzero((y == i) & shown), key=lambda k: frame_order(paths[k]))
                     for i, label in enumerate(classes) if ((y == i) & shown).any()}
        words = [(name, w) for name, ws in lists.items() for w in ws if all(c in photos_of for c in w)]
        streams = [stream(w, photos_of, rng, hold, release, lead, jitter) for _, w in words]
        empty = photos_of.get("nothing")
        if empty:  # 60 s of this person's empty scenes, in order
            streams.append([int(empty[j // round(PHOTO_MS / FRAME_MS) % len(empty)])
                            for j in range(EMPTY_S * 1000 // FRAME_MS)])
        people[person] = {"probabilities": np.round(probabilities, 5).tolist(), "streams": streams}
        asked[person] = (words, bool(empty))
    return people, asked


def list_streams(people, asked, name):
    """build_streams' output cut to the streams of one list's words (no empty scene), for `asked`'s people."""
    cut_people, cut_asked = {}, {}
    for person, (words, _) in asked.items():
        keep = [i for i, (list_name, _) in enumerate(words) if list_name == name]
        cut_people[person] = {**people[person], "streams": [people[person]["streams"][i] for i in keep]}
        cut_asked[person] = ([words[i] for i in keep], False)
    return cut_people, cut_asked


def letters_typed(pairs):
    """Per letter of the words asked, over (word, text typed) pairs: how often it was typed right, left
    out, or typed as another (the commonest three), by the edit operations from the word to the text."""
    counts, wrong = Counter(), defaultdict(Counter)
    for word, text in pairs:
        counts.update(word)
        for op, i, j in Levenshtein.editops(word, text):
            if op != "insert":  # an extra letter typed belongs to no letter asked
                wrong[word[i]][text[j] if op == "replace" else "left out"] += 1
    return {letter: {"in_words": n, "typed_right": 1 - sum(wrong[letter].values()) / n,
                     "instead": {what: k / n for what, k in wrong[letter].most_common(3)}}
            for letter, n in sorted(counts.items())}


def score(asked, typed, lists):
    """The benchmark's numbers from what was typed (run_speller) for the words asked."""
    results = {name: {"words": 0, "right": 0, "edits": 0, "letters": 0, "ms": 0, "right_letters": 0} for name in lists}
    per_person, stray, pairs = {}, {}, []
    lead_ms = round(LEAD_S * 1000 / FRAME_MS) * FRAME_MS
    for person, (words, has_empty) in asked.items():
        out = list(typed[person])
        if has_empty:
            stray[person] = len(out.pop()["text"].replace(" ", ""))
        right = 0
        for (name, word), result in zip(words, out):
            r, text = results[name], result["text"].strip()
            r["words"] += 1
            r["letters"] += len(word)
            r["edits"] += Levenshtein.distance(text, word)
            pairs.append((word, text))
            if text == word:
                r["right"] += 1
                right += 1
                r["ms"] += result["last_ms"] - lead_ms  # from the first letter shown to the last typed
                r["right_letters"] += len(word)
        per_person[person] = right / max(1, len(words))
    return {"lists": {name: {"words": r["words"], "exactly_right": r["right"] / max(1, r["words"]),
                             "character_error_rate": r["edits"] / max(1, r["letters"]),
                             "seconds_per_character": r["ms"] / 1000 / max(1, r["right_letters"])}
                      for name, r in results.items()},
            "stray_characters_in_60_s_empty": stray, "per_person_exactly_right": per_person,
            "per_letter": letters_typed(pairs)}


def print_table(result):
    print("| list | words | exactly right | character error rate | s per character |")
    print("| --- | --- | --- | --- | --- |")
    rows = {**result["lists"], **({"names the list lacks": result["names_the_list_lacks"]}
                                   if "names_the_list_lacks" in result else {})}
    for name, r in rows.items():
        print(f"| {name} | {r['words']} | {r['exactly_right']:.1%} | {r['character_error_rate']:.1%} | "
              f"{r['seconds_per_character']:.2f} |")
    print("stray characters in 60 s of empty scene:", result["stray_characters_in_60_s_empty"])
    print("exactly right per person:", {p: f"{v:.0%}" for p, v in result["per_person_exactly_right"].items()})
    print("letters typed right, under 90 %, and what instead:", "; ".join(
        f"{letter} {r['typed_right']:.0%} ({', '.join(f'{what} {k:.0%}' for what, k in r['instead'].items())})"
        for letter, r in sorted(result["per_letter"].items(), key=lambda item: item[1]["typed_right"]) if r["typed_right"] < 0.9))
    for name, r in result.get("once_taught_their_signs", {}).items():
        print(f"once they taught their signs, {name}: {r['words']} words, {r['exactly_right']:.1%} exactly right, "
              f"{r['character_error_rate']:.1%} characters wrong")


def tune(settings, people_dir, landmarks, classes, frequencies, hold_s, names_unlisted=False, jitter=0.0):
    """Word correction settings (web/words.js CORRECTION's constants; NO_CORRECTION: none) scored on CHOSEN_ON's
    streams of words none of the benchmark's lists holds: a table of each list's numbers. names_unlisted:
    those names left out of the names list, as names it lacks."""
    lists = word_lists(frequencies, seed=1, held_out=False)
    people, asked = build_streams(people_dir, landmarks, classes, lists, hold_s, only=CHOSEN_ON, jitter=jitter)
    print(f"tuning streams: {', '.join(CHOSEN_ON)} spelling words outside the benchmark's lists")
    for setting in settings:
        typed = run_speller(people, classes, letter_model_words(frequencies), correction=setting,
                            unlisted=lists["names"] if names_unlisted else [])
        result = score(asked, typed, lists)["lists"]
        print(json.dumps(setting), " | ".join(f"{name}: {r['exactly_right']:.1%} right, CER {r['character_error_rate']:.1%}"
                                              for name, r in result.items()), flush=True)


def argv_defaults(parser, args):
    """Whether every option that changes what is measured is at its default (--people, --landmarks and
    --out only say where files are)."""
    where = {"people", "landmarks", "out"}
    return all(getattr(args, key) == parser.get_default(key) for key in vars(args) if key not in where)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--people", default="runs/people", help="studies.people_out's output")
    p.add_argument("--landmarks", default="runs/landmarks")
    p.add_argument("--hold-s", type=float, default=1.0, help="how long each letter is shown")
    p.add_argument("--hold-jitter", type=float, default=0.0,
                   help="each letter shown hold-s × U(1 − J, 1 + J): a signer's uneven pace")
    p.add_argument("--english", choices=["on", "off"], default="on", help="the page's letter model of English")
    p.add_argument("--threshold", type=float, help="the speller's confidence bar (default: web/speller.js's)")
    p.add_argument("--hold-ms", type=float, help="the speller's hold time (default: web/speller.js's)")
    p.add_argument("--only", nargs="+", help="these people only (e.g. the ones a choice is made on)")
    p.add_argument("--correction", default="on",
                   help="word correction: on (web/words.js CORRECTION), off, or its constants as JSON")
    p.add_argument("--tune", nargs="+", metavar="JSON", help="score these correction settings on the tuning streams")
    p.add_argument("--names-unlisted", action="store_true",
                   help="--tune with the names list (web/language/names.json) lacking the tuning streams' names")
    p.add_argument("--out", default="runs/spelling")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    classes = json.loads(people_out.RUN_SPLIT.read_text())["classes"]
    frequencies = language.english_words()
    if args.tune:
        return tune([json.loads(t) for t in args.tune], args.people, args.landmarks, classes, frequencies, args.hold_s,
                    args.names_unlisted, args.hold_jitter)
    lists = word_lists(frequencies, args.seed)
    people, asked = build_streams(args.people, args.landmarks, classes, lists, args.hold_s, args.seed, args.only,
                                  args.hold_jitter)
    correction = {"on": None, "off": NO_CORRECTION}[args.correction] if args.correction in ("on", "off") \
        else json.loads(args.correction)
    options = {"threshold": args.threshold, "hold_ms": args.hold_ms, "correction": correction}
    english = letter_model_words(frequencies) if args.english == "on" else False
    typed = run_speller(people, classes, english, completion=lists, **options)
    completion = typed.pop("_completion")
    scored = {person: words for person, words in asked.items() if person not in CHOSEN_ON}
    result = score(scored, typed, lists)
    # The same names' streams again, as if the page's names list lacked them (a rarer name, another country's).
    names_people, names_asked = list_streams(people, scored, "names")
    typed_unlisted = run_speller(names_people, classes, english, unlisted=lists["names"], **options)
    result["names_the_list_lacks"] = score(names_asked, typed_unlisted, {"names": lists["names"]})["lists"]["names"]
    # The same people once they taught the page their signs (studies.personal_people's split: the first
    # photos of each sign taught, the streams made of their later photos).
    taught_people, taught_asked = build_streams(args.people, args.landmarks, classes, lists, args.hold_s, args.seed,
                                                sorted(scored), args.hold_jitter, taught=True)
    result["once_taught_their_signs"] = score(taught_asked, run_speller(taught_people, classes, english, **options),
                                              lists)["lists"]
    summary = {"how": __doc__.strip().splitlines()[0], "people": sorted(scored), "hold_s": args.hold_s,
               "frame_ms": FRAME_MS, "english": args.english, **options, **result,
               "with_the_people_it_was_chosen_on": score(asked, typed, lists),
               "letters_not_signed_with_completion": completion}
    summary["j_and_z_on_synthetic_strokes"] = json.loads(subprocess.run(
        ["node", "bench/motion.mjs"], capture_output=True, text=True, check=True).stdout)
    write_json(Path(args.out) / "summary.json", summary)
    if argv_defaults(p, args):  # the page as shipped: the README's table (tests/test_docs.py)
        write_json(HEADLINE, {key: summary[key] for key in ("how", "people", "hold_s", "lists", "names_the_list_lacks",
                   "once_taught_their_signs", "per_letter",
                   "stray_characters_in_60_s_empty", "letters_not_signed_with_completion", "j_and_z_on_synthetic_strokes")})
    print(f"people never used to choose anything ({', '.join(sorted(scored))}):")
    print_table(result)
    print(f"all {len(asked)} people, {', '.join(CHOSEN_ON)} included (they chose the speller's defaults):")
    print_table(summary["with_the_people_it_was_chosen_on"])
    print("J and Z drawn (web/motion.js) on synthetic strokes (bench/motion.mjs):", summary["j_and_z_on_synthetic_strokes"])
    print("letters a user need not sign, picking a completion once offered:",
          ", ".join(f"{name} {share:.1%}" for name, share in completion.items()))
    print(f"wrote {args.out}/summary.json")


if __name__ == "__main__":
    main()
