"""When things go wrong in the page: leaks over many frames, broken model folders, a camera that
goes away, a GPU that goes away. Real Chromium, the shipped digits model, the fake camera."""
import json
import shutil

import pytest

from conftest import WEB, camera_frame, open_page, write_y4m
from training import data
from training.browser import launch as launch_chromium

DIGITS = WEB / "model" / "digits"


@pytest.fixture(scope="module")
def camera(shared_data, tmp_path_factory):
    """A fake-camera clip of one real photo of the digit 5 (any steady picture would do)."""
    photo = sorted((shared_data / "sign-digits" / "5").iterdir())[0]
    return str(write_y4m(tmp_path_factory.mktemp("camera") / "five.y4m", [camera_frame(data.load_image(photo))]))


@pytest.fixture(scope="module")
def browser(playwright):
    """One Chromium for the tests that need no camera: each opens its own page (fresh context)."""
    chromium = launch_chromium(playwright)
    yield chromium
    chromium.close()


def status(page):
    return page.text_content("[data-testid=status]")


def wait_for_prediction(page, timeout_ms=60_000):
    """Forget the last prediction, then wait for the loop to put a new one on screen."""
    page.evaluate("() => { delete document.body.dataset.ready; }")
    page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=timeout_ms)
    return page.text_content("[data-testid=prediction]")


def test_a_thousand_frames_leave_no_tensor_behind(site, browser):
    page = open_page(browser, site.url + "?backend=wasm&model=digits&landmarks=off")
    # Frames of changing content go through recognise(), the call the live loop makes per frame.
    # A small canvas keeps this quick; the crop, resize and model are the same for any size.
    result = page.evaluate("""async (n) => {
        const recogniser = window.signcam.recogniser;
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 240;
        const context = canvas.getContext('2d', { willReadFrequently: true });
        const frame = (i) => {
            context.fillStyle = `hsl(${i % 360} 60% 50%)`;
            context.fillRect(0, 0, 320, 240);
            context.fillStyle = '#fff';
            context.fillRect(i % 300, 40, 20, 160);
            return recogniser.recognise(canvas, { topk: 3 });
        };
        for (let i = 0; i < 5; i++) await frame(i); // kernels and pools settle first
        const before = tf.memory();
        let peak = before.numBytes;
        let predictions = 0;
        for (let i = 0; i < n; i++) {
            predictions += (await frame(i)).top.length === 3;
            peak = Math.max(peak, tf.memory().numBytes);
        }
        const after = tf.memory();
        return { tensors: [before.numTensors, after.numTensors], bytes: [before.numBytes, after.numBytes],
                 peak, predictions, backend: tf.getBackend() };
    }""", 1000)
    page.context.close()
    print(result)
    assert result["backend"] == "wasm" and result["predictions"] == 1000
    assert abs(result["tensors"][1] - result["tensors"][0]) <= 2
    # Read between frames, memory never grew: nothing of a frame outlives it.
    assert result["peak"] - result["bytes"][0] <= 64 * 1024


def broken_copy(tmp_path, how):
    """A copy of the shipped digits folder, broken one way."""
    folder = tmp_path / how
    shutil.copytree(DIGITS, folder)
    model_json = folder / "model.json"
    shard = folder / json.loads(model_json.read_text())["weightsManifest"][0]["paths"][0]
    metadata = json.loads((folder / "metadata.json").read_text())
    if how == "corrupt-model-json":
        model_json.write_text(model_json.read_text()[:500])
    elif how == "missing-shard":
        shard.unlink()
    elif how == "truncated-shard":
        shard.write_bytes(shard.read_bytes()[:1000])
    elif how == "labels-mismatch":
        metadata["labels"] = metadata["labels"][:9]
        (folder / "metadata.json").write_text(json.dumps(metadata))
    elif how == "corrupt-metadata":
        (folder / "metadata.json").write_text("{ not json")
    return folder


