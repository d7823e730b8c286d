"""Run the page's own code in headless Chromium: a local static server for web/, the launch flags, and
fake-camera clips (y4m) of photos.

Used by `training.evaluate --browser`, the benchmark and the tests, so that what is measured is
what users run. Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM), driven by Playwright.
"""
import functools
import os
import threading
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# No network here: Chromium's background services would only fail. SwiftShader is WebGL's
# software renderer where there is no GPU; do not add --use-angle=swiftshader (colours shift).
CHROMIUM_ARGS = [
    "--no-sandbox", "--enable-unsafe-swiftshader", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]


def camera_args(y4m):
    """Flags that make a y4m file the webcam, with permission granted."""
    return ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={y4m}"]


class Site:
    """A static server for web/ on a free loopback port, with extra folders mounted at URL prefixes."""

    def __init__(self, root=WEB):
        self.mounts = {}
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def translate_path(self, path):
                url_path = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
                for prefix, folder in site.mounts.items():
                    if url_path.startswith(prefix):
                        return str(Path(folder) / url_path[len(prefix):])
                return super().translate_path(path)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.server.server_port}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def mount(self, prefix, folder):
        self.mounts[prefix] = folder

    def close(self):
        self.server.shutdown()


def launch(playwright, extra_args=()):
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"no Chromium at {CHROMIUM}: `make test` installs it (apt-get install chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + list(extra_args), headless=True)


def write_y4m(path, frames_rgb, seconds_each=2.0, fps=30):
    """Write RGB frames (H×W×3 uint8, even sides) as a 4:2:0 y4m file for Chromium's fake camera."""
    import cv2
    import numpy as np

    height, width = frames_rgb[0].shape[:2]
    with open(path, "wb") as f:
        f.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames_rgb:
            yuv = cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2YUV_I420).tobytes()
            for _ in range(int(seconds_each * fps)):
                f.write(b"FRAME\n" + yuv)
    return path


def camera_frame(photo_rgb, width=640, height=480, scale=1.0):
    """Put a photo in the middle of a grey camera frame, filling the square the page crops (or scale
    of its side: a hand further from the camera)."""
    import cv2
    import numpy as np

    frame = np.full((height, width, 3), 128, np.uint8)
    side = round(min(width, height) * scale)
    square = cv2.resize(photo_rgb, (side, side), interpolation=cv2.INTER_LINEAR)
    top, left = (height - side) // 2, (width - side) // 2
    frame[top:top + side, left:left + side] = square
    return frame
