"""Hand landmarks and the fused recogniser: Python (MediaPipe in .venv-hands, Keras) against the page."""
import json
import subprocess

import cv2
import keras
import numpy as np
import pytest

from conftest import ROOT, WEB, camera_frame, open_page, write_y4m
from test_page import digits_test_split  # noqa: F401  (fixture)
from training import data
from training.keypoints import decide, normalise

HANDS_PYTHON = ROOT / ".venv-hands" / "bin" / "python"
DIGITS = WEB / "model" / "digits"


@pytest.fixture(scope="module")
def photos(shared_data, tmp_path_factory):
    """A few held-out digit photos per class, with their landmarks from the Python extractor."""
    metadata = json.loads((DIGITS / "metadata.json").read_text())
    paths, labels, _ = data.list_images(shared_data / "sign-digits")
    split = data.split_dataset(paths, labels, seed=metadata["split"]["seed"])
    chosen = [i for c in metadata["labels"] for i in [j for j in split["test"] if labels[j] == c][:3]]
    tree = tmp_path_factory.mktemp("photos")
    for i in chosen:
        (tree / labels[i]).mkdir(exist_ok=True)
        (tree / labels[i] / paths[i].name).symlink_to(paths[i])
    if not HANDS_PYTHON.exists():
        pytest.fail("no .venv-hands: `make test` creates it (MediaPipe for training.landmarks)")
    cache = tree.parent / "landmarks.npz"
    subprocess.run([str(HANDS_PYTHON), "-m", "training.landmarks", "--data", str(tree), "--out", str(cache)],
                   cwd=ROOT, check=True)
    return tree, dict(np.load(cache)), metadata


def browser_results(page, urls):
    return page.evaluate("""async (urls) => {
        const { loadRecogniser } = await import('./recogniser.js');
        const recogniser = await loadRecogniser('model/digits/');
        const out = [];
        for (const url of urls) {
            const bitmap = await createImageBitmap(await (await fetch(url)).blob());
            const canvas = document.createElement('canvas');
            canvas.width = bitmap.width; canvas.height = bitmap.height;
            canvas.getContext('2d').drawImage(bitmap, 0, 0);
            const result = await recogniser.recognise(canvas, { photo: true });
            out.push({ points: result.hand && result.hand.points, label: result.top[0].label });
        }
        return out;
    }""", urls)


def test_browser_landmarks_and_fused_decisions_match_python(photos, site, launch):
    tree, cache, metadata = photos
    assert "keypoints" in metadata, "web/model/digits has no keypoint model: `make train && make convert`"
    site.mount("/photos/", tree)
    page = open_page(launch(), site.url + "?backend=wasm")
    results = browser_results(page, [f"photos/{p}" for p in cache["paths"]])

    found_python = ~np.isnan(cache["points"][:, 0, 0])
    found_browser = np.array([r["points"] is not None for r in results])
    assert found_python.mean() > 0.8 and (found_python == found_browser).mean() >= 0.9
    both = found_python & found_browser
    distances = [np.linalg.norm(cache["points"][i][:, :2] - np.array(results[i]["points"])[:, :2], axis=1).mean()
                 for i in np.flatnonzero(both)]
    print(f"landmarks: {both.sum()} photos, mean point distance {np.mean(distances):.4f} of the image side")
    assert np.mean(distances) < 0.02

    # The fused decision in Python, from Python's landmarks and the shipped models' Keras twins.
    classes = metadata["labels"]
    image_model = keras.models.load_model(ROOT / "models" / "digits.keras", compile=False)
    keypoint_model = keras.models.load_model(ROOT / "models" / "digits.keypoints.keras", compile=False)
    images = np.stack([data.crop_and_resize(data.load_image(tree / p), metadata["input"]["size"]) for p in cache["paths"]])
    image_probs = image_model.predict(images, verbose=0)
    features = np.zeros((len(images), 63), np.float32)
    features[found_python] = normalise(cache["points"][found_python], cache["size"][found_python])
    keypoint_probs = keypoint_model.predict(features, verbose=0)
    python = decide(keypoint_probs, image_probs, found_python, metadata["keypoints"]["fusion_image_weight"], classes)
    python_labels = [classes[i] if i >= 0 else "nothing" for i in python]
    # Where both runtimes took the same path (both found the hand, or both did not) the decision must
    # agree; where the two detectors disagree on finding the hand at all, the paths differ by design.
    same_path = found_python == found_browser
    agree = np.array([p == r["label"] for p, r in zip(python_labels, results)])
    truth = [str(p).split("/")[0] for p in cache["paths"]]
    print(f"fused: Python and browser agree on {agree[same_path].mean():.1%} of {same_path.sum()} photos "
          f"({agree.mean():.1%} of all {len(agree)}); browser accuracy "
          f"{np.mean([t == r['label'] for t, r in zip(truth, results)]):.1%}")
    differ = [(str(cache["paths"][i]), python_labels[i], results[i]["label"], bool(found_python[i]))
              for i in np.flatnonzero(~agree)]
    assert agree[same_path].mean() >= 0.99, f"(photo, Python, browser, Python found a hand): {differ}"


