"""Shared fixtures: where the data is, a local web server for web/, and Chromium with a fake camera."""
import os
from pathlib import Path

import cv2
import pytest

from training.browser import CHROMIUM, Site, camera_args, camera_frame, write_y4m  # noqa: F401 (tests import them from here)
from training.browser import launch as launch_chromium

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
ARTIFACTS = ROOT / "runs" / "test-artifacts"  # screenshots and logs a test run leaves behind


@pytest.fixture(scope="session")
def shared_data():
    """The datasets folder (SIGNCAM_DATA, default ../shared/data). Missing data fails, never skips."""
    data = Path(os.environ.get("SIGNCAM_DATA", ROOT.parent / "shared" / "data")).resolve()  # symlinks to it work anywhere
    if not (data / "sign-digits").is_dir():
        pytest.fail(f"no sign-digits/ in SIGNCAM_DATA={data}: point SIGNCAM_DATA at the shared datasets "
                    "(../shared/data beside the repo)")
    if not Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser().joinpath("models").is_dir():
        pytest.fail("KERAS_HOME has no models/ folder: point it at ../shared/keras for the ImageNet weights")
    return data


@pytest.fixture(scope="session")
def site():
    if not (WEB / "vendor" / "tf.min.js").is_file():
        pytest.fail("web/vendor/ is empty: run the tests through `make test`, which copies TF.js there")
    served = Site()
    yield served
    served.close()


@pytest.fixture(scope="module")  # not the session: `evaluate --browser` starts its own, which cannot run inside one
def playwright():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    with sync_playwright() as p:
        yield p


@pytest.fixture
def launch(playwright):
    """launch(camera=None) -> a Chromium browser; camera is a .y4m file played as the webcam."""
    browsers = []

    def _launch(camera=None):
        launched = launch_chromium(playwright, camera_args(camera) if camera else ())
        browsers.append(launched)
        return launched

    yield _launch
    for browser in browsers:
        browser.close()


def open_page(browser, url, init_script=None, timeout_ms=60_000):
    """Open url and return the page once the model is loaded (Start enabled) or an error is shown."""
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    if init_script:
        context.add_init_script(init_script)
    page = context.new_page()
    page.console_messages = []
    page.on("console", lambda message: page.console_messages.append(message.text))
    page.on("pageerror", lambda error: page.console_messages.append(f"pageerror: {error}"))
    page.goto(url)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=start]').disabled"
        " || document.querySelector('[data-testid=status]').classList.contains('error')",
        timeout=timeout_ms)
    return page


@pytest.fixture(scope="session")
def smoke_model(shared_data, tmp_path_factory):
    """A model trained for a few steps on 60 real digit photos, then converted: (run dir, web dir)."""
    from training import export, train

    runs = tmp_path_factory.mktemp("runs")
    train.main(["--data", str(shared_data / "sign-digits"), "--name", "smoke", "--runs", str(runs),
                "--limit-per-class", "6", "--head-epochs", "2", "--fine-tune-epochs", "1",
                "--fine-tune-from", "block_16_expand", "--batch-size", "16"])
    web_models = tmp_path_factory.mktemp("web-model")
    export.export("smoke", runs=runs, out=web_models, keras_copy=None)
    return runs / "smoke", web_models / "smoke"


def frames_read_right(model_name, candidates, folder):
    """{label: the first of its candidate camera frames (RGB) that the Python recogniser as shipped reads
    right}: MediaPipe (in .venv-hands) finds the hand (none for `nothing`), the keypoint model is sure
    of it (> 0.9), and the fusion with the image model decides as the page does (training.evaluate's
    Python path). candidates: {label: [frames]}."""
    from training import evaluate

    for label, frames in candidates.items():
        (folder / label).mkdir(parents=True, exist_ok=True)
        for i, frame in enumerate(frames):
            cv2.imwrite(str(folder / label / f"{i:03d}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    paths = sorted(folder.glob("*/*.png"))
    recogniser = evaluate.Recogniser(WEB / "model" / model_name)
    predicted = evaluate.python_predictions(recogniser, paths, folder)
    chosen = {}
    for path, fused, keypoint, confidence in zip(paths, predicted["fused"], predicted["keypoints"],
                                                 predicted["keypoint_confidence"]):
        label = path.parent.name
        sure = confidence > 0.9 if keypoint >= 0 else label == "nothing"  # no hand: only for nothing
        if label not in chosen and sure and fused >= 0 and recogniser.labels[fused] == label:
            chosen[label] = candidates[label][int(path.stem)]
    missing = set(candidates) - set(chosen)
    assert not missing, f"no candidate frame read right by the {model_name} recogniser for {sorted(missing)}"
    return chosen
