"""Hand landmarks and the fused recogniser: Python (MediaPipe in .venv-hands, Keras) against the page."""
import json

import cv2
import numpy as np
import pytest

from conftest import ROOT, WEB, camera_frame, frames_read_right, open_page
from test_page import digits_test_split  # noqa: F401  (a fixture: the digits model's held-out photos)
from training import data, evaluate
from training.keypoints import combine_readings, fuse, load_model, normalise
from training.landmarks import cache_name, extract_in_hands_venv

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
    # Named as `make landmarks` names caches, so that training.evaluate finds it beside the tree.
    return tree, extract_in_hands_venv(tree, tree.parent / f"{cache_name(tree)}.npz"), metadata


# A photo's URL -> a canvas of it, as the page's Photo button makes one (in the page scripts below).
CANVAS_OF = """const canvasOf = async (url) => {
    const bitmap = await createImageBitmap(await (await fetch(url)).blob());
    const canvas = document.createElement('canvas');
    canvas.width = bitmap.width; canvas.height = bitmap.height;
    canvas.getContext('2d').drawImage(bitmap, 0, 0);
    return canvas;
};"""


def browser_results(page, urls):
    return page.evaluate("""async (urls) => {
        """ + CANVAS_OF + """
        const { loadRecogniser } = await import('./recogniser.js');
        const recogniser = await loadRecogniser('model/digits/');
        const out = [];
        for (const url of urls) {
            const canvas = await canvasOf(url);
            const result = await recogniser.recognise(canvas, { photo: true });
            out.push({ points: result.hand && result.hand.points, readings: result.hand ? result.hand.readings : [null, null],
                       label: result.top[0].label, square: result.square, imageLabel: result.imageLabel });
        }
        return out;
    }""", urls)


def test_browser_landmarks_and_fused_decisions_match_python(photos, site, launch):
    tree, cache, metadata = photos
    assert "keypoints" in metadata, "web/model/digits has no keypoint model: `make train && make convert`"
    site.mount("/photos/", tree)
    page = open_page(launch(), site.url + "?backend=wasm")
    results = browser_results(page, [f"photos/{p}" for p in cache["paths"]])

    # Each photo is read twice (training.landmarks.read_photo, hands.js detectPhoto): both readings agree.
    for reading, key in enumerate(("points", "room_points")):
        found_python = ~np.isnan(cache[key][:, 0, 0])
        found_browser = np.array([r["readings"][reading] is not None for r in results])
        assert found_python.mean() > 0.8 and (found_python == found_browser).mean() >= 0.9, key
        both = found_python & found_browser
        distances = [np.linalg.norm(cache[key][i][:, :2] - np.array(results[i]["readings"][reading])[:, :2], axis=1).mean()
                     for i in np.flatnonzero(both)]
        print(f"landmarks, {key}: {both.sum()} photos, mean point distance {np.mean(distances):.4f} of the image side")
        assert np.mean(distances) < 0.02, key
    # The hand the page draws and squares is the first reading that found one.
    first = [r["readings"][0] if r["readings"][0] is not None else r["readings"][1] for r in results]
    assert all(f == r["points"] for f, r in zip(first, results))
    found_python = ~np.isnan(cache["points"][:, 0, 0]) | ~np.isnan(cache["room_points"][:, 0, 0])
    found_browser = np.array([r["points"] is not None for r in results])

    # The fused decision in Python (training.evaluate), from the same landmarks and the Keras twins.
    recogniser = evaluate.Recogniser(DIGITS)
    python = evaluate.python_predictions(recogniser, [tree / p for p in cache["paths"]], tree, landmarks_dir=tree.parent)
    python_labels = [recogniser.labels[i] if i >= 0 else "nothing" for i in python["fused"]]
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


