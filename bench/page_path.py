"""What a user runs: the real page, Letters with the hand's shape on, signing to a fake camera.

    python -m bench.page_path [--seconds 60] [--backends wasm,webgl] [--trackers page,worker]
                                                                          (`make bench` runs it too)

The page itself (web/index.html and app.js's own loop: hand tracker, image model, keypoint model,
fusion, English, speller and the screen), with held-out asl-letters photos of five letters shown
1.5 s each on a grey 640×480 camera frame, over and over. Per backend, the hand tracker run as the
page runs it (in a worker, beside the image model) and, as the baseline of the same run, on the
page's main thread before the image model (`?tracker=page`, as the page ran until 2026-12-04):
  first_letter_ms     from pressing Start to the first letter on screen (models already loaded:
                      what a user waits for on a warm cache)
  letters_per_s       frames decided a second while signing (median over 5-s windows)
  frame_ms            the loop's own time a frame, median and p90
  delay_ms            from the camera taking a frame (requestVideoFrameCallback's captureTime) to its
                      letter on screen, median and p90
  long_tasks_per_min  main-thread tasks over 50 ms after the first letter, per minute of signing
Written to bench/page_path.json (temporary file, then renamed) and printed. Nothing asserts a speed.
"""
import argparse
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from training import data
from training.browser import Site, camera_args, camera_frame, launch, write_y4m

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "page_path.json"
LETTERS = ["A", "B", "L", "Y", "H"]
# Long tasks and the first letter, seen from inside the page from its first moment.
OBSERVE = """
window.longTasks = [];
new PerformanceObserver((list) => { for (const t of list.getEntries()) window.longTasks.push([t.startTime, t.duration]); })
  .observe({ type: 'longtask', buffered: true });
document.addEventListener('click', (event) => {
  if (event.target.closest('[data-testid=start]')) window.startPressed = performance.now();
}, true);
window.firstLetter = null;
document.addEventListener('DOMContentLoaded', () => {
  const prediction = document.querySelector('[data-testid=prediction]');
  new MutationObserver(() => {
    if (window.firstLetter === null && window.startPressed && /^[A-Z]$/.test(prediction.textContent)) {
      window.firstLetter = performance.now();
    }
  }).observe(prediction, { childList: true, characterData: true, subtree: true });
});
"""


def camera_video(path, data_dir):
    """Five held-out letters, 1.5 s each, filling the middle square of a grey 640×480 frame."""
    split = json.loads((ROOT / "models" / "letters.split.json").read_text())
    photos = [next(Path(data_dir) / p for p in split["test"] if p.startswith(f"asl-letters/{letter}/")) for letter in LETTERS]
    return write_y4m(path, [camera_frame(data.load_image(photo)) for photo in photos], seconds_each=1.5, fps=30)


def run(browser, url, backend, tracker, seconds):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.add_init_script(OBSERVE)
    page = context.new_page()
    page.goto(url + f"?model=letters&backend={backend}&tracker={tracker}")
    page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled", timeout=180_000)
    page.click("[data-testid=start]")
    page.wait_for_function("() => window.firstLetter !== null", timeout=180_000)
    page.wait_for_timeout(seconds * 1000)
    measured = page.evaluate("""() => ({ pressed: window.startPressed, first: window.firstLetter,
        longTasks: window.longTasks, frames: window.signcam.recentFrames.slice(),
        backend: window.signcam.backend, inWorker: window.signcam.recogniser.tracker.inWorker,
        now: performance.now() })""")
    context.close()
    first = measured["first"]
    frames = [f for f in measured["frames"] if f["shown"] >= first]
    shown = np.array([f["shown"] for f in frames])
    windows = [np.sum((shown >= t) & (shown < t + 5000)) / 5 for t in np.arange(first, measured["now"] - 5000, 5000)]
    loop_ms = np.array([f["shown"] - f["started"] for f in frames])
    delay_ms = np.array([f["shown"] - f["presented"] for f in frames])
    long_tasks = [t for t in measured["longTasks"] if t[0] >= first]
    minutes = (measured["now"] - first) / 60000
    return {
        "backend": measured["backend"], "tracker": "worker" if measured["inWorker"] else "page",
        "seconds": round((measured["now"] - first) / 1000, 1), "frames": len(frames),
        "first_letter_ms": round(first - measured["pressed"]),
        "letters_per_s": round(float(np.median(windows)), 1) if windows else None,
        "frame_ms_median": round(float(np.median(loop_ms)), 1), "frame_ms_p90": round(float(np.percentile(loop_ms, 90)), 1),
        "delay_ms_median": round(float(np.median(delay_ms)), 1), "delay_ms_p90": round(float(np.percentile(delay_ms, 90)), 1),
        "long_tasks_per_min": round(len(long_tasks) / minutes, 1),
        "longest_task_ms": round(max((t[1] for t in long_tasks), default=0)),
    }


def table(rows):
    lines = ["| backend | hand tracker | first letter ms | letters/s | ms/frame median | p90 | frame → screen ms median "
             "| p90 | long tasks/min (longest ms) | ms/frame vs tracker on the page |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        lines.append(f"| {r['backend']} | {r['tracker']} | {r['first_letter_ms']} | {r['letters_per_s']} | "
                     f"{r['frame_ms_median']} | {r['frame_ms_p90']} | {r['delay_ms_median']} | {r['delay_ms_p90']} | "
                     f"{r['long_tasks_per_min']} ({r['longest_task_ms']}) | {r.get('ratio_ms_vs_page', 1):.2f}× |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--backends", default="wasm,webgl")
    p.add_argument("--trackers", default="page,worker", help="where the hand tracker runs: page (the baseline), worker")
    p.add_argument("--data", default=os.environ.get("SIGNCAM_DATA", ROOT.parent / "shared" / "data"))
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    site = Site()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
            browser = launch(playwright, camera_args(camera_video(Path(scratch) / "letters.y4m", args.data)))
            for backend in args.backends.split(","):
                for tracker in args.trackers.split(","):
                    rows.append(run(browser, site.url, backend, tracker, args.seconds))
                    print(f"  page, {backend}, tracker asked in the {tracker}: {rows[-1]}", flush=True)
                baseline = next((r for r in rows if r["backend"] == backend and r["tracker"] == "page"), None)
                for r in rows:
                    if baseline and r["backend"] == backend:
                        r["ratio_ms_vs_page"] = round(r["frame_ms_median"] / baseline["frame_ms_median"], 2)
            browser.close()
    finally:
        site.close()
    temporary = Path(tempfile.mkstemp(prefix=".page_path.", dir=OUT.parent)[1])
    temporary.write_text(json.dumps({"how": __doc__.strip().splitlines()[0], "letters": LETTERS,
                                     "load_average": [round(x, 2) for x in os.getloadavg()], "runs": rows}, indent=2) + "\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, OUT)
    print("\nThe whole page, Letters with the hand's shape on:\n" + table(rows))
    print(f"wrote {OUT.relative_to(ROOT)}")
    return rows


if __name__ == "__main__":
    main()
