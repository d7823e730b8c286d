"""Learn and practise, in Chromium with a fake camera: the chart of signs drawn from signs.json, a sign
practised right and wrong (what it read, what to change), progress kept across a reload, a phone
screen and the keyboard alone. The feedback rules themselves: tests/js/handshape.test.js."""
import json
import re

import numpy as np
import pytest

from conftest import ARTIFACTS, ROOT, WEB, camera_frame, frames_read_right, open_page, write_y4m
from training import chart, data

GREY = np.full((480, 640, 3), 128, np.uint8)
VERDICT = "[data-testid=practice-verdict]"
FINGERS = re.compile(r"\b(thumb|index finger|middle finger|ring finger|little finger)")


@pytest.fixture(scope="module")
def letter_frames(shared_data, tmp_path_factory):
    """Camera frames of A and S (held-out test photos of asl-letters) that the shipped recogniser reads right."""
    held_out = json.loads((ROOT / "models" / "letters.split.json").read_text())
    paths = [shared_data / p for p in held_out["test"] if p.startswith("asl-letters/")]
    candidates = {label: [camera_frame(data.load_image(p)) for p in paths
                          if data.canonical_label(p.parent.name) == label][:8] for label in ("A", "S")}
    return frames_read_right("letters", candidates, tmp_path_factory.mktemp("candidates"))


@pytest.mark.parametrize("model", ["letters", "digits"])
def test_every_sign_is_drawn_and_described_and_one_tap_from_the_top_of_the_page(model, site, launch):
    page = open_page(launch(), site.url + f"?model={model}")
    page.click("[data-testid=learn-link]")
    assert page.url.endswith("#learn") and page.locator("[data-testid=chart]").is_visible()
    labels = [label for label in json.loads((WEB / "model" / model / "metadata.json").read_text())["labels"]
              if label not in chart.NOT_SIGNS]
    cards = page.locator("[data-testid=chart] li")
    cards.first.wait_for()
    assert [card.get_attribute("data-sign") for card in cards.all()] == labels
    # Each drawing has ink: pixels of at least three finger colours.
    inked = page.evaluate("""() => [...document.querySelectorAll('[data-testid=chart] canvas')].map((canvas) => {
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set();
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i] + pixels[i + 1] + pixels[i + 2] < 600)
          colours.add(`${pixels[i] >> 5},${pixels[i + 1] >> 5},${pixels[i + 2] >> 5}`);
        return colours.size; })""")
    assert len(inked) == len(labels) and min(inked) >= 3, inked
    for card, label in zip(cards.all(), labels):
        assert card.locator("p").first.text_content() == chart.DESCRIPTIONS[label]
    if model == "letters":
        for label in ("J", "Z"):
            assert "draw a " + label in page.locator(f"[data-testid=chart-{label}] .motion").text_content()


def test_the_sign_asked_for_is_marked_right_and_remembered_after_a_reload(letter_frames, site, launch, tmp_path):
    camera = write_y4m(tmp_path / "a.y4m", [GREY, letter_frames["A"], letter_frames["A"], letter_frames["A"]], fps=15)
    page = open_page(launch(camera=str(camera)), site.url + "?model=letters")
    page.click("[data-testid=practise-A]")  # starts the camera too
    assert page.text_content("[data-testid=practice-sign]") == "A"
    page.wait_for_function("() => document.querySelector('[data-testid=practice-verdict]').textContent"
                           ".startsWith('Right: that is A')", timeout=90_000)
    assert page.text_content("[data-testid=transcript]") == ""  # practised, not typed
    page.reload()
    page.locator("[data-testid=chart] li").first.wait_for()
    assert page.text_content("[data-testid=practice-progress]").startswith("Practised 1 of 28 signs")
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('signcam.practice.letters'))")
    assert stored == {"A": {"right": 1, "wrong": 0, "run": 1}}


def test_a_wrong_sign_is_named_with_a_finger_to_change_and_both_hands_drawn(letter_frames, site, launch, tmp_path):
    camera = write_y4m(tmp_path / "s.y4m", [GREY] + [letter_frames["S"]] * 4, fps=15)
    page = open_page(launch(camera=str(camera)), site.url + "?model=letters")
    page.click("[data-testid=practise-A]")
    page.wait_for_function("() => document.querySelector('[data-testid=practice-verdict]').textContent"
                           ".startsWith('Not yet')", timeout=90_000)
    assert page.text_content(VERDICT) == "Not yet: that reads as S."
    page.locator("[data-testid=practice-feedback] li").first.wait_for()
    advice = page.locator("[data-testid=practice-feedback] li").all_text_contents()
    assert any(FINGERS.search(text) and "For A, " in text for text in advice), advice
    drawn = page.evaluate("""() => ['practice-reference', 'practice-yours'].map((id) => {
        const canvas = document.querySelector(`[data-testid=${id}]`);
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 0; i < pixels.length; i += 4) ink += pixels[i] + pixels[i + 1] + pixels[i + 2] < 600;
        return ink; })""")
    assert min(drawn) > 100, drawn
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("[data-testid=practice]").screenshot(path=ARTIFACTS / "practice.png")
    page.click("[data-testid=practice-next]")  # gave up on A: it counts as one to practise again
    assert "Practise again: A" in page.text_content("[data-testid=practice-progress]")


def test_practice_fits_a_phone_and_works_from_the_keyboard(site, launch, tmp_path):
    camera = write_y4m(tmp_path / "grey.y4m", [GREY])
    page = open_page(launch(camera=str(camera)), site.url + "?model=letters")
    page.set_viewport_size({"width": 360, "height": 740})
    page.locator("[data-testid=chart] li").first.wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.focus("[data-testid=practise-B]")
    page.keyboard.press("Enter")
    assert page.text_content("[data-testid=practice-sign]") == "B"
    page.wait_for_function("() => document.querySelector('[data-testid=start]').textContent === 'Stop camera'")
    page.focus("[data-testid=practice-word]")
    page.keyboard.type("cab")
    page.keyboard.press("Enter")
    assert page.text_content("[data-testid=practice-sign]") == "C (CAB)"
    page.focus("[data-testid=practice-stop]")
    page.keyboard.press("Enter")
    assert page.text_content(VERDICT) == "Practice stopped."
