"""training.collect on a real video file: which frames it saves, what it saves, where, and its messages.

The video is written with OpenCV (MJPG .avi, 640×480, 30 fps, 2 s). Every frame has its own background
colour, so a saved photo tells which frame it came from; magenta and black stripes fill the sides
outside the centre square, so a photo of the whole frame shows. The middle holds a real hand photo from
sign-digits when SIGNCAM_DATA has it, else a drawn white square.
"""
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from training import collect

WIDTH, HEIGHT, FPS, FRAMES = 640, 480, 30, 60
SIDE = min(WIDTH, HEIGHT)
LEFT = (WIDTH - SIDE) // 2  # the centre square spans x = 80..559, all of y
MAGENTA = (255, 0, 255)
GREEN = np.array(collect.BOX_COLOUR)
DATA = Path(os.environ.get("SIGNCAM_DATA", Path(__file__).resolve().parent.parent.parent / "shared" / "data"))


def middle_picture():
    photos = sorted((DATA / "sign-digits" / "5").glob("*.[jJ][pP][gG]"))
    picture = cv2.imread(str(photos[0])) if photos else None
    if picture is None:
        return np.full((160, 160, 3), 255, np.uint8)
    return cv2.resize(picture, (200, 200), interpolation=cv2.INTER_AREA)