def test_the_tracker_runs_in_a_worker_and_finds_the_hands_it_finds_on_the_page(photos, site, launch):
    """The page runs MediaPipe in a worker (hands-worker.js) so that its main thread stays free; it must
    find what MediaPipe on the main thread finds. A browser without OffscreenCanvas gets the page's."""
    tree, cache, _ = photos
    site.mount("/photos/", tree)
    urls = [f"photos/{p}" for p in cache["paths"]]
    detect = """async ([urls, worker]) => {
        """ + CANVAS_OF + """
        const { createHandTracker } = await import('./hands.js');
        const tracker = await createHandTracker(undefined, { worker });
        const out = [];
        for (const url of urls) {
            const canvas = await canvasOf(url);
            const photo = await tracker.detectPhoto(canvas);
            const frame = await tracker.detect(canvas); // a video frame: tracking, as the live loop reads
            out.push({ photo: photo ? photo.readings : null, frame: frame && frame.points });
        }
        return { inWorker: tracker.inWorker, out };
    }"""
    browser = launch()  # (the page's own tracker, which the first call starts, is shared: ?tracker= sets it)
    in_worker = open_page(browser, site.url + "?backend=wasm").evaluate(detect, [urls, True])
    on_page = open_page(browser, site.url + "?backend=wasm&tracker=page").evaluate(detect, [urls, False])
    no_offscreen = open_page(browser, site.url + "?backend=wasm", init_script="delete window.OffscreenCanvas;")
    fallback = no_offscreen.evaluate(detect, [urls[:3], True])
    assert in_worker["inWorker"] and not on_page["inWorker"] and not fallback["inWorker"]
    assert sum(r["photo"] is not None for r in in_worker["out"]) >= 0.8 * len(urls)
    for worker, page in zip(in_worker["out"], on_page["out"]):
        for key in ("photo", "frame"):
            assert (worker[key] is None) == (page[key] is None), key
        for a, b in [(worker["frame"], page["frame"])] + list(zip(worker["photo"] or [], page["photo"] or [])):
            assert (a is None) == (b is None)
            if a is not None:
                assert np.abs(np.array(a) - np.array(b)).max() < 1e-4
    assert [r["photo"] is not None for r in fallback["out"]] == [r["photo"] is not None for r in on_page["out"][:3]]


def test_fusion_is_the_same_in_python_and_the_page(site, launch):
    rng = np.random.default_rng(0)
    keypoint_probs, image_probs = rng.dirichlet(np.full(29, 0.2), (2, 20))  # peaked, like real outputs
    keypoint_probs[0, 3] = 0  # a class one model rules out entirely
    weights = [0.0, 0.25, 0.5] * 6 + [0.1, 0.45]
    page = open_page(launch(), site.url + "?backend=wasm")
    browser = page.evaluate("""async ([keypoints, image, weights]) => {
        const { fuse } = await import('./recogniser.js');
        return keypoints.map((k, i) => fuse(k, image[i], weights[i]));
    }""", [keypoint_probs.tolist(), image_probs.tolist(), weights])
    python = np.stack([fuse(k[None], i[None], w)[0] for k, i, w in zip(keypoint_probs, image_probs, weights)])
    np.testing.assert_allclose(np.array(browser), python, atol=1e-6)
    assert (python.argmax(1) != (keypoint_probs + np.array(weights)[:, None] * image_probs).argmax(1)).any(), \
        "these inputs no longer tell a product from a sum"


def test_a_photo_read_twice_is_combined_the_same_in_python_and_the_page(site, launch):
    rng = np.random.default_rng(1)
    as_is, room = rng.dirichlet(np.full(29, 0.2), (2, 12)).astype(np.float32)
    found_as_is = np.array([True] * 8 + [False] * 4)
    found_room = np.array([True] * 4 + [False] * 4 + [True] * 4)
    page = open_page(launch(), site.url + "?backend=wasm")
    browser = page.evaluate("""async ([asIs, room, foundAsIs, foundRoom]) => {
        const { combineReadings } = await import('./recogniser.js');
        return asIs.map((a, i) => Array.from(combineReadings([foundAsIs[i] ? a : null, foundRoom[i] ? room[i] : null].filter(Boolean))));
    }""", [as_is.tolist(), room.tolist(), found_as_is.tolist(), found_room.tolist()])
    python, _ = combine_readings(as_is, found_as_is, room, found_room)
    np.testing.assert_allclose(np.array(browser), python, atol=1e-6)
    assert (python[:4].argmax(1) != as_is[:4].argmax(1)).any(), "these inputs no longer tell the readings apart"


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



def test_the_hand_square_is_the_same_in_python_and_the_page(site, launch):
    rng = np.random.default_rng(2)
    hands = []
    for centre, spread in [(0.5, 0.05), (0.5, 0.3), (0.97, 0.05), (0.03, 0.1), (0.5, 0.2), (0.3, 0.12)]:
        hands.append(rng.normal(centre, spread / 3, (21, 3)))  # small, large, at the edges
    sizes = [[640, 480], [480, 640], [640, 480], [224, 224], [1920, 1080], [100, 100]]
    page = open_page(launch(), site.url + "?backend=wasm")
    browser = page.evaluate("""async ([hands, sizes]) => {
        const { handSquare } = await import('./classifier.js');
        return hands.map((points, i) => handSquare(points, ...sizes[i])).concat([handSquare(null, 640, 480)]);
    }""", [[h.tolist() for h in hands], sizes])
    python = [list(data.hand_square(h, *size)) for h, size in zip(hands, sizes)] + [list(data.hand_square(None, 640, 480))]
    assert browser == python
    zoomed = [square[2] < min(size) for square, size in zip(python, sizes)]
    assert any(zoomed) and not all(zoomed), "these hands no longer test both the zoomed and the centre square"


