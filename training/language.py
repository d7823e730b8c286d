"""A letter model of English for the speller: which letter is likely next, given the two before it.

    python -m training.language        # builds web/language/en.json and words.json from wordfreq,
                                       # and names.json from the US census's names

(How much it helps, on photos of people never seen: studies/english.py.)

Fingerspelled words are English words and names, so after "Q" a U is likely and after "TH" an E.
Where the recogniser is torn between letters (new people: the right letter is in its top 3 far more
often than first), the page multiplies its probabilities by this model's, and the likelier spelling
wins. A sure reading is never overruled: the letter model is mixed half-and-half with "every letter
alike" (UNIFORM_SHARE), so it can lower a letter's probability at most 2× and raise it at most ~13×.
web/language.js does the same with the same table (tests/test_language.py compares them).

Source: wordfreq (Robyn Speer; data CC-BY-SA 4.0), the most frequent English words, each counted as
often as it is used. The table holds P(letter | two letters before), '_' standing for a word's
start, interpolated from letter triples, pairs and single letters so unseen triples keep a share.
"""
import argparse
import json
import string
import sys
from pathlib import Path

import numpy as np

from training.files import write_json

ALPHABET = string.ascii_uppercase
START = "_"
INTERPOLATION = (0.6, 0.3, 0.1)  # weights of P(c | two before), P(c | one before), P(c)
UNIFORM_SHARE = 0.5  # the page mixes in this much of "every letter alike": a prior, never a veto
WEIGHT = 1.0  # the recogniser's probabilities × letter model^WEIGHT
SCALE = 10000  # the table stores probabilities × SCALE, as integers
OUT = Path("web/language/en.json")
WORDS = 60000
COMPLETIONS = Path("web/language/words.json")
COMPLETION_WORDS = 10000
# Fingerspelling is most often a name. The names word correction and completion know (web/words.js):
# every first name of the 1990 US census (1,219 men's, 4,275 women's) and its SURNAMES commonest
# surnames (of 88,799), the likeliest first: people's share of each (a first name's halved, one sex's).
NAMES = Path("web/language/names.json")
SURNAMES = 5000
# Words better_profanity flags that name people, health, history or everyday things: offered as
# completions like any other. The rest of what it flags (slurs, swearing) is never offered; it can
# still be spelled letter by letter.
NOT_OFFENSIVE = set("""GOD SEX HELL KILL STUPID GAY GAYS QUEER MURDER FAT SEXUAL DRUNK NAKED UGLY POT STRIP VIRGIN
    SLAVE NAZI HITLER STROKE WEED ORAL SCREW SCREWED HIV ORGAN FACIAL OMG PEE WANG HEROIN SLOPE THRUST
    URINE VODKA WOODY GAL SNIPER LUST BREASTS SPERM PENIS VAGINA PENETRATION""".split())


def english_words(n=WORDS):
    """{WORD: frequency} of wordfreq's n most frequent English words made of letters only."""
    try:
        import wordfreq
    except ImportError:
        sys.exit("error: the letter model is built from wordfreq: `make language` installs it "
                 "(requirements-language.txt)")
    words = (w.upper() for w in wordfreq.top_n_list("en", n))
    return {w: wordfreq.word_frequency(w.lower(), "en") for w in words if w.isascii() and w.isalpha()}


def contexts():
    """Every two-letter context the page can be in: word start (__), one letter in (_A), or two letters."""
    return [START + START] + [START + a for a in ALPHABET] + [a + b for a in ALPHABET for b in ALPHABET]


def build(frequencies):
    """{context: 26 probabilities of the next letter} from {WORD: frequency}."""
    symbols = ALPHABET + START  # a word's end counts as a symbol, then is dropped: P(letter | not ended)
    counts = [dict() for _ in range(3)]  # by how many letters of context: 0, 1, 2
    for word, frequency in frequencies.items():
        padded = START * 2 + word + START
        for i in range(2, len(padded)):
            for n in range(3):
                row = counts[n].setdefault(padded[i - n:i], np.zeros(len(symbols)))
                row[symbols.index(padded[i])] += frequency
    table = {}
    for context in contexts():
        probabilities = np.zeros(len(symbols))
        for n, share in zip((2, 1, 0), INTERPOLATION):
            row = counts[n].get(context[2 - n:])
            probabilities += share * (row / row.sum() if row is not None and row.sum() else 1 / len(symbols))
        table[context] = probabilities[:26] / probabilities[:26].sum()
    return table