def synthetic_frame(i, picture):
    frame = np.empty((HEIGHT, WIDTH, 3), np.uint8)
    frame[:] = (i * 4, 250 - i * 4, (60 + i * 9) % 256)  # BGR, different for every frame
    frame[:, :LEFT] = frame[:, LEFT + SIDE:] = MAGENTA
    frame[:, [x for x in range(WIDTH) if (x < LEFT or x >= LEFT + SIDE) and x // 8 % 2]] = 0  # striped
    frame[40:100, LEFT + 40:LEFT + 100] = 0  # a black mark in the square's top-left: flips would show
    h, w = picture.shape[:2]
    frame[(HEIGHT - h) // 2:(HEIGHT + h) // 2, (WIDTH - w) // 2:(WIDTH + w) // 2] = picture
    return frame


@pytest.fixture(scope="module")
def video(tmp_path_factory):
    """(path to the .avi, its frames as OpenCV decodes them)."""
    path = tmp_path_factory.mktemp("video") / "signs.avi"
    picture = middle_picture()
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (WIDTH, HEIGHT))
    assert writer.isOpened(), "OpenCV cannot write MJPG .avi here"
    for i in range(FRAMES):
        writer.write(synthetic_frame(i, picture))
    writer.release()
    capture = cv2.VideoCapture(str(path))
    decoded = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        decoded.append(frame)
    capture.release()
    assert len(decoded) == FRAMES
    return path, decoded


def centre_crop(frame, size):
    return cv2.resize(frame[:, LEFT:LEFT + SIDE], (size, size), interpolation=cv2.INTER_AREA)


def difference(a, b):
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def photos(folder):
    return sorted(folder.glob("*.jpg"))


def check_photo(path, frames, index, size):
    """path is the centre square of frames[index] at size×size, JPEG quality 95, with nothing drawn on it."""
    with Image.open(path) as image:
        assert image.format == "JPEG" and image.size == (size, size)
        # Quality 95 scales the standard tables to a tenth: no entry above 13 (quality 75 goes past 50).
        assert max(max(table) for table in image.quantization.values()) <= 13
    photo = cv2.imread(str(path))
    expected = centre_crop(frames[index], size)
    # The preview's box runs along the square's edges: drawn on the photo, it would show in its outer pixels.
    border = np.ones((size, size), bool)
    border[2:-2, 2:-2] = False
    assert difference(photo[border], expected[border]) < 4, \
        f"the edges of {path.name} are not those of frame {index}'s centre square: crop box drawn on it?"
    assert difference(photo, expected) < 4, f"{path.name} is not the centre of frame {index}"
    others = [difference(photo, centre_crop(frames[j], size)) for j in (index - 5, index + 5) if 0 <= j < FRAMES]
    assert min(others) > 12, f"{path.name} matches frames near {index} as well as frame {index}"
    whole = cv2.resize(frames[index], (size, size), interpolation=cv2.INTER_AREA)
    assert difference(photo, whole) > 12  # the whole frame squeezed in would differ: the stripes, the shapes


def test_headless_saves_the_centre_square_every_half_second_and_a_second_run_adds(video, tmp_path, capsys):
    path, frames = video
    out = tmp_path / "mine"
    args = ["--label", "A", "--out", str(out), "--camera", str(path), "--no-window", "--every", "500",
            "--size", "128"]
    assert collect.main(args) == 4
    first = photos(out / "A")
    # 2 s of video, a photo every 500 ms of video time: at 0, 0.5, 1 and 1.5 s, i.e. frames 0, 15, 30, 45.
    assert 3 <= len(first) <= 5
    assert [p.name for p in first] == [f"A_{n:04d}.jpg" for n in range(1, len(first) + 1)]
    for k, photo in enumerate(first):
        check_photo(photo, frames, min(15 * k, FRAMES - 1), 128)
    printed = capsys.readouterr().out
    assert f"saved {len(first)} photo(s) of A this session" in printed
    assert f"now holds {len(first)}" in printed
    assert [line.split() for line in printed.splitlines() if line.startswith("  ")] == [["A", str(len(first))]]

    before = {p.name: p.read_bytes() for p in first}
    assert collect.main(args) == len(first)
    after = photos(out / "A")
    assert len(after) == 2 * len(first)
    assert [p.name for p in after] == [f"A_{n:04d}.jpg" for n in range(1, 2 * len(first) + 1)]
    assert {p.name: p.read_bytes() for p in after if p.name in before} == before  # nothing overwritten
    for k, photo in enumerate(after[len(first):]):
        check_photo(photo, frames, min(15 * k, FRAMES - 1), 128)
    printed = capsys.readouterr().out
    assert f"saved {len(first)} photo(s) of A this session; {out / 'A'} now holds {2 * len(first)}" in printed
    assert not list((out / "A").glob(".*")), "a temporary file was left behind"


def test_count_stops_and_numbering_continues_after_the_highest(video, tmp_path, capsys):
    path, frames = video
    out = tmp_path / "mine"
    (out / "7").mkdir(parents=True)
    (out / "7" / "7_0041.jpg").write_bytes(cv2.imencode(".jpg", frames[0])[1].tobytes())
    (out / "7" / "holiday.jpg").write_bytes(cv2.imencode(".jpg", frames[1])[1].tobytes())
    (out / "A").mkdir()
    (out / "A" / "A_0001.jpg").write_bytes(cv2.imencode(".jpg", frames[2])[1].tobytes())

    assert collect.main(["--label", "7", "--out", str(out), "--camera", str(path), "--no-window",
                         "--every", "100", "--count", "3"]) == 3
    assert sorted(p.name for p in photos(out / "7")) == ["7_0041.jpg", "7_0042.jpg", "7_0043.jpg",
                                                          "7_0044.jpg", "holiday.jpg"]
    for k, n in enumerate((42, 43, 44)):
        check_photo(out / "7" / f"7_{n:04d}.jpg", frames, 3 * k, 224)  # every 100 ms: frames 0, 3, 6
    printed = capsys.readouterr().out
    assert "saved 3 photo(s) of 7 this session" in printed and "now holds 5" in printed
    assert [line.split() for line in printed.splitlines() if line.startswith("  ")] == [["7", "5"], ["A", "1"]]

    # The three special classes are stored lower-case, whatever case they are typed in.
    assert collect.main(["--label", "Space", "--out", str(out), "--camera", str(path), "--no-window",
                         "--count", "2"]) == 2
    assert [p.name for p in photos(out / "space")] == ["space_0001.jpg", "space_0002.jpg"]


def fake_window(monkeypatch, keys):
    """Replace OpenCV's window with one that records what is shown and 'presses' keys[call number]."""
    shown = []
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(cv2, "imshow", lambda name, image: shown.append(image.copy()))
    monkeypatch.setattr(cv2, "waitKey", lambda delay: keys.get(len(shown) - 1, -1))
    monkeypatch.setattr(cv2, "getWindowProperty", lambda name, prop: 1.0)
    monkeypatch.setattr(cv2, "destroyAllWindows", lambda: None)
    return shown


def test_window_keys_and_the_crop_box_only_on_screen(video, tmp_path, capsys, monkeypatch):
    path, frames = video
    out = tmp_path / "mine"
    shown = fake_window(monkeypatch, {4: ord(" "), 11: ord(" "), 19: ord("q")})
    assert collect.main(["--label", "B", "--out", str(out), "--camera", str(path), "--size", "96"]) == 2
    assert len(shown) == 20  # q on the 20th frame ends it
    for image in shown:
        assert image.shape == (HEIGHT, WIDTH, 3)
        for y, x in ((HEIGHT // 2, LEFT), (HEIGHT // 2, LEFT + SIDE - 1), (0, WIDTH // 2), (HEIGHT - 1, WIDTH // 2)):
            assert (image[y, x] == GREEN).all(), f"no crop box at {(x, y)}"
    check_photo(out / "B" / "B_0001.jpg", frames, 4, 96)  # SPACE saves the frame on screen
    check_photo(out / "B" / "B_0002.jpg", frames, 11, 96)
    assert "saved 2 photo(s) of B this session" in capsys.readouterr().out

    # `a` turns automatic saving on: every 250 ms of video from the next frame (1, 9, 16, 24 at 33 ms each).
    shown = fake_window(monkeypatch, {0: ord("a"), 30: ord("q")})
    assert collect.main(["--label", "C", "--out", str(out), "--camera", str(path), "--size", "96"]) == 4
    assert "automatic saving on, every 250 ms" in capsys.readouterr().out
    for n, index in enumerate((1, 9, 16, 24), 1):
        check_photo(out / "C" / f"C_{n:04d}.jpg", frames, index, 96)


def test_no_window_possible_falls_back_to_headless(video, tmp_path, capsys, monkeypatch):
    path, frames = video

    def no_gui(name, image):
        raise cv2.error("The function is not implemented. Rebuild the library with GTK+ support")

    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.setattr(cv2, "imshow", no_gui)
    out = tmp_path / "mine"
    assert collect.main(["--label", "del", "--out", str(out), "--camera", str(path), "--count", "3"]) == 3
    assert "cannot show a window here (The function is not implemented)" in capsys.readouterr().out
    for n, index in enumerate((0, 8, 15), 1):  # every 250 ms of video time
        check_photo(out / "del" / f"del_{n:04d}.jpg", frames, index, 224)

    monkeypatch.delenv("DISPLAY")
    monkeypatch.setattr(collect.sys, "platform", "linux")
    assert collect.main(["--label", "DEL", "--out", str(out), "--camera", str(path), "--count", "1"]) == 1
    assert "no display ($DISPLAY is not set): running headless" in capsys.readouterr().out
    assert [p.name for p in photos(out / "del")][-1] == "del_0004.jpg"


@pytest.mark.parametrize("label, stored", [("A", "A"), ("0", "0"), ("9", "9"), ("Z", "Z"), ("nothing", "nothing"),
                                           ("NOTHING", "nothing"), ("Del", "del"), ("space", "space")])
def test_labels_accepted(label, stored):
    assert collect.check_label(label) == stored


@pytest.mark.parametrize("label, message", [("a", "letters are upper-case: A"), ("AB", "'AB' is not a sign"),
                                            ("10", "'10' is not a sign"), ("", "'' is not a sign"),
                                            ("../A", "'../A' is not a sign"), ("delete", "'delete' is not a sign")])
def test_bad_label_is_a_clear_error_and_writes_nothing(video, tmp_path, label, message):
    out = tmp_path / "mine"
    with pytest.raises(SystemExit) as failed:
        collect.main(["--label", label, "--out", str(out), "--camera", str(video[0]), "--no-window"])
    assert message in str(failed.value) and "A-Z, 0-9, del, nothing, space" in str(failed.value)
    assert not out.exists()


def test_camera_or_video_that_cannot_be_opened(tmp_path):
    missing = tmp_path / "nope.avi"
    with pytest.raises(SystemExit, match=f"could not open video {missing}"):
        collect.main(["--label", "A", "--out", str(tmp_path / "out"), "--camera", str(missing), "--no-window"])
    not_video = tmp_path / "notes.avi"
    not_video.write_text("this is not a video")
    with pytest.raises(SystemExit, match=f"could not open video {not_video}"):
        collect.main(["--label", "A", "--out", str(tmp_path / "out"), "--camera", str(not_video), "--no-window"])
    with pytest.raises(SystemExit, match="could not open camera 97"):  # no machine has a 98th camera
        collect.main(["--label", "A", "--out", str(tmp_path / "out"), "--camera", "97", "--no-window"])
    assert not (tmp_path / "out").exists()


def test_a_camera_that_stops_giving_frames_ends_cleanly_with_the_counts(video, tmp_path, capsys, monkeypatch):
    """A live camera (wall-clock timing) that delivers 3 frames, then none: 3 photos, a message, the counts."""
    frames = video[1][:3]

    class DyingCamera:
        def __init__(self, index):
            self.left = list(frames)

        def isOpened(self):
            return True

        def read(self):
            return (True, self.left.pop(0)) if self.left else (False, None)

        def get(self, prop):
            return 0.0

        def release(self):
            pass

    monkeypatch.setattr(cv2, "VideoCapture", DyingCamera)
    monkeypatch.setattr(collect, "CAMERA_GIVE_UP_S", 0.2)
    out = tmp_path / "mine"
    # Three frames arrive within far less than the 250 ms between automatic photos: one is saved.
    assert collect.main(["--label", "A", "--out", str(out), "--camera", "0", "--no-window"]) == 1
    check_photo(out / "A" / "A_0001.jpg", video[1], 0, 224)
    printed = capsys.readouterr().out
    assert "the camera stopped giving frames" in printed
    assert "saved 1 photo(s) of A this session" in printed and "now holds 1" in printed


def test_out_that_is_a_file_is_a_clear_error(video, tmp_path):
    not_a_folder = tmp_path / "photos"
    not_a_folder.write_text("a file where the dataset folder should be")
    with pytest.raises(SystemExit, match=f"cannot create {not_a_folder / 'A'}"):
        collect.main(["--label", "A", "--out", str(not_a_folder), "--camera", str(video[0]), "--no-window"])
