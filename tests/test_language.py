"""The letter model of English (training/language.py = web/language.js): it prefers English spellings,
never overrules a sure reading, and the page computes the same factors as Python from the shipped table."""
import json
import shutil
import subprocess

import keras
import numpy as np
import pytest

from conftest import ROOT, camera_frame, open_page, write_y4m
from test_sign_to_text import GREY, RECORD_PREDICTIONS, TRANSCRIPT, held_out_frames, spell_with_camera
from training import data, language

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


def test_after_a_q_the_camera_types_the_u_the_recogniser_alone_was_too_unsure_to_type(shared_data, site, launch,
                                                                                          tmp_path):
    """The page as a user meets it: Q typed, then a U that the recogniser reads under the speller's bar
    (asl-alphabet-64's test photos; the letters model learnt that signer's train/ photos, so where it
    reads them all sure, the hand is further from the camera: smaller in the frame). With English
    spelling the U after Q is typed: "QU"; with ?english=off nothing is typed for it: "Q". The image
    model alone (landmarks off), whose browser output matches Python's, so the photo can be chosen
    here by its Python twin."""
    held_out = json.loads((ROOT / "models" / "letters.split.json").read_text())
    test_paths = [shared_data / p for p in held_out["test"] if p.startswith("asl-letters/")]
    q = held_out_frames("letters", test_paths, [data.canonical_label(p.parent.name) for p in test_paths], {"Q"})["Q"]
    model = keras.models.load_model(ROOT / "models" / "letters.keras")
    table = language.load_table(TABLE)
    u = None
    for scale, path in ((scale, path) for scale in (1.0, 0.8, 0.7, 0.6)
                        for path in sorted((shared_data / "asl-alphabet-64" / "test" / "U").iterdir())):
        frame = camera_frame(data.load_image(path), scale=scale)
        reading = model.predict(data.crop_and_resize(frame, model.input_shape[1])[None], verbose=0)[0]
        after_q = language.rerank(reading, language.prior(table, "Q", LETTERS))
        runner_up = np.sort(reading)[-2]  # U clearly first, so the page (float16 weights) shows U too
        # Under web/speller.js's bar (DEFAULTS.threshold 0.3, with room for the page's float16 weights).
        if LETTERS[reading.argmax()] == "U" and runner_up + 0.1 < reading.max() < 0.26 and after_q.max() > 0.8:
            u = frame
            print(f"{path.name} at {scale:.0%}: U {reading.max():.2f} alone, {after_q.max():.2f} after Q")
            break
    assert u is not None, "no asl-alphabet-64 U photo read under the bar that English spelling makes sure of"

    # Half a second of empty scene between Q and U (a second would end the word: a space, and no Q before the U).
    camera = write_y4m(tmp_path / "qu.y4m", [GREY] * 6 + [q] * 3 + [GREY] + [u] * 6 + [GREY] * 3, seconds_each=0.5, fps=15)
    page = open_page(launch(camera=str(camera)), site.url + "?model=letters&landmarks=off")
    spell_with_camera(page, "QU")

    page = open_page(launch(camera=str(camera)), site.url + "?model=letters&landmarks=off&english=off")
    page.evaluate(RECORD_PREDICTIONS)
    page.click("[data-testid=start]")
    # Until the U has been shown for its 3 s and the scene is empty again.
    page.wait_for_function("""() => {
        const u = window.shown.findIndex((s) => s.label === 'U');
        return u >= 0 && window.shown.slice(u).some((s) => s.label !== 'U');
    }""", timeout=120_000)
    assert page.evaluate(TRANSCRIPT).rstrip() == "Q"  # (the hand lowered a second adds a space)


def test_without_the_letter_model_the_page_spells_as_before_and_says_so(site, launch):
    """A site without language/en.json (a partial deploy): the page still loads and reads letters; the
    setting is disabled and says it is not installed."""
    browser = launch()
    context = browser.new_context()
    context.route("**/language/en.json", lambda route: route.fulfill(status=404, body="not found"))
    page = context.new_page()
    page.goto(site.url + "?model=letters&landmarks=off")
    page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled", timeout=60_000)
    assert page.evaluate("window.signcam.spellingPrior('Q')") is None
    assert page.get_by_test_id("english").is_disabled()
    assert "not installed on this site" in page.text_content(".settings")
    assert not page.evaluate("document.querySelector('[data-testid=status]').classList.contains('error')")


def test_without_the_word_and_name_lists_the_page_still_spells(site, launch):
    """A site without language/words.json and names.json (a partial deploy): the page still loads
    with no error and the letter model stays on; it spells without completion and correction."""
    context = launch().new_context()
    for name in ("words", "names"):
        context.route(f"**/language/{name}.json", lambda route: route.fulfill(status=404, body="not found"))
    page = context.new_page()
    page.goto(site.url + "?model=letters&landmarks=off")
    page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled", timeout=60_000)
    assert page.evaluate("window.signcam.spellingPrior('Q')") is not None
    assert page.get_by_test_id("english").is_enabled()
    assert not page.evaluate("document.querySelector('[data-testid=status]').classList.contains('error')")


def test_the_names_list_holds_census_names_commonest_first():
    """web/language/names.json (training.language.name_list): what word correction and completion
    know of names: letters only, each once, the most people's first."""
    document = json.loads((ROOT / "web" / "language" / "names.json").read_text())
    names = document["names"]
    assert names[:4] == ["JAMES", "JOHN", "ROBERT", "MICHAEL"] and "census" in document["source"]
    assert all(name.isascii() and name.isalpha() and name.isupper() for name in names)
    assert len(set(names)) == len(names) > 9000
    assert names.index("MARY") < names.index("KATHRINE") < names.index("ALLYN")  # common, rarer, rarest
