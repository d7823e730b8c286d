"""The leakage check (training/leakage.py) on real photos: it must catch a leaky split and pass an honest one."""
import json
import os

import numpy as np
from PIL import Image

from training import leakage


def test_a_split_with_re_encoded_copies_is_caught_and_written_to_metrics(shared_data, tmp_path):
    photos = sorted((shared_data / "sign-digits" / "3").iterdir())[:40]
    data_root = tmp_path / "data"
    (data_root / "3").mkdir(parents=True)
    for photo in photos:  # the test copies: re-encoded and a little brighter, the same picture
        pixels = np.asarray(Image.open(photo).convert("RGB")).astype(np.int16) + 12
        Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(data_root / "3" / f"copy-{photo.stem}.jpg", quality=70)
    others = sorted((shared_data / "sign-digits" / "3").iterdir())[40:60]
    run = tmp_path / "run"
    run.mkdir()
    (run / "metrics.json").write_text(json.dumps({"accuracy": 0.5}))
    (run / "split.json").write_text(json.dumps({
        "data_root": str(data_root),
        "train": [os.path.relpath(p, data_root) for p in photos],
        "val": [os.path.relpath(p, data_root) for p in others],
        "test": [f"3/copy-{p.stem}.jpg" for p in photos] + [os.path.relpath(p, data_root) for p in others[:10]],
    }))

    result = leakage.check_run(run)

    assert result["test"]["near_twin_share"] == 40 / 50  # every copy, none of the other students' photos
    assert result["val"]["near_twin_share"] == 0
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["accuracy"] == 0.5 and metrics["leakage"]["test"]["n"] == 50
    # Which photos are twins, for later steps: checked once, then read back.
    assert leakage.test_twins(run) == {f"3/copy-{p.stem}.jpg" for p in photos}
    (run / "split.json").unlink()  # a second call must not check again
    assert len(leakage.test_twins(run)) == 40


def test_frame_blocks_pass_where_a_random_split_of_video_frames_leaks(shared_data, tmp_path):
    for label in ("A", "B", "C"):  # 300 consecutive frames of three letters
        (tmp_path / label).mkdir()
        frames = sorted((shared_data / "asl-letters" / label).glob("*.jpg"), key=lambda p: int(p.stem[1:]))[:300]
        for frame in frames:
            (tmp_path / label / frame.name).symlink_to(frame)

    report = leakage.calibrate(tmp_path)

    random_share = report["random split"]["near_twin_share"]
    ours = report["SignCam's split"]["near_twin_share"]
    assert random_share > 3 * max(ours, 0.01), report
