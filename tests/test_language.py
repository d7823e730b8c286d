"""The letter model of English (training/language.py = web/language.js): it prefers English spellings,
never overrules a sure reading, and the page computes the same factors as Python from the shipped table."""
import json
import shutil
import subprocess

import numpy as np
import pytest

from conftest import ROOT, open_page
from training import language

TABLE = ROOT / "web" / "language" / "en.json"
LETTERS = json.loads((ROOT / "web" / "model" / "letters" / "metadata.json").read_text())["labels"]


@pytest.fixture(scope="module")
def table():
    assert TABLE.is_file(), "web/language/en.json is missing: `make language` builds it"
    return language.load_table(TABLE)


def test_the_context_is_the_last_two_letters_of_the_word_being_spelled():
    assert language.context("") == "__"
    assert language.context("HI L") == "_L"
    assert language.context("hello") == "LO"
    assert language.context("HELLO ") == "__"
    assert language.context("AB3") == "__"  # a digit ends a word as a space does


def test_build_counts_letters_by_how_often_words_are_used():
    table = language.build({"QUIT": 10.0, "QAT": 1.0, "TO": 5.0})
    assert set(table) == set(language.contexts())
    for row in table.values():
        assert row.shape == (26,) and abs(row.sum() - 1) < 1e-9 and (row >= 0).all()
    u, a = language.ALPHABET.index("U"), language.ALPHABET.index("A")
    assert table["_Q"][u] > 5 * table["_Q"][a]  # QUIT is used 10 times as often as QAT
    assert table["__"].argmax() == language.ALPHABET.index("Q")  # words start Q (11) more than T (5)


def test_a_close_call_goes_to_the_english_spelling_a_sure_reading_stands(table):
    labels = LETTERS
    reading = np.full(len(labels), 1e-4)
    reading[labels.index("X")], reading[labels.index("U")] = 0.45, 0.40  # torn between X and U, after Q
    reranked = language.rerank(reading, language.prior(table, "Q", labels))
    assert labels[reranked.argmax()] == "U"
    reading[labels.index("X")], reading[labels.index("U")] = 0.95, 0.03  # sure of X: QX it is (an acronym, a code)
    assert labels[language.rerank(reading, language.prior(table, "Q", labels)).argmax()] == "X"
    # The bound behind it: in every context no letter's factor is 27× another's, so a reading 27× surer
    # than the next is never changed; space, del and nothing keep a factor of 1.
    for context in language.contexts():
        factor = language.prior(table, context.replace("_", ""), labels)
        letters = factor[[labels.index(c) for c in language.ALPHABET]]
        assert letters.max() / letters.min() < 27 and letters.min() >= 0.5
        assert all(factor[labels.index(s)] == 1 for s in ("space", "del", "nothing"))


def test_the_page_computes_the_same_factors_as_python(table):
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: this test runs web/language.js under Node.js 20 or newer")
    texts = ["", "Q", "HI L", "th", "HELLO ", "XZ", "AB3"]
    script = f"""
        import {{ readFileSync }} from 'node:fs';
        import {{ prior }} from './web/language.js';
        const table = JSON.parse(readFileSync('web/language/en.json', 'utf8'));
        const labels = {json.dumps(LETTERS)};
        console.log(JSON.stringify({json.dumps(texts)}.map((text) => prior(table, text, labels))));
    """
    result = subprocess.run([node, "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    in_js = np.array(json.loads(result.stdout))
    in_python = np.array([language.prior(table, text, LETTERS) for text in texts])
    assert np.allclose(in_js, in_python, rtol=1e-9), np.abs(in_js - in_python).max()


def test_the_page_spells_with_the_letter_model_unless_it_is_turned_off(site, launch, table):
    """The page fetches language/en.json from its own folder (the CSP allows nothing else) and, for
    Letters, multiplies the factors Python computes; the setting turns it off and is remembered."""
    browser = launch()
    page = open_page(browser, site.url + "?model=letters&landmarks=off")
    checkbox = page.get_by_test_id("english")
    assert checkbox.is_checked()
    in_page = page.evaluate("window.signcam.spellingPrior('Q')")
    assert np.allclose(in_page, language.prior(table, "Q", LETTERS))
    assert in_page[LETTERS.index("U")] > 5
    page.click(".settings summary")
    checkbox.uncheck()
    assert page.evaluate("window.signcam.spellingPrior('Q')") is None
    page.reload()
    page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled", timeout=60_000)
    assert not page.get_by_test_id("english").is_checked()  # remembered
    assert page.evaluate("window.signcam.spellingPrior('Q')") is None
    off = open_page(browser, site.url + "?model=digits&landmarks=off")  # Numbers: no letters, no letter model
    assert off.evaluate("window.signcam.spellingPrior('Q')") is None
