"""The spelling benchmark's machinery (studies/spelling.py, bench/spell.mjs): streams as a webcam
shows signing, and the page's own speller under node typing them."""
import numpy as np

from studies import spelling

LABELS = ["E", "H", "L", "O", "nothing"]


def test_a_stream_holds_each_letter_in_filmed_order_with_a_release_only_between_repeats():
    photos_of = {"H": [0, 1], "E": [2], "L": [3, 4, 5], "O": [6]}
    frames = spelling.stream("HELLO", photos_of, np.random.default_rng(0), hold_frames=10, release_frames=3,
                             lead_frames=2)
    assert frames[:2] == [-1, -1]
    end = round(spelling.END_S * 1000 / spelling.FRAME_MS)  # the hand lowered after the word
    assert len(frames) == 2 + 5 * 10 + 3 + end  # one release: between the two L's
    assert frames[-end:] == [-1] * end and frames[-end - 1] >= 0
    ls = frames[2 + 20:2 + 20 + 23]
    assert ls[10:13] == [-1, -1, -1] and set(ls[:10]) <= {3, 4, 5} and set(ls[13:]) <= {3, 4, 5}
    step = round(spelling.PHOTO_MS / spelling.FRAME_MS)
    first_l = ls[:10]
    assert first_l[:step] == [first_l[0]] * step  # a photo stands for several frames, then the next one
    assert first_l[step] == [3, 4, 5][([3, 4, 5].index(first_l[0]) + 1) % 3]


def test_the_page_speller_under_node_types_a_word_and_nothing_from_an_empty_scene():
    sure = np.eye(len(LABELS)) * 0.85 + 0.03
    unsure_l = np.array([0.1, 0.1, 0.45, 0.25, 0.1])  # a new signer's L: first, but far from sure
    probabilities = np.vstack([sure, unsure_l]).tolist()
    photos_of = {"H": [1], "E": [0], "L": [2, 5], "O": [3]}
    word = spelling.stream("HELLO", photos_of, np.random.default_rng(0), 15, 6, 8)
    empty = [-1] * 900
    typed = spelling.run_speller({"p": {"probabilities": probabilities, "streams": [word, empty]}}, LABELS,
                                 english=False)["p"]
    assert typed[0]["text"] == "HELLO " and typed[0]["last_ms"] > 0  # the hand lowered after it: a space
    assert typed[1]["text"] == "" and typed[1]["last_ms"] is None
    # A bar of 0.75 (the defaults before 2026-12-04) loses the unsure L's.
    before = spelling.run_speller({"p": {"probabilities": probabilities, "streams": [word]}}, LABELS,
                                  english=False, threshold=0.75, hold_ms=800)["p"]
    assert before[0]["text"].strip() != "HELLO"


def test_a_visit_learns_as_the_page_does_from_the_words_that_stand_and_not_from_those_cleared():
    # studies.learn_from_words: one speller spells a visit's words in turn and learns (speller.js onLearn)
    # from the frames with a hand, the last ones of each letter's hold; a word cleared teaches nothing.
    sure = (np.eye(len(LABELS)) * 0.85 + 0.03).tolist()
    photos_of = {"H": [1], "E": [0], "L": [2, 5], "O": [3]}
    rng = np.random.default_rng(0)
    words = ["HOLE", "HELLO", "OLE"]
    streams = [spelling.stream(w, photos_of, rng, 15, 6, 8) for w in words]
    found = [1, 1, 1, 0, 1, 1]  # MediaPipe found no hand on the O (photo 3): the page has no hand to learn it from
    visit = {"p": {"probabilities": sure + [sure[2]], "streams": streams, "hands": found, "words": words}}
    typed = spelling.run_speller(visit, LABELS, english=False, session={"delete_wrong": False})
    assert [t["text"] for t in typed["p"]] == ["HOLE ", "HELLO ", "OLE "]
    learnt = typed["_learnt"]["p"]  # HOLE once HELLO began, HELLO once OLE began (no O); OLE's next word never came
    assert [letter["sign"] for letter in learnt] == list("HLEHELL")
    assert all(0 < len(letter["hands"]) <= 10 and set(letter["hands"]) <= set(photos_of[letter["sign"]]) for letter in learnt)
    # The same visit by a user who clears every word not meant: HELLO "meant" as HALLO is cleared.
    visit["p"]["words"] = ["HOLE", "HALLO", "OLE"]
    cleared = spelling.run_speller(visit, LABELS, english=False, session={"delete_wrong": True})["_learnt"]["p"]
    assert [letter["sign"] for letter in cleared] == list("HLE")
    # Without a session every stream is a visit of its own: nothing learnt.
    alone = spelling.run_speller({"p": {k: v for k, v in visit["p"].items() if k != "words"}}, LABELS, english=False)
    assert "_learnt" not in alone


