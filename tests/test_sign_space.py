"""A hand lowered out of the sign space, through the fake camera: held-out photos of L and O signed in
the middle of the picture, then lowered until only their top half shows at the bottom edge and left
resting there (a little jitter), type each letter once and a space (the hand lowered ends the word),
nothing more. The rule itself: web/hands.js lowered(), tests/js/hands.test.js."""
import json

from conftest import ROOT, camera_frame, frames_read_right, open_page, write_y4m
from studies.sign_space import FPS, GREY, SIDE, centre_square, signed_then_lowered
from training import data

TRANSCRIPT = "() => document.querySelector('[data-testid=transcript]').textContent"


def test_a_hand_resting_below_the_sign_space_types_nothing(shared_data, site, launch, tmp_path):
    held_out = json.loads((ROOT / "models" / "letters.split.json").read_text())
    candidates = {label: [camera_frame(data.load_image(shared_data / p), scale=SIDE / 480) for p in held_out["test"]
                          if p.startswith(f"asl-letters/{label}/")][:8] for label in ("L", "O")}
    frames = frames_read_right("letters", candidates, tmp_path / "candidates")
    photos = {label: centre_square(frame) for label, frame in frames.items()}
    clip = [GREY] * FPS + signed_then_lowered(photos["L"], 6) + signed_then_lowered(photos["O"], 6)
    camera = write_y4m(tmp_path / "lowered.y4m", clip, seconds_each=1 / FPS, fps=FPS)
    page = open_page(launch(camera=str(camera)), site.url + "?model=letters")
    page.evaluate("""() => { window.decidedBy = new Set(); window.guideAsked = false;
        const shown = document.querySelector('[data-testid=recogniser]');
        const preview = document.querySelector('[data-testid=preview]');
        new MutationObserver(() => window.decidedBy.add(shown.textContent))
          .observe(shown, { childList: true, characterData: true, subtree: true });
        new MutationObserver(() => { window.guideAsked ||= preview.dataset.lowered === 'true'
          && getComputedStyle(preview.querySelector('.guide'), '::after').content.includes('raise it'); })
          .observe(preview, { attributes: true }); }""")
    page.click("[data-testid=start]")
    page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=120_000)
    page.wait_for_timeout(round(len(clip) / FPS * 1000) - 1000)  # the clip once, not its loop
    typed = page.evaluate(TRANSCRIPT)
    decided_by = page.evaluate("[...window.decidedBy]")
    print("typed:", repr(typed), "decided by:", decided_by)
    assert typed == "L O ", typed  # a letter resting in view would be typed again at every flicker
    assert "hand lowered" in decided_by
    assert page.evaluate("window.guideAsked")  # the preview asks for the hand to be raised