def test_a_hand_far_from_the_camera_is_read_from_the_square_around_it(photos, site, launch, tmp_path):
    """A hand at a third of the frame's height (a phone at arm's length): the image model reads the
    square around it (data.hand_square), far better than the centre square; the page does the same."""
    tree, _, _ = photos
    far = tmp_path / "far"
    for path in sorted(tree.glob("*/*")):
        (far / path.parent.name).mkdir(parents=True, exist_ok=True)
        frame = camera_frame(data.load_image(path), scale=0.35)
        cv2.imwrite(str(far / path.parent.name / f"{path.stem}.png"), frame[:, :, ::-1])
    cache = extract_in_hands_venv(far, tmp_path / f"{cache_name(far)}.npz")
    found = ~np.isnan(cache["points"][:, 0, 0])
    assert found.mean() > 0.8
    recogniser = evaluate.Recogniser(DIGITS)
    paths, size = [far / p for p in cache["paths"]], recogniser.image.input_shape[1]
    truth = np.array([recogniser.labels.index(str(p).split("/")[0]) for p in cache["paths"]])

    def image_reading(hands):
        images, _ = data.read_images(paths, size, hands=hands)
        return recogniser.image.predict(images.astype("float32"), verbose=0).argmax(1)

    centre, around_hand = image_reading(None), image_reading(cache["points"])
    print(f"image model on {len(paths)} hands at 0.35 of the frame: centre square {np.mean(centre == truth):.0%}, "
          f"square around the hand {np.mean(around_hand == truth):.0%}")
    assert np.mean(around_hand == truth) >= np.mean(centre == truth) + 0.2

    site.mount("/far/", far)
    page = open_page(launch(), site.url + "?backend=wasm")
    results = browser_results(page, [f"far/{p}" for p in cache["paths"]])
    both = [i for i in np.flatnonzero(found) if results[i]["points"] is not None]
    # The two detectors' points differ a little, so do the squares; the image model's reading hardly.
    differences = [np.abs(np.subtract(results[i]["square"], data.hand_square(cache["points"][i], 640, 480))).max()
                   / results[i]["square"][2] for i in both]
    assert np.median(differences) <= 0.05, differences
    agree = np.mean([recogniser.labels[around_hand[i]] == results[i]["imageLabel"] for i in both])
    assert len(both) >= 0.8 * len(paths) and agree >= 0.9, agree


@pytest.mark.parametrize("name", ["digits", "letters"])
def test_the_page_keypoint_model_gives_the_keras_twins_probabilities(name, photos, site, launch):
    # The keypoint model computes its hand-shape features (joint angles, fingertip distances:
    # keypoints.HandShape) inside the graph, so the page must reproduce them from the same landmarks.
    _, cache, _ = photos
    found = ~np.isnan(cache["points"][:, 0, 0])
    features = normalise(cache["points"][found], cache["size"][found])
    metadata = json.loads((WEB / "model" / name / "metadata.json").read_text())
    page = open_page(launch(), site.url + "?backend=wasm")
    browser = page.evaluate("""async ([url, features]) => {
        const model = await tf.loadGraphModel(url);
        return Array.from(await model.predict(tf.tensor2d(features)).data());
    }""", [f"model/{name}/{metadata['keypoints']['model']}", features.tolist()])
    keras_probs = load_model(ROOT / "models" / f"{name}.keypoints.keras").predict(features, verbose=0)
    np.testing.assert_allclose(np.array(browser).reshape(keras_probs.shape), keras_probs, atol=2e-2)
    assert (np.array(browser).reshape(keras_probs.shape).argmax(1) == keras_probs.argmax(1)).mean() >= 0.95