@pytest.mark.parametrize("how, words", [
    ("missing-folder", ["metadata.json", "missing"]),
    ("corrupt-metadata", ["metadata.json", "not valid JSON"]),
    ("corrupt-model-json", ["model.json"]),
    ("missing-shard", ["group1-shard1of1.bin", "404"]),
    ("truncated-shard", ["group1-shard1of1.bin"]),
    ("labels-mismatch", ["outputs 10 classes", "9 labels"]),
])
def test_a_broken_model_folder_is_explained_in_the_page(site, browser, tmp_path, how, words):
    if how != "missing-folder":
        site.mount(f"/model/{how}/", broken_copy(tmp_path, how))
    page = open_page(browser, site.url + f"?backend=wasm&model={how}")
    message = status(page)
    print(message)
    assert f'The "{how}" model could not be loaded' in message
    for word in words:
        assert word in message
    assert page.is_disabled("[data-testid=start]")
    page.context.close()


def test_camera_unplugged_mid_stream_is_explained_and_start_works_again(site, launch, camera):
    # Keep each stream the page opens, so the test can end its track as unplugging a camera does.
    # (track.stop() alone fires no 'ended' event: only the browser ending the source does.)
    keep_streams = """
        window.streams = [];
        const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
        navigator.mediaDevices.getUserMedia = async (constraints) => {
            const stream = await getUserMedia(constraints);
            window.streams.push(stream);
            return stream;
        };"""
    page = open_page(launch(camera=camera), site.url + "?backend=wasm&model=digits&landmarks=off", init_script=keep_streams)
    page.click("[data-testid=start]")
    assert wait_for_prediction(page) == "5"
    # Frames through the real loop leave the tensor count where it was, too.
    page.evaluate("""() => {
        window.framesSeen = 0;
        const recogniser = window.signcam.recogniser;
        const recognise = recogniser.recognise.bind(recogniser);
        recogniser.recognise = (...args) => { window.framesSeen++; return recognise(...args); };
        window.tensorsAtStart = tf.memory().numTensors;
    }""")
    page.wait_for_function("() => window.framesSeen >= 30", timeout=60_000)
    assert abs(page.evaluate("() => tf.memory().numTensors - window.tensorsAtStart")) <= 2

    page.evaluate("""() => {
        const track = window.streams.at(-1).getVideoTracks()[0];
        track.stop();
        track.dispatchEvent(new Event('ended'));
    }""")
    page.wait_for_function("() => document.querySelector('[data-testid=status]').classList.contains('error')")
    assert "camera stopped" in status(page) and "Start camera" in status(page)
    assert page.text_content("[data-testid=start]") == "Start camera" and page.is_enabled("[data-testid=start]")
    frames = page.evaluate("() => window.framesSeen")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.framesSeen") == frames, "the loop went on without a camera"

    page.click("[data-testid=start]")
    assert wait_for_prediction(page) == "5"
    assert page.evaluate("() => window.streams.length") == 2
    assert page.text_content("[data-testid=start]") == "Stop camera"


def test_webgl_context_lost_switches_to_wasm_and_keeps_predicting(site, launch, camera):
    page = open_page(launch(camera=camera), site.url + "?backend=webgl&model=digits&landmarks=off", timeout_ms=120_000)
    assert page.evaluate("() => tf.getBackend()") == "webgl"
    page.click("[data-testid=start]")
    before = wait_for_prediction(page, timeout_ms=120_000)
    page.evaluate("() => tf.backend().gpgpu.gl.getExtension('WEBGL_lose_context').loseContext()")
    page.wait_for_function("() => tf.getBackend() === 'wasm'", timeout=60_000)
    assert wait_for_prediction(page) == before == "5"
    assert "WebGL context was lost" in page.text_content("[data-testid=backend]")
    assert "error" not in page.get_attribute("[data-testid=status]", "class")
    assert page.evaluate("() => window.signcam.backend") == "wasm"