def write_table(table, out, source):
    document = {
        "what": "P(next letter | the two letters before it) in English words; '_' is a word's start",
        "source": source, "licence": "CC-BY-SA 4.0 (wordfreq's data, by Robyn Speer)",
        "alphabet": ALPHABET, "uniform_share": UNIFORM_SHARE, "weight": WEIGHT, "scale": SCALE,
        "next": {c: [int(round(p * SCALE)) for p in table[c]] for c in contexts()},
    }
    write_json(out, document, indent=None, separators=(",", ":"))
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} kB)")


def load_table(path=OUT):
    document = json.loads(Path(path).read_text())
    return {c: np.array(row, float) / sum(row) for c, row in document["next"].items()}


def context(text):
    """The last two letters of the word being spelled, '_'-padded: 'HI L' -> '_L', '' -> '__'."""
    word = ""
    for char in reversed(text.upper()):
        if char not in ALPHABET:
            break
        word = char + word
    return (START * 2 + word)[-2:]


def prior(table, text, labels, uniform_share=UNIFORM_SHARE, weight=WEIGHT):
    """A factor per label: (26 × letter probability, mixed with uniform)^weight for A–Z, 1 for the rest
    (space, del, nothing, digits). Every letter equally likely gives 1 for all: nothing changes."""
    letters = 26 * ((1 - uniform_share) * table[context(text)] + uniform_share / 26)
    return np.array([letters[ALPHABET.index(l)] ** weight if l in ALPHABET else 1.0 for l in labels])


def rerank(probabilities, factor):
    weighted = np.asarray(probabilities) * factor
    return weighted / weighted.sum(-1, keepdims=True)


def completion_words(frequencies, n=COMPLETION_WORDS):
    """The n most frequent words of two letters or more, most frequent first, for the page's word
    completion (web/completion.js), without slurs and swearing (better_profanity, NOT_OFFENSIVE aside)."""
    try:
        from better_profanity import profanity
    except ImportError:
        sys.exit("error: the completion list leaves out slurs with better_profanity: `make language` installs it")
    profanity.load_censor_words()
    words = sorted((w for w in frequencies if len(w) >= 2), key=lambda w: -frequencies[w])
    return [w for w in words if w in NOT_OFFENSIVE or not profanity.contains_profanity(w.lower())][:n]


def census(file):
    """[(NAME, percent of the people the census counted)] of one of the `names` package's lists:
    dist.male.first, dist.female.first, dist.all.last (the 1990 US census; public domain)."""
    try:
        import names
    except ImportError:
        sys.exit("error: the names list is built from the `names` package: `make language` installs it")
    lines = (Path(names.__file__).parent / file).read_text().splitlines()
    return [(line.split()[0], float(line.split()[1])) for line in lines]


def name_list(surnames=SURNAMES):
    """Census names of letters only, the most people's first (see NAMES)."""
    share = {}
    for file, weight, n in (("dist.male.first", 0.5, None), ("dist.female.first", 0.5, None), ("dist.all.last", 1, surnames)):
        for name, percent in census(file)[:n]:
            if name.isascii() and name.isalpha():
                share[name] = share.get(name, 0) + weight * percent
    return sorted(share, key=lambda name: -share[name])


def write_names(names, out):
    write_json(out, {"what": "names for word correction and completion, the commonest first",
                     "source": f"the 1990 US census (the `names` package): every first name and the "
                               f"{SURNAMES:,} commonest surnames, by the share of people who have each",
                     "licence": "public domain (US Census Bureau)", "names": names},
               indent=None, separators=(",", ":"))
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} kB, {len(names):,} names)")


def write_completions(words, out, source):
    write_json(out, {"what": "words to offer as completions, the most frequent first", "source": source,
                     "licence": "CC-BY-SA 4.0 (wordfreq's data, by Robyn Speer)", "words": words},
               indent=None, separators=(",", ":"))
    print(f"wrote {out} ({out.stat().st_size / 1024:.0f} kB, {len(words):,} words)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=OUT)
    p.add_argument("--words", type=int, default=WORDS, help="how many of the most frequent English words")
    args = p.parse_args(argv)
    frequencies = english_words(args.words)
    write_table(build(frequencies), args.out, f"wordfreq, the {len(frequencies):,} most frequent English words "
                                              "of letters only, each weighted by its frequency")
    write_completions(completion_words(frequencies), args.out.parent / COMPLETIONS.name,
                      f"wordfreq: the {COMPLETION_WORDS:,} most frequent English words of two letters or more, "
                      "without slurs and swearing (better_profanity)")
    write_names(name_list(), args.out.parent / NAMES.name)


if __name__ == "__main__":
    main()
