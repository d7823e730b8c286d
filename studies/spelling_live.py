"""The spelling benchmark's live runner: words spelled to the real page through Chromium's fake camera,
against the fast runner (bench/spell.mjs) on the same photos.

    python -m studies.spelling_live [--words 30]        (make spell-bench SPELL_LIVE=30)

S2, whom the shipped models never saw, spells the first --words common words of studies.spelling's
list made of the letters S2 signed, in streams built as studies.spelling builds them (a letter a
second, S2's photos in filmed order, each in the middle of a grey 320×240 camera frame), 2 s of empty
scene between words. The page (hand's shape and English on, as users get it) types them; what it
typed between two empty scenes is that word's. The fast runner gets the same streams with the
shipped models' probabilities for those photos (read twice, as `make eval` reads photos; the page
reads each camera frame once, following the hand). Writes runs/spelling/live.json.
"""
import argparse
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from studies import people_out, spelling
from training import data, keypoints, people
from training.browser import Site, camera_args, camera_frame, launch, write_y4m
from training.files import write_json

PERSON = "S2"
GAP_S = 2.0
WIDTH, HEIGHT = 320, 240
FPS = round(1000 / spelling.FRAME_MS)


def shipped_probabilities(classes, landmarks, data_dir):
    """S2's photos (paths, y) and the shipped models' decisions for them, as the page decides."""
    rows, tables = people_out.load_rows(landmarks, classes)
    never_saw, image_all = people_out.image_probabilities(rows, tables, data_dir, "runs/people")
    mine = rows["person"] == PERSON
    image = image_all[mine[never_saw]]
    cache = rows["cache"][mine][0]
    paths = list(rows["path"][mine])
    model = keypoints.load_model(people_out.IMAGE_MODEL.with_name("letters.keypoints.keras"))
    kp, found = keypoints.keypoint_probabilities(model, paths, tables[cache])
    fusion = json.loads(Path("web/model/letters/metadata.json").read_text())["keypoints"]
    probabilities = keypoints.recognised_probabilities(kp, image, found, fusion["fusion_image_weight"], classes,
                                                       fusion["no_hand_min_confidence"])
    folder = Path(data_dir) / people.LETTER_CACHES[cache]
    return [folder / p for p in paths], rows["y"][mine], probabilities


def camera_frames(streams, photos):
    """The video: each stream's frames (-1: the empty scene), GAP_S of empty scene after each."""
    grey = np.full((HEIGHT, WIDTH, 3), 128, np.uint8)
    frames = []
    for stream in streams:
        frames += [grey if i < 0 else photos[i] for i in stream] + [grey] * round(GAP_S * FPS)
    return frames


def typing_log(video, seconds, from_start=False):
    """Play a fake-camera clip to the live page (Letters, hand's shape and English on): the text after
    each change, [(ms, text)], while it plays for `seconds` after the page read its first frame (or,
    from_start, after Start was pressed: the fake camera plays its file from there); ms from the same point."""
    from playwright.sync_api import sync_playwright

    site = Site()
    try:
        with sync_playwright() as playwright:
            page = launch(playwright, camera_args(video)).new_page()
            # The page must not learn one person's hands from another's words (the fast runner does not learn either).
            page.add_init_script("localStorage.setItem('signcam.settings', JSON.stringify({learnFromWords: false}))")
            page.goto(site.url + "?model=letters")
            page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled", timeout=120_000)
            page.evaluate("""() => {
                window.typedAt = [];
                const text = document.querySelector('[data-testid=transcript]');
                new MutationObserver(() => window.typedAt.push([performance.now(), text.textContent]))
                    .observe(text, { childList: true, characterData: true, subtree: true });
            }""")
            pressed = page.evaluate("performance.now()")
            page.click("[data-testid=start]")
            page.wait_for_function("() => document.body.dataset.ready === 'true'", timeout=120_000)
            started = pressed if from_start else page.evaluate("performance.now()")
            page.wait_for_timeout(max(0, int(seconds * 1000 - (page.evaluate("performance.now()") - started))))
            return [(t - started, text) for t, text in page.evaluate("window.typedAt")]
    finally:
        site.close()


def live_typing(video, streams):
    """What the page typed during each stream's stretch of the video."""
    length_s = sum(len(s) for s in streams) / FPS + GAP_S * len(streams)
    typed_at = typing_log(video, length_s + 1)
    texts, start = [], 0
    for stream in streams:
        end = start + (len(stream) / FPS + GAP_S) * 1000
        before = [text for t, text in typed_at if t < start][-1:] or [""]
        during = [text for t, text in typed_at if t < end][-1:] or [""]
        texts.append(during[0][len(before[0]):] if during[0].startswith(before[0]) else during[0])
        start = end
    return texts


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--words", type=int, default=30)
    p.add_argument("--landmarks", default="runs/landmarks")
    p.add_argument("--data", default=os.environ.get("SIGNCAM_DATA", "../shared/data"))
    p.add_argument("--out", default="runs/spelling/live.json")
    args = p.parse_args(argv)
    classes = json.loads(people_out.RUN_SPLIT.read_text())["classes"]
    paths, y, probabilities = shipped_probabilities(classes, args.landmarks, args.data)
    photos_of = {label: sorted(np.flatnonzero(y == i), key=lambda k: spelling.frame_order(paths[k]))
                 for i, label in enumerate(classes) if (y == i).any()}
    frequencies = spelling.language.english_words()
    words = [w for w in spelling.word_lists(frequencies)["common words"] if all(c in photos_of for c in w)][:args.words]
    rng = np.random.default_rng(0)
    hold, release, lead = (round(s * 1000 / spelling.FRAME_MS) for s in (1.0, spelling.RELEASE_S, spelling.LEAD_S))
    streams = [spelling.stream(w, photos_of, rng, hold, release, lead) for w in words]
    framed = {i: camera_frame(data.load_image(paths[i]), WIDTH, HEIGHT)  # as the page crops them
              for i in sorted({i for s in streams for i in s if i >= 0})}
    with tempfile.TemporaryDirectory() as folder:
        video = Path(folder) / "words.y4m"
        write_y4m(video, camera_frames(streams, framed), seconds_each=1 / FPS, fps=FPS)
        live = live_typing(str(video), streams)
    english = spelling.letter_model_words(frequencies)
    fast = [r["text"] for r in spelling.run_speller(
        {PERSON: {"probabilities": np.round(probabilities, 5).tolist(), "streams": streams}}, classes, english)[PERSON]]
    result = {"how": __doc__.strip().splitlines()[0], "person": PERSON, "words": words, "live": live, "fast": fast,
              "live_exactly_right": float(np.mean([a.strip() == w for a, w in zip(live, words)])),
              "fast_exactly_right": float(np.mean([a.strip() == w for a, w in zip(fast, words)])),
              "typed_the_same": float(np.mean([a.strip() == b.strip() for a, b in zip(live, fast)]))}
    write_json(args.out, result)
    for w, a, b in zip(words, live, fast):
        print(f"{w:>10}  live {a!r:>12}  fast {b!r:>12}")
    print(f"{len(words)} words by {PERSON}: live page {result['live_exactly_right']:.0%} exactly right, fast runner "
          f"{result['fast_exactly_right']:.0%}; typed the same {result['typed_the_same']:.0%}. Wrote {args.out}")


if __name__ == "__main__":
    main()
