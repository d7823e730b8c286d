"""`make bench`: every shipped model against a Teachable-Machine-equivalent baseline, in one browser.

    python -m bench.run [--frames 60] [--webgl-frames 6] [--backends wasm,webgl]

For every web/model/NAME/ with a metadata.json, and for the baseline with the same number of
classes (bench/build_tm.py, built into runs/bench/tm-N-224/ when missing; Teachable Machine always
exports 224 px), headless Chromium with a fake camera measures on each backend:
  load_ms     fetch + build + one warm-up inference (what the page waits for before "Ready")
  first_ms    the first camera frame after that
  frame_ms    median and p90 of camera -> canvas -> preprocess -> predict -> read-back (the live loop)
  model_ms    median of predict + read-back on a prepared input
  detector_ms median of the MediaPipe hand tracker alone, for NAME+hands
NAME is the image model alone (what the Teachable-Machine ratios compare); NAME+hands is the
shipped recogniser with hand landmarks on (tracker + keypoint model + image model), for the
models whose folder has a keypoint model.
Then the page itself (bench/page_path.py): Start to the first letter, letters a second, the loop's
time, camera-to-screen delay and main-thread long tasks, Letters with the hand's shape on.
All models share one page per backend and take turns frame by frame, so background load on the
machine hits them alike; ratios are ours / baseline from the same rounds. Numbers are printed,
written to bench/results.json (temporary file, then renamed) and bench/results.md, and the table
in README.md between the bench markers is replaced. Nothing here asserts a speed.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench import page_path
from training import data
from training.browser import Site, camera_args, camera_frame, launch, write_y4m

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
BENCH = ROOT / "bench"
TM_RUNS = ROOT / "runs" / "bench"
RESULTS = BENCH / "results.json"
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
GOAL_RATIO, GOAL_FPS = 0.6, 30
TM_SIZE = 224  # Teachable Machine's image models always take 224 px


def shipped_models():
    """[(name, folder, metadata)] for every web/model/*/ that has a metadata.json."""
    found = []
    for folder in sorted(p for p in (WEB / "model").iterdir() if (p / "metadata.json").is_file()):
        found.append((folder.name, folder, json.loads((folder / "metadata.json").read_text())))
    return found


def model_bytes(folder):
    """What a browser downloads: model.json plus the weight shards it lists."""
    manifest = json.loads((folder / "model.json").read_text())["weightsManifest"]
    shards = [folder / path for group in manifest for path in group["paths"]]
    return (folder / "model.json").stat().st_size + sum(p.stat().st_size for p in shards)


def keypoint_bytes(folder, metadata):
    """The keypoint model's download (its own model.json and shards, beside the image model's)."""
    return model_bytes((folder / metadata["keypoints"]["model"]).parent)


def baseline(num_classes, size):
    """runs/bench/tm-N-224/ (built on first use, ~30 s): the Teachable-Machine-equivalent model."""
    folder = TM_RUNS / f"tm-{num_classes}-{size}"
    if not (folder / "bench.json").is_file():
        print(f"building the Teachable-Machine-equivalent baseline with {num_classes} classes -> {folder}")
        subprocess.run([sys.executable, "-m", "bench.build_tm", "--classes", str(num_classes),
                        "--size", str(size), "--out", str(folder)], check=True, cwd=ROOT)
    return folder


def camera_file(path):
    """A y4m clip for the fake camera: a real digit photo on a grey 640×480 frame when the data is here."""
    photos = sorted(Path(os.environ.get("SIGNCAM_DATA", ROOT.parent / "shared" / "data")).glob("sign-digits/5/*.[jJ][pP][gG]"))
    if photos:
        frame = camera_frame(data.load_image(photos[0]))
    else:  # any picture will do for timing
        frame = np.full((480, 640, 3), 128, np.uint8)
        frame[:, :, 0] = np.linspace(0, 255, 640, dtype=np.uint8)[None]
    return write_y4m(path, [frame], seconds_each=1, fps=30)


def summarise(measured):
    frame, model = np.array(measured["frame_ms"]), np.array(measured["model_ms"])
    detector = measured.get("detector_ms") or []
    return {
        "detector_ms_median": round(float(np.median(detector)), 1) if detector else None,
        "load_ms": round(measured["load_ms"], 1), "first_ms": round(measured["first_ms"], 1),
        "frame_ms_median": round(float(np.median(frame)), 1), "frame_ms_p90": round(float(np.percentile(frame, 90)), 1),
        "model_ms_median": round(float(np.median(model)), 1), "frames": len(frame),
        "fps": round(1000 / float(np.median(frame)), 1),
    }


def measure(browser, url, backend, specs, frames, warmup):
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url + "bench/index.html")
    try:
        page.wait_for_function("() => window.benchReady === true", timeout=30_000)
    except Exception:
        raise SystemExit(f"the bench page did not start: {errors}")
    started = time.time()
    result = page.evaluate("(config) => window.runBench(config)",
                           {"backend": backend, "specs": specs, "frames": frames, "warmup": warmup})
    page.close()
    if result["backend"] != backend:
        raise SystemExit(f"asked for {backend}, the page ran {result['backend']}")
    print(f"  {backend}: {frames} rounds in {time.time() - started:.0f} s; tensors {result['tensors'][0]} -> "
          f"{result['tensors'][1]}")
    return result


def table(rows):
    lines = ["| model | backend | MB | load ms | first frame ms | ms/frame median | p90 | model-only ms | "
             "hand tracker ms | predictions/s | ms vs TM | bytes vs TM |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        ratio = lambda key: f"{r[key]:.2f}×" if r.get(key) is not None else ("1 (baseline)" if r["kind"] == "tm" else "")  # noqa: E731
        detector = f"{r['detector_ms_median']:.0f}" if r.get("detector_ms_median") is not None else ""
        lines.append(f"| {r['model']} | {r['backend']} | {r['bytes'] / 1e6:.2f} | {r['load_ms']:.0f} | "
                     f"{r['first_ms']:.0f} | {r['frame_ms_median']:.1f} | {r['frame_ms_p90']:.1f} | "
                     f"{r['model_ms_median']:.1f} | {detector} | {r['fps']:.1f} | {ratio('ratio_ms_vs_tm')} | "
                     f"{ratio('ratio_bytes_vs_tm')} |")
    return "\n".join(lines)


def write_atomically(path, text):
    temporary = Path(tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)[1])
    temporary.write_text(text)
    os.chmod(temporary, 0o644)
    os.replace(temporary, path)


def update_readme(markdown):
    """Replace the table between the bench markers in README.md (left alone when they are absent)."""
    readme = ROOT / "README.md"
    text = readme.read_text()
    if README_START not in text or README_END not in text:
        print("README.md has no bench markers; the table is in bench/results.md")
        return
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    write_atomically(readme, f"{head}{README_START}\n{markdown}\n{README_END}{tail}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--frames", type=int, default=60, help="timed rounds on wasm (after --warmup)")
    p.add_argument("--webgl-frames", type=int, default=6, help="timed rounds on webgl (slow under SwiftShader)")
    p.add_argument("--hands-frames", type=int, default=15, help="timed rounds with hand landmarks on (slow under SwiftShader)")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--backends", default="wasm,webgl")
    p.add_argument("--no-readme", action="store_true", help="do not touch README.md")
    p.add_argument("--page-seconds", type=int, default=60,
                   help="then the whole page signing for this long a backend (bench/page_path.py; 0: not)")
    args = p.parse_args(argv)
    from playwright.sync_api import sync_playwright

    models = shipped_models()
    if not models:
        raise SystemExit("no web/model/*/metadata.json: nothing to bench (make convert NAME=...)")
    site = Site()
    site.mount("/bench/", BENCH / "page")
    specs, sizes, pairs = [], {}, {}
    for name, folder, metadata in models:
        n, size = len(metadata["labels"]), metadata["input"]["size"]
        tm_name = f"tm-{n}-{TM_SIZE}"
        if tm_name not in sizes:
            tm_folder = baseline(n, TM_SIZE)
            site.mount(f"/bench-models/{tm_name}/", tm_folder)
            specs.append({"name": tm_name, "kind": "tm", "url": f"/bench-models/{tm_name}/", "size": TM_SIZE})
            sizes[tm_name] = model_bytes(tm_folder)
        specs.append({"name": name, "kind": "ours", "url": f"/model/{name}/", "size": size, "landmarks": False})
        sizes[name], pairs[name] = model_bytes(folder), tm_name
        if metadata.get("keypoints"):
            specs.append({"name": f"{name}+hands", "kind": "ours", "url": f"/model/{name}/", "size": size,
                          "landmarks": True, "frames": args.hands_frames})
            sizes[f"{name}+hands"], pairs[f"{name}+hands"] = sizes[name] + keypoint_bytes(folder, metadata), tm_name

    rows, raw = [], {}
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        camera = camera_file(Path(scratch) / "camera.y4m")
        browser = launch(playwright, camera_args(camera))
        print(f"Chromium {browser.version}; {os.cpu_count()} CPUs; load average "
              f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} (other work slows every model alike)")
        for backend in args.backends.split(","):
            frames = args.frames if backend == "wasm" else args.webgl_frames
            raw[backend] = measure(browser, site.url, backend, specs, frames, min(args.warmup, frames))
            by_name = {m["name"]: summarise(m) for m in raw[backend]["models"]}
            for spec in specs:
                row = {"model": spec["name"], "kind": spec["kind"], "backend": backend,
                       "bytes": sizes[spec["name"]], **by_name[spec["name"]]}
                if spec["kind"] == "ours":
                    tm = by_name[pairs[spec["name"]]]
                    row["baseline"] = pairs[spec["name"]]
                    row["ratio_ms_vs_tm"] = round(row["frame_ms_median"] / tm["frame_ms_median"], 3)
                    row["ratio_model_ms_vs_tm"] = round(row["model_ms_median"] / tm["model_ms_median"], 3)
                    row["ratio_bytes_vs_tm"] = round(row["bytes"] / sizes[pairs[spec["name"]]], 3)
                rows.append(row)
        browser.close()
    site.close()

    summary = []
    for name, _, metadata in models:
        wasm = next((r for r in rows if r["model"] == name and r["backend"] == "wasm"), None)
        hands = next((r for r in rows if r["model"] == f"{name}+hands" and r["backend"] == "wasm"), None)
        summary.append({
            "model": name, "baseline": pairs[name], "test_accuracy": metadata.get("test_accuracy"),
            "bytes": sizes[name], "baseline_bytes": sizes[pairs[name]],
            "wasm_fps": wasm and wasm["fps"], "wasm_ms_median": wasm and wasm["frame_ms_median"],
            "ratio_ms_vs_tm": wasm and wasm["ratio_ms_vs_tm"],
            "ratio_bytes_vs_tm": round(sizes[name] / sizes[pairs[name]], 3),
            "wasm_fps_with_hands": hands and hands["fps"],
            "wasm_ms_median_with_hands": hands and hands["frame_ms_median"],
        })
    markdown = table(rows)
    page_rows = []
    if args.page_seconds:  # what a user runs: the page itself, hands on, signing
        page_rows = page_path.main(["--seconds", str(args.page_seconds), "--backends", args.backends])
        markdown += "\n\nThe whole page (letters, hand's shape on, `bench/page_path.py`):\n\n" + page_path.table(page_rows)
    results = {
        "created": datetime.datetime.now().isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "load_average": [round(x, 2) for x in os.getloadavg()],
                    "platform": platform.platform(), "browser": f"Chromium {browser.version}"},
        "baseline": "Teachable-Machine-equivalent: MobileNetV2 a0.35 @224 + Dense(100, relu) + Dense(N, softmax), "
                    "float32 TF.js layers model, random head weights (bench/build_tm.py)",
        "models": summary,
        "runs": rows,
        "page": page_rows,
    }
    write_atomically(RESULTS, json.dumps(results, indent=2) + "\n")
    write_atomically(BENCH / "results.md", markdown + "\n")
    if not args.no_readme:
        update_readme(markdown)
    print("\n" + markdown + "\n")
    for s in summary:
        print(f"{s['model']}: {s['wasm_fps']} predictions/s on wasm (goal >= {GOAL_FPS}); "
              f"{s['ratio_ms_vs_tm']}x the baseline's ms/frame and {s['ratio_bytes_vs_tm']}x its bytes "
              f"(goal <= {GOAL_RATIO}x)")
    print(f"wrote {RESULTS.relative_to(ROOT)} and bench/results.md")


if __name__ == "__main__":
    main()
