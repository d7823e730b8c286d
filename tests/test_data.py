"""The loader on odd inputs, and the honest split."""
import io

import cv2
import numpy as np
import pytest
from PIL import Image

from training import data


def save(image, path, **options):
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, **options)
    return path


def gradient(width=40, height=30):
    """An image whose every pixel says where it is, so flips and rotations show."""
    x = np.linspace(0, 255, width, dtype=np.uint8)[None, :].repeat(height, 0)
    y = np.linspace(0, 255, height, dtype=np.uint8)[:, None].repeat(width, 1)
    return Image.fromarray(np.stack([x, y, np.full_like(x, 90)], -1))


@pytest.fixture
def tree(tmp_path):
    """Two classes of good photos in every supported format, plus broken and foreign files."""
    root = tmp_path / "signs"
    save(gradient(), root / "A" / "a1.JPG")
    save(gradient(), root / "A" / "a2.png")
    save(gradient(), root / "A" / "a3.bmp")
    save(gradient(), root / "Space" / "s1.jpeg")
    (root / "A" / "zero.jpg").write_bytes(b"")
    (root / "A" / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    (root / "Space" / "notes.txt").write_text("not an image")
    good = io.BytesIO()
    gradient().save(good, "JPEG")
    (root / "Space" / "truncated.jpg").write_bytes(good.getvalue()[:200])
    return root


def test_lists_images_of_any_case_and_names_skipped_files(tree):
    with pytest.warns(UserWarning, match=r"skipped 1 file.*not an image.*notes\.txt"):
        paths, labels, classes = data.list_images(tree)
    assert classes == ["A", "space"]  # 'Space' folder, one spelling inside SignCam
    assert sorted(p.name for p in paths) == ["a1.JPG", "a2.png", "a3.bmp", "corrupt.jpg", "s1.jpeg",
                                             "truncated.jpg", "zero.jpg"]


def test_unreadable_files_are_skipped_counted_and_named(tree):
    with pytest.warns(UserWarning):
        paths, labels, classes = data.list_images(tree)
    with pytest.warns(UserWarning, match=r"skipped 3 file.*unreadable") as caught:
        images, kept = data.read_images(paths, 32)
    message = str(caught[0].message)
    for name in ("zero.jpg", "corrupt.jpg", "truncated.jpg"):
        assert name in message
    assert images.shape == (4, 32, 32, 3) and images.dtype == np.uint8
    assert sorted(paths[i].name for i in kept) == ["a1.JPG", "a2.png", "a3.bmp", "s1.jpeg"]


def test_empty_class_folder_is_an_error_naming_it(tmp_path):
    save(gradient(), tmp_path / "A" / "a.png")
    (tmp_path / "B").mkdir()
    with pytest.raises(data.DatasetError, match=r"class folder .*B has no images"):
        data.list_images(tmp_path)


def test_fewer_than_two_classes_or_no_folder_is_an_error(tmp_path):
    save(gradient(), tmp_path / "only" / "a.png")
    with pytest.raises(data.DatasetError, match="at least 2"):
        data.list_images(tmp_path)
    with pytest.raises(data.DatasetError, match="does not exist"):
        data.list_images(tmp_path / "nowhere")


@pytest.mark.parametrize("mode", ["L", "RGBA", "CMYK", "P", "I;16"])
def test_every_colour_mode_becomes_rgb(tmp_path, mode):
    source = gradient()
    if mode == "I;16":
        image = Image.fromarray((np.asarray(source.convert("L"), np.uint16) * 257))  # 16-bit grey
    elif mode == "P":
        image = source.quantize(64)  # an adaptive palette, as image editors save them
    else:
        image = source.convert(mode)
    path = save(image, tmp_path / f"x.{'jpg' if mode == 'CMYK' else 'png'}")
    pixels = data.load_image(path)
    assert pixels.shape == (30, 40, 3) and pixels.dtype == np.uint8
    grey = np.asarray(source.convert("L"), float)
    # Whatever the mode, brightness still runs left to right as in the source.
    assert np.corrcoef(pixels.mean(-1).ravel(), grey.ravel())[0, 1] > 0.9


def test_transparent_pixels_become_white(tmp_path):
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[:, :5] = [255, 0, 0, 255]  # left half opaque red, right half fully transparent
    pixels = data.load_image(save(Image.fromarray(rgba, "RGBA"), tmp_path / "alpha.png"))
    assert (pixels[:, :5] == [255, 0, 0]).all() and (pixels[:, 5:] == 255).all()


def test_exif_orientation_is_applied(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    path = save(gradient(40, 30), tmp_path / "phone.jpg", exif=exif, quality=95)
    pixels = data.load_image(path)
    assert pixels.shape == (40, 30, 3)  # upright: now taller than wide
    # The source's top edge (green channel 0) is now on the right-hand side.
    assert pixels[:, -1, 1].mean() < 30 and pixels[:, 0, 1].mean() > 220


def test_crop_and_resize_takes_the_centre_square():
    image = np.zeros((30, 50, 3), np.uint8)
    image[:, 10:40] = 200  # the centre 30×30 square is bright, the sides dark
    out = data.crop_and_resize(image, 60)
    assert out.shape == (60, 60, 3) and out.dtype == np.float32
    assert np.allclose(out, 200)


def test_a_small_hand_is_read_from_the_square_around_it():
    image = np.zeros((480, 640, 3), np.uint8)
    image[200:260, 600:640] = 200  # a hand 60 px tall at the right edge; the rest dark
    points = np.zeros((21, 3))
    points[:, 0] = np.linspace(600, 639, 21) / 640
    points[:, 1] = np.linspace(200, 259, 21) / 480
    left, top, side = data.hand_square(points, 640, 480)
    assert side == round(59 / data.HAND_SHARE) and left + side == 640  # the hand fills HAND_SHARE, kept inside
    assert top < 200 and top + side > 260
    out = data.crop_and_resize(image, 60, (left, top, side))
    assert 0.1 < (out > 100).mean() < 0.3  # 40×60 px of a 118 px square, not 1 % of the centre square
    big = points.copy()
    big[:, 1] = np.linspace(0.1, 0.9, 21)  # a hand 384 px tall: already fills over half the square
    assert data.hand_square(big, 640, 480) == data.hand_square(None, 640, 480) == (80, 0, 480)


def numbered_paths(per_class=200):
    return [f"/d/{c}/{c}{i}.jpg" for c in "AB" for i in range(per_class)], ["A"] * per_class + ["B"] * per_class


def test_split_keeps_frame_blocks_on_one_side_and_is_stratified():
    paths, labels = numbered_paths()
    split = data.split_dataset(paths, labels, seed=3)
    assert split["frame_block"] == data.FRAME_BLOCK
    side_of_block = {}
    for part in ("train", "val", "test"):
        for i in split[part]:
            key = (labels[i], data.frame_index(paths[i]) // data.FRAME_BLOCK)
            assert side_of_block.setdefault(key, part) == part, f"block {key} straddles the split"
    assert sorted(split["train"] + split["val"] + split["test"]) == list(range(len(paths)))
    for label in "AB":
        assert sum(labels[i] == label for i in split["test"]) == 40  # 1 of 5 blocks: ≥ 15 %


def test_split_is_seeded_and_plain_stratified_without_frame_numbers():
    paths = [f"/d/{c}/photo_{c}_{k}x.jpg" for c in "AB" for k in range(100)]
    labels = ["A"] * 100 + ["B"] * 100
    first, again = data.split_dataset(paths, labels, seed=1), data.split_dataset(paths, labels, seed=1)
    assert first == again and first != data.split_dataset(paths, labels, seed=2)
    assert first["frame_block"] == 0
    assert [sum(labels[i] == c for i in first["test"]) for c in "AB"] == [15, 15]
    assert [sum(labels[i] == c for i in first["val"]) for c in "AB"] == [15, 15]


def test_sign_digits_splits_by_student_so_test_students_are_never_seen(shared_data):
    # sign-digits numbers its photos student by student (IMG_1118 a student's 0, IMG_1119 the same
    # student's 1, ...): grouped that way, 218 students, most with all ten digits.
    paths, labels, _ = data.list_images(shared_data / "sign-digits")
    groups = data.signer_groups(paths, labels)
    members = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    assert 210 <= len(members) <= 230
    full = [m for m in members.values() if sorted(labels[i] for i in m) == [str(d) for d in range(10)]]
    assert len(full) >= 0.8 * len(members)

    split = data.split_dataset(paths, labels, groups=groups)
    side = {i: part for part in ("train", "val", "test") for i in split[part]}
    assert sorted(side) == list(range(len(paths)))
    assert all(len({side[i] for i in m}) == 1 for m in members.values())  # no student on two sides
    test_labels = [labels[i] for i in split["test"]]
    assert 0.13 <= len(test_labels) / len(paths) <= 0.17
    assert min(test_labels.count(str(d)) for d in range(10)) >= 20  # every digit tested


def test_split_by_signer_needs_numbered_file_names(tmp_path):
    with pytest.raises(data.DatasetError, match="cannot split by signer"):
        data.split_by_source(["a/x.jpg", "b/y.jpg"], ["a", "b"], ["set", "set"], by_signer=True)


def wall_redness(path):
    """LAB a* (128 = grey) of a photo's top and right edges, where the wall shows."""
    lab = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2LAB).astype(float)
    return np.concatenate([lab[:10, :, 1].ravel(), lab[:, -10:, 1].ravel()]).mean()


def test_multisigner_signer_s2_ends_where_their_pink_brick_wall_does(shared_data):
    """training/signers.py's table, on the photos: S2's first and last photo of every class show
    their pink wall (a* ~135-146), the next photo another person's grey one (a* ~123-127)."""
    from training import signers

    folder = shared_data / signers.DATASET
    for label, (first, last) in signers.SIGNERS["S2"].items():
        for number in (first, last):
            photo = folder / label / f"{label}{number}.jpg"
            assert signers.shows(photo.relative_to(folder), folder, "S2")
            assert wall_redness(photo) > 132, photo
        after = folder / label / f"{label}{last + 1}.jpg"
        if after.is_file():  # `nothing` has S2's photos alone
            assert not signers.shows(after.relative_to(folder), folder, "S2")
            assert wall_redness(after) < 130, after
    # The same file number in another set is not S2's.
    assert not signers.shows("D/D10.jpg", shared_data / "asl-letters", "S2")
