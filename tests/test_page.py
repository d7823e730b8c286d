"""The page in real Chromium: the shipped digits model, the fake camera, and what goes wrong."""
import json

import keras
import numpy as np
import pytest

from conftest import ARTIFACTS, ROOT, WEB, camera_frame, open_page, write_y4m
from training import data

DIGITS = WEB / "model" / "digits"


@pytest.fixture(scope="module")
def digits_test_split(shared_data):
    """The shipped digits model's test photos, recomputed from the seed in its metadata."""
    metadata = json.loads((DIGITS / "metadata.json").read_text())
    paths, labels, classes = data.list_images(shared_data / metadata["trained_on"]["dataset"])
    assert classes == metadata["labels"]
    split = data.split_dataset(paths, labels, seed=metadata["split"]["seed"])
    assert len(split["test"]) == metadata["n_test"], "the data changed since the model was trained"
    return metadata, [paths[i] for i in split["test"]], [labels[i] for i in split["test"]]


def test_shipped_digits_model_scores_in_the_browser_what_its_card_says(digits_test_split, shared_data, site, launch):
    metadata, paths, labels = digits_test_split
    site.mount("/data/", shared_data)
    page = open_page(launch(), site.url + "?model=digits&backend=wasm")
    urls = [f"data/{p.relative_to(shared_data)}" for p in paths]
    predictions = page.evaluate("""async (urls) => {
        const out = [];
        for (const url of urls) {
            const bitmap = await createImageBitmap(await (await fetch(url)).blob());
            const probabilities = await window.signcam.classifier.probabilities(bitmap);
            out.push(window.signcam.classifier.labels[probabilities.indexOf(Math.max(...probabilities))]);
        }
        return out;
    }""", urls)
    accuracy = np.mean([p == l for p, l in zip(predictions, labels)])
    print(f"browser accuracy on {len(labels)} held-out photos: {accuracy:.4f} "
          f"(model card: {metadata['test_accuracy']:.4f})")
    assert accuracy >= 0.99
    assert abs(accuracy - metadata["test_accuracy"]) <= 0.005


def camera_photos(paths, labels, per_class=1):
    """Held-out photos, one per digit, that the Python model gets right as the camera will show them."""
    model = keras.models.load_model(ROOT / "models" / "digits.keras")
    chosen = {}
    for path, label in zip(paths, labels):
        if label in chosen:
            continue
        frame = camera_frame(data.load_image(path))
        probabilities = model.predict(data.crop_and_resize(frame, model.input_shape[1])[None], verbose=0)[0]
        if model_labels()[probabilities.argmax()] == label and probabilities.max() > 0.9:
            chosen[label] = frame
    return chosen


def model_labels():
    return json.loads((DIGITS / "metadata.json").read_text())["labels"]


def test_fake_camera_shows_the_right_digit_for_each(digits_test_split, site, launch, tmp_path):
    metadata, paths, labels = digits_test_split
    frames = camera_photos(paths, labels)
    assert sorted(frames) == metadata["labels"], "no usable held-out photo for some digit"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for digit, frame in sorted(frames.items()):
        camera = write_y4m(tmp_path / f"digit-{digit}.y4m", [frame])
        # The image model alone: tests/test_hands.py covers the hand tracker.
        page = open_page(launch(camera=str(camera)), site.url + "?model=digits&landmarks=off")
        page.click("[data-testid=start]")
        page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=60_000)
        page.wait_for_function(
            f"() => document.querySelector('[data-testid=prediction]').textContent === {json.dumps(digit)}",
            timeout=20_000)
        assert page.locator("#top li").count() == 3
        assert page.text_content("[data-testid=backend]") != "–"
        assert "ms/frame" in page.text_content("[data-testid=timing]")
        if digit == "5":
            page.screenshot(path=ARTIFACTS / "page.png")
        page.close()


def test_missing_model_is_explained_in_the_page(site, launch):
    page = open_page(launch(), site.url + "?model=no-such-model")
    status = page.text_content("[data-testid=status]")
    assert 'The "no-such-model" model could not be loaded' in status and "metadata.json" in status
    assert page.is_disabled("[data-testid=start]")


@pytest.mark.parametrize("error, words", [("NotAllowedError", "denied"), ("NotFoundError", "No camera")])
def test_camera_problems_are_explained_and_start_works_again(site, launch, error, words):
    # The browser's own refusal, as getUserMedia reports it when the user says no or has no camera.
    refuse = f"""
        window.cameraRequests = 0;
        navigator.mediaDevices.getUserMedia = async () => {{
            window.cameraRequests++;
            throw new DOMException('refused', '{error}');
        }};"""
    page = open_page(launch(), site.url, init_script=refuse)
    page.click("[data-testid=start]")
    page.wait_for_function("() => document.querySelector('[data-testid=status]').classList.contains('error')")
    assert words in page.text_content("[data-testid=status]")
    assert page.is_enabled("[data-testid=start]")
    page.click("[data-testid=start]")
    page.wait_for_function("() => window.cameraRequests === 2")