def test_the_retry_border_is_the_same_in_python_and_the_page(site, launch):
    # A photo where no hand is found is tried again with its edge pixels repeated outwards: the
    # page's canvas version must give np.pad(mode="edge")'s pixels, or the two runtimes see different photos.
    from training.landmarks import RETRY_PADDING

    image = np.random.default_rng(1).integers(0, 256, (30, 41, 3), dtype=np.uint8)
    pad_y, pad_x = int(30 * RETRY_PADDING), int(41 * RETRY_PADDING)
    page = open_page(launch(), site.url + "?backend=wasm")
    browser = page.evaluate("""async ([pixels, height, width, padX, padY]) => {
        const { padWithEdges } = await import('./hands.js');
        const canvas = document.createElement('canvas');
        canvas.width = width; canvas.height = height;
        const rgba = new Uint8ClampedArray(width * height * 4);
        pixels.forEach((v, i) => { rgba[Math.floor(i / 3) * 4 + (i % 3)] = v; rgba[Math.floor(i / 3) * 4 + 3] = 255; });
        canvas.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
        const padded = padWithEdges(canvas, padX, padY);
        const out = padded.getContext('2d').getImageData(0, 0, padded.width, padded.height).data;
        return Array.from(out).filter((_, i) => i % 4 !== 3);
    }""", [image.ravel().tolist(), 30, 41, pad_x, pad_y])
    expected = np.pad(image, ((pad_y, pad_y), (pad_x, pad_x), (0, 0)), mode="edge")
    np.testing.assert_array_equal(np.array(browser, np.uint8).reshape(expected.shape), expected)

GREY = np.full((480, 640, 3), 128, np.uint8)
SMALL_SIDE, MARGIN = 240, 24  # the hand's photo: 240 px in the lower-right corner of 640×480


def small_off_centre(photo_rgb):
    """The photo shrunk into the lower-right corner: mostly outside the frame's centre square."""
    frame = GREY.copy()
    top, left = 480 - SMALL_SIDE - MARGIN, 640 - SMALL_SIDE - MARGIN
    frame[top:top + SMALL_SIDE, left:left + SMALL_SIDE] = cv2.resize(photo_rgb, (SMALL_SIDE, SMALL_SIDE),
                                                                    interpolation=cv2.INTER_AREA)
    return frame


@pytest.fixture(scope="module")
def camera_scenes(digits_test_split, tmp_path_factory):  # noqa: F811
    """{'3': a held-out 3 filling the frame, '7': a held-out 7 small and off-centre}: the first held-out
    photos that the Python recogniser (MediaPipe + the shipped Keras twins, fused) reads right as framed."""
    _, paths, labels = digits_test_split
    framings = {"3": camera_frame, "7": small_off_centre}
    candidates = {label: [frame_of(data.load_image(p)) for p, l in zip(paths, labels) if l == label][:8]
                  for label, frame_of in framings.items()}
    return frames_read_right("digits", candidates, tmp_path_factory.mktemp("scenes") / "scenes")


def test_camera_with_landmarks_on_types_a_small_off_centre_hand_and_nothing_for_an_empty_scene(
        camera_scenes, site, launch, tmp_path):
    # Empty grey scene (no hand: nothing may be typed), a 3 filling the frame, empty again (a release),
    # a 7 small in the corner, where the centre square holds almost none of it: the hand tracker, which
    # looks at the whole frame, finds it, and the image model reads the square around it (data.hand_square).
    # 4–6 s a scene: headless Chromium
    # runs MediaPipe on the CPU here (~0.05 s a frame), a phone's GPU in milliseconds.
    scenes = [(GREY, 4), (camera_scenes["3"], 5), (GREY, 3), (camera_scenes["7"], 6), (GREY, 4)]
    fps = 5
    with open(tmp_path / "scenes.y4m", "wb") as f:
        f.write(f"YUV4MPEG2 W640 H480 F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame, seconds in scenes:
            yuv = cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420).tobytes()
            f.write((b"FRAME\n" + yuv) * (seconds * fps))
    page = open_page(launch(camera=str(tmp_path / "scenes.y4m")), site.url + "?model=digits")
    page.evaluate("""() => {
        window.shown = [];
        new MutationObserver(() => window.shown.push({
            label: document.querySelector('[data-testid=prediction]').textContent,
            by: document.querySelector('[data-testid=recogniser]').textContent,
            text: document.querySelector('[data-testid=transcript]').textContent,
        })).observe(document.querySelector('[data-testid=confidence]'), { childList: true, characterData: true, subtree: true });
    }""")
    page.click("[data-testid=start]")
    try:
        page.wait_for_function("() => document.querySelector('[data-testid=transcript]').textContent === '37'",
                               timeout=150_000)
    finally:
        shown = page.evaluate("window.shown")
        print(f"{len(shown)} frames; decided by: {sorted({s['by'] for s in shown})}; last: {shown[-8:]}")
    first_3 = next(i for i, s in enumerate(shown) if s["label"] == "3")
    assert first_3 > 0 and all(s["text"] == "" for s in shown[:first_3]), "typed something with no hand in view"
    assert any(s["label"] == "7" and s["by"] == "hand shape + image" for s in shown)
    assert any(s["by"] == "no hand" for s in shown), "the empty scene should have been seen as no hand"
