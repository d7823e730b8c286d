"""J and Z drawn in the air, through the fake camera: a held-out photo of the I handshape moved along
a J's path types J (in the place of the I it started from), one of a pointing index (D) moved along
a Z's path types Z; the I held still, or moved straight down, stays I. The path matcher itself:
tests/js/motion.test.js."""
import json

import numpy as np
import pytest

from conftest import ROOT, camera_frame, frames_read_right, open_page, write_y4m
from training import data

GREY = np.full((480, 640, 3), 128, np.uint8)
FPS = 15
SIDE = 200  # the photo's side in the frame, so that it has room to move
TRANSCRIPT = "() => document.querySelector('[data-testid=transcript]').textContent"


@pytest.fixture(scope="module")
def photos(shared_data, tmp_path_factory):
    """asl-letters test photos of I and D (a pointing index: what draws a Z), at SIDE pixels, that the
    shipped recogniser reads right."""
    held_out = json.loads((ROOT / "models" / "letters.split.json").read_text())
    candidates = {label: [camera_frame(data.load_image(shared_data / p), scale=SIDE / 480) for p in held_out["test"]
                          if p.startswith(f"asl-letters/{label}/")][:8] for label in ("I", "D")}
    frames = frames_read_right("letters", candidates, tmp_path_factory.mktemp("candidates"))
    top, left = (480 - SIDE) // 2, (640 - SIDE) // 2
    return {label: frame[top:top + SIDE, left:left + SIDE] for label, frame in frames.items()}


def placed(photo, x, y):
    """The photo centred at (x, y) in a grey frame."""
    frame = GREY.copy()
    left, top = int(round(x - SIDE / 2)), int(round(y - SIDE / 2))
    frame[top:top + SIDE, left:left + SIDE] = photo
    return frame


def video(path, photo, points):
    """1.5 s of empty scene, the photo at each point for a frame (15 a second), held at the last for
    1.5 s, then an empty scene again."""
    frames = [GREY] * 22 + [placed(photo, x, y) for x, y in points] + [placed(photo, *points[-1])] * 22 + [GREY] * 8
    return write_y4m(path, frames, seconds_each=1 / FPS, fps=FPS)


# A J as the camera sees a right hand draw it: down, then hooking to the camera's right and up.
J_PATH = [(320, 140 + 12 * i) for i in range(10)] + [(335, 262), (355, 275), (378, 278), (398, 268), (410, 252)]
# A Z as the camera sees it: right to left, diagonally down to the right, right to left (20 frames).
Z_PATH = ([(400 - 25 * i, 130) for i in range(6)] + [(275 + 25 * i, 130 + 26 * i) for i in range(1, 7)]
          + [(425 - 25 * i, 286) for i in range(1, 7)])


def test_a_j_or_z_drawn_is_typed_and_an_i_held_still_or_moved_straight_stays_i(photos, site, launch, tmp_path):
    still = [(320, 140)] * 12
    typed = {}
    for name, photo, points in [("j", photos["I"], still + J_PATH), ("still", photos["I"], still * 3),
                                ("down", photos["I"], still + [(320, 140 + 10 * i) for i in range(15)]),
                                ("z", photos["D"], [(400, 130)] * 12 + Z_PATH)]:
        camera = video(tmp_path / f"{name}.y4m", photo, points)
        page = open_page(launch(camera=str(camera)), site.url + "?model=letters")
        page.click("[data-testid=start]")
        # Until the scene has been empty again after the hand (the file then loops).
        page.wait_for_function(f"() => ({TRANSCRIPT})().length > 0", timeout=120_000)
        page.wait_for_timeout(4000)
        typed[name] = page.evaluate(TRANSCRIPT)
        page.click("[data-testid=start]")
        page.close()
    print("typed:", typed)
    assert typed["j"].startswith("J"), typed
    assert typed["still"].startswith("I") and "J" not in typed["still"], typed
    assert "J" not in typed["down"], typed
    assert typed["z"].startswith("Z"), typed  # in the place of the D the pointing hand first read as