def test_scores_count_exact_words_edits_and_stray_characters():
    asked = {"p": ([("common words", "HELLO"), ("names", "ELO")], True)}
    typed = {"p": [{"text": "HELLO", "last_ms": 4000}, {"text": "EO", "last_ms": 2000}, {"text": "L", "last_ms": 1}]}
    result = spelling.score(asked, typed, {"common words": [], "names": []})
    assert result["lists"]["common words"]["exactly_right"] == 1.0
    assert result["lists"]["names"]["exactly_right"] == 0.0
    assert result["lists"]["names"]["character_error_rate"] == 1 / 3
    assert result["stray_characters_in_60_s_empty"] == {"p": 1}


def test_the_page_offers_words_for_the_letters_typed_and_types_one_with_a_tap(shared_data, site, launch, tmp_path):
    """Through the fake camera, A then Y typed: the completions are a word the user kept, then the
    words starting AY (one), then names (language/names.json); a tap types the word and a space,
    the Y still held is not typed after it, and Undo takes it back."""
    import json

    from conftest import ROOT, camera_frame, frames_read_right, open_page, write_y4m
    from training import data

    held_out = json.loads((ROOT / "models" / "letters.split.json").read_text())
    paths = [shared_data / p for p in held_out["test"] if p.startswith("asl-letters/")]
    candidates = {label: [camera_frame(data.load_image(p)) for p in paths if data.canonical_label(p.parent.name) == label][:8]
                  for label in ("A", "Y")}
    frames = frames_read_right("letters", candidates, tmp_path / "candidates")
    grey = np.full((480, 640, 3), 128, np.uint8)
    camera = write_y4m(tmp_path / "ay.y4m", [grey, grey, frames["A"], frames["Y"], frames["Y"], frames["Y"]],
                       seconds_each=1.5, fps=15)
    page = open_page(launch(camera=str(camera)), site.url + "?model=letters")
    # A word the user kept from correction earlier (a name) is offered first.
    page.evaluate("() => localStorage.setItem('signcam.settings', JSON.stringify({keptWords: ['AYLIN']}))")
    page.reload()
    page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled")
    page.click("[data-testid=start]")
    page.wait_for_function("() => document.querySelector('[data-testid=transcript]').textContent === 'AY'",
                           timeout=120_000)
    page.locator("[data-testid=completion-2]").wait_for()
    offered = page.locator("[data-testid=completions] button").all_text_contents()
    language = ROOT / "web" / "language"
    words = [w for w in json.loads((language / "words.json").read_text())["words"] if w.startswith("AY") and len(w) > 2]
    names = [n for n in json.loads((language / "names.json").read_text())["names"] if n.startswith("AY") and n not in words]
    assert len(words) == 1 and offered == ["AYLIN", words[0], names[0]]
    page.click("[data-testid=completion-2]")
    assert page.text_content("[data-testid=transcript]") == offered[2] + " "
    page.wait_for_timeout(1500)  # the Y is still shown: it waits for a release
    assert page.text_content("[data-testid=transcript]") == offered[2] + " "
    page.click("[data-testid=start]")  # Stop
    page.click("[data-testid=undo]")
    assert page.text_content("[data-testid=transcript]") == "AY"


def test_letters_typed_says_which_letter_of_a_word_went_wrong_and_how():
    per_letter = spelling.letters_typed([("HELLO", "HELO"), ("CAB", "OAB"), ("SIGN", "SIGN"), ("CAT", "CAT")])
    assert per_letter["L"] == {"in_words": 2, "typed_right": 0.5, "instead": {"left out": 0.5}}
    assert per_letter["C"] == {"in_words": 2, "typed_right": 0.5, "instead": {"O": 0.5}}
    assert per_letter["A"]["typed_right"] == 1.0 and per_letter["A"]["in_words"] == 2
    assert "X" not in per_letter  # only the letters asked