def test_normalisation_is_the_same_in_python_and_the_page(site, launch):
    rng = np.random.default_rng(0)
    points = rng.uniform(0.2, 0.8, (5, 21, 3)).astype(np.float32)
    sizes = np.array([[640, 480], [224, 224], [100, 300], [1920, 1080], [50, 50]])
    page = open_page(launch(), site.url + "?backend=wasm")
    browser = page.evaluate("""async ([points, sizes]) => {
        const { normalise } = await import('./hands.js');
        return points.map((p, i) => Array.from(normalise(p, sizes[i][0], sizes[i][1])));
    }""", [points.tolist(), sizes.tolist()])
    np.testing.assert_allclose(np.array(browser), normalise(points, sizes), atol=1e-5)


@pytest.fixture(scope="module")
def digit_frames(digits_test_split):  # noqa: F811
    """Held-out photos of 1, 3 and 4 the Python image model reads right, as camera frames, and their paths."""
    from test_sign_to_text import held_out_frames

    _, paths, labels = digits_test_split
    photos = {}
    frames = held_out_frames("digits", paths, labels, {"1", "3", "4"}, photos)
    return frames, photos


def small_off_centre(photo, side=280, top=20, left=340):
    """A held-out photo shrunk and put near a corner of a grey 640×480 frame: the image model's
    centre crop barely sees it, the hand tracker still does."""
    frame = np.full((480, 640, 3), 128, np.uint8)
    frame[top:top + side, left:left + side] = cv2.resize(photo, (side, side), interpolation=cv2.INTER_AREA)
    return frame


def test_camera_spells_with_landmarks_on_small_off_centre_hand_and_no_hand(digit_frames, site, launch, tmp_path):
    from test_sign_to_text import GREY, spell_with_camera

    frames, photos = digit_frames
    small = small_off_centre(data.load_image(photos["1"]))
    # 3, then 1 small in a corner, then an empty grey scene (a release that types nothing), then 4.
    sequence = [frames["3"], small, GREY, frames["4"], GREY]  # ends empty: the fake camera may start at the end
    # 3 s a sign: headless Chromium runs MediaPipe's WebGL on the CPU (SwiftShader), ~0.7 s a frame.
    camera = write_y4m(tmp_path / "landmarks.y4m", sequence, seconds_each=3.0, fps=15)
    page = open_page(launch(camera=str(camera)), site.url + "?model=digits")
    assert page.is_checked("[data-testid=landmarks]")
    page.evaluate("""() => { window.deciders = new Set();
        new MutationObserver(() => window.deciders.add(document.querySelector('[data-testid=recogniser]').textContent))
            .observe(document.querySelector('[data-testid=recogniser]'), { childList: true, subtree: true, characterData: true }); }""")
    spell_with_camera(page, "314", timeout_ms=120_000)
    deciders = page.evaluate("[...window.deciders]")
    assert "hand shape + image" in deciders and "no hand" in deciders, deciders
    # The hand's points were drawn over the preview.
    assert page.evaluate("""() => { const c = document.querySelector('[data-testid=hand-overlay]');
        return c.width > 0 && c.getContext('2d').getImageData(0, 0, c.width, c.height).data.some((v) => v > 0); }""")
