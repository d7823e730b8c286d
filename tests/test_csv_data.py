"""The loader on CSV files: Sign Language MNIST pixel rows and filename,label lists."""
import csv
import os
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from training import data

DATA = Path(os.environ.get("SIGNCAM_DATA", "/work/shared/data"))
SIGN_MNIST_TEST = DATA / "sign-mnist-format" / "sign_mnist_test.csv"
HEADER = ["label"] + [f"pixel{i}" for i in range(1, 785)]


def photos(count):
    """count different 28×28 grey photos: real hands from sign-digits where present, else patterns."""
    files = sorted((DATA / "sign-digits").glob("*/*.JPG"))[:count] if (DATA / "sign-digits").is_dir() else []
    out = []
    for i in range(count):
        if i < len(files):
            with Image.open(files[i]) as image:
                out.append(np.asarray(image.convert("L").resize((28, 28)), np.uint8))
        else:
            y, x = np.mgrid[:28, :28]
            out.append(((x * (i + 3) + y * 7 + i * 11) % 256).astype(np.uint8))
    return out


def write_csv(path, rows, header=HEADER):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        if header is not None:
            writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def mnist(tmp_path):
    """A small Sign-MNIST CSV, 3 classes (A, C, Y) of 5 rows, whose name ends in a number like a frame."""
    images = photos(15)
    labels = [0, 2, 24] * 5
    path = write_csv(tmp_path / "mnist2.csv", [[label, *image.ravel()] for label, image in zip(labels, images)])
    return path, labels, images


def test_sign_mnist_rows_are_listed_and_decoded_exactly(mnist):
    path, labels, images = mnist
    paths, found_labels, classes = data.list_images(path)
    assert [str(p) for p in paths] == [f"{path}#{row}" for row in range(15)]
    assert found_labels == [chr(65 + label) for label in labels] and classes == ["A", "C", "Y"]
    for row in (0, 7, 14):
        pixels = data.load_image(paths[row])
        assert pixels.shape == (28, 28, 3) and pixels.dtype == np.uint8
        assert (pixels == images[row][:, :, None]).all()  # grey repeated in R, G and B
    pixels[:] = 0  # a caller's array is its own: the cached rows stay as they were
    assert (data.load_image(paths[14]) == images[14][:, :, None]).all()
    batch, kept = data.read_images(paths, 64)
    assert batch.shape == (15, 64, 64, 3) and batch.dtype == np.uint8 and kept == list(range(15))


def test_a_sign_mnist_csv_is_parsed_once(mnist):
    path, _, _ = mnist
    paths, _, _ = data.list_images(path)
    before = data._decode_sign_mnist.cache_info()
    for p in paths:
        data.load_image(p)
    after = data._decode_sign_mnist.cache_info()
    assert after.misses == before.misses and after.hits == before.hits + len(paths)


def test_an_edited_csv_is_read_again(mnist):
    path, labels, images = mnist
    data.load_image(f"{path}#0")
    write_csv(path, [[1, *np.full(784, 9)], [3, *np.full(784, 200)]])
    os.utime(path, ns=(1, 1))  # a different mtime even on a coarse clock
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert data.list_images(path)[1] == ["B", "D"]
    assert [str(w.message)[:8] for w in caught] == ["class B ", "class D "]
    assert (data.load_image(f"{path}#1") == 200).all()


def test_csv_rows_are_not_video_frames_and_split_randomly_per_class(mnist):
    path, _, _ = mnist
    paths, labels, _ = data.list_images(path)
    assert all(data.frame_index(p) is None for p in paths)  # "mnist2.csv#12" is not frame 2 or 12
    assert data.frame_index(path.parent / "A123.jpg") == 123
    split = data.split_dataset(paths, labels)
    assert split["frame_block"] == 0
    parts = [set(split[part]) for part in ("train", "val", "test")]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert set().union(*parts) == set(range(len(paths)))
    assert {labels[i] for i in split["test"]} == {"A", "C", "Y"}


def test_split_json_paths_of_csv_rows_come_back(mnist, tmp_path):
    """train.py writes relpath(resolve_path(p), common_root(DATA)); keypoints/evaluate join them back."""
    path, _, images = mnist
    link = tmp_path / "elsewhere" / "link.csv"
    link.parent.mkdir()
    link.symlink_to(path)
    for root in (path, link, Path(os.path.relpath(path))):
        paths, _, _ = data.list_images(root)
        data_root = data.common_root([str(root)])
        assert Path(data_root).is_dir()
        stored = [os.path.relpath(data.resolve_path(p), data_root) for p in paths]
        assert stored[3] == "mnist2.csv#3"
        assert (data.load_image(Path(data_root) / stored[3]) == images[3][:, :, None]).all()
    assert data.common_root([str(path), str(tmp_path)]) == str(tmp_path.resolve())


@pytest.mark.skipif(not SIGN_MNIST_TEST.is_file(), reason=f"no {SIGN_MNIST_TEST} (set SIGNCAM_DATA)")
def test_the_real_sign_mnist_test_file():
    paths, labels, classes = data.list_images(SIGN_MNIST_TEST)
    assert len(paths) == 1273
    assert classes == [c for c in "ABCDEFGHIJKLMNOPQRSTUVWXY" if c != "J"] and len(classes) == 24
    with open(SIGN_MNIST_TEST, newline="") as f:
        rows = list(csv.reader(f))[1:]
    for row in (0, 500, 1272):
        expected = np.array(rows[row][1:], np.uint8).reshape(28, 28)
        assert labels[row] == chr(65 + int(rows[row][0]))
        assert (data.load_image(paths[row]) == expected[:, :, None]).all()
    images, kept = data.read_images(paths[:16], 64)
    assert images.shape == (16, 64, 64, 3) and kept == list(range(16))
    split = data.split_dataset(paths, labels)
    parts = [set(split[part]) for part in ("train", "val", "test")]
    assert sum(map(len, parts)) == len(set().union(*parts)) == 1273
    assert {labels[i] for i in split["test"]} == set(classes) and split["frame_block"] == 0


def test_filename_label_csv_lists_the_photos_and_skips_missing_ones(tmp_path):
    images = photos(8)
    (tmp_path / "photos" / "sub").mkdir(parents=True)
    rows = []
    for i, image in enumerate(images):
        name = f"photos/sub/{i}.png" if i % 2 else f"photos/{i}.png"
        Image.fromarray(image).convert("RGB").save(tmp_path / name)
        rows.append([name, "Space" if i < 4 else "B"])
    rows[5][0] = str((tmp_path / rows[5][0]).resolve())  # absolute names are kept as they are
    rows.append(["photos/gone.png", "B"])
    path = write_csv(tmp_path / "list.csv", rows, header=["FileName", "Label"])
    with pytest.warns(UserWarning, match=r"skipped 1 file.*missing.*gone\.png"):
        paths, labels, classes = data.list_images(path)
    assert classes == ["B", "space"]  # 'Space' spelt as the folders spell it
    assert labels == ["space"] * 4 + ["B"] * 4
    assert paths[0] == tmp_path / "photos" / "0.png" and paths[5] == (tmp_path / rows[5][0]).resolve()
    assert (data.load_image(paths[3])[:, :, 0] == images[3]).all()
    assert all(data.frame_index(p) == i for i, p in enumerate(paths))  # real files: numbers still count
    batch, kept = data.read_images(paths, 32)
    assert batch.shape == (8, 32, 32, 3) and kept == list(range(8))


@pytest.mark.parametrize("column", ["file", "path", "image"])
def test_the_photo_column_may_be_called_file_path_or_image(tmp_path, column):
    for i in range(4):
        Image.new("RGB", (8, 8), (i, 0, 0)).save(tmp_path / f"{i}.png")
    path = write_csv(tmp_path / "list.csv", [["x", f"{i}.png", "AB"[i % 2]] for i in range(4)],
                     header=["note", column, "label"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 2 photos a class: too few to test, and said so
        paths, labels, classes = data.list_images(path)
    assert paths == [tmp_path / f"{i}.png" for i in range(4)] and classes == ["A", "B"]


def mnist_row(label, length=784, value=7):
    return [label, *[value] * length]


@pytest.mark.parametrize("rows, header, message", [
    ([], None, r"empty"),
    ([], HEADER, r"header but no rows"),
    ([["a.png", "A"]], ["name", "class"], r"unknown CSV header 'name,class'"),
    ([mnist_row(0)] * 4 + [mnist_row(26)], HEADER, r"row 4 \(line 6\) has label 26; .*0\.\.25"),
    ([mnist_row(-1)] + [mnist_row(1)] * 4, HEADER, r"row 0 \(line 2\) has label -1"),
    ([mnist_row(0)] * 2 + [mnist_row("x")] + [mnist_row(1)] * 2, HEADER, r"row 2 \(line 4\) has a label 'x'"),
    ([mnist_row(0)] * 3 + [mnist_row(1, value="dark")], HEADER, r"row 3 \(line 5\) has a pixel 'dark'"),
    ([mnist_row(0), mnist_row(1, 783)] + [mnist_row(1)] * 3, HEADER, r"row 1 \(line 3\) has 783 pixel values"),
    ([mnist_row(0)] * 5 + [mnist_row(1, 785)], HEADER, r"row 5 \(line 7\) has 785 pixel values"),
    ([mnist_row(0), mnist_row(1, value=300)], HEADER, r"row 1 \(line 3\) has a pixel outside 0\.\.255"),
    ([mnist_row(3)] * 5, HEADER, r"has 1 class\(es\); at least 2"),
    ([mnist_row(0, 100)], HEADER[:101], r"header has 100 pixel columns"),
    ([["gone.png", "A"], ["gone.png", "B"]], ["filename", "label"], r"has 0 class\(es\)"),
    ([["a.png"]], ["filename", "label"], r"row 0 \(line 2\) has 1 field"),
    ([["", "A"]], ["filename", "label"], r"row 0 \(line 2\) has an empty file name"),
])
def test_bad_csvs_are_errors_naming_the_file_and_row(tmp_path, rows, header, message):
    path = write_csv(tmp_path / "bad.csv", rows, header=header)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(data.DatasetError, match=message) as error:
            data.list_images(path)
    assert "bad.csv" in str(error.value)


def test_a_file_that_is_not_a_csv_or_a_row_past_the_end_is_an_error(tmp_path, mnist):
    other = tmp_path / "notes.txt"
    other.write_text("label,pixel1\n")
    with pytest.raises(data.DatasetError, match=r"notes\.txt is a file but not a \.csv"):
        data.list_images(other)
    with pytest.raises(data.DatasetError, match="does not exist"):
        data.list_images(tmp_path / "nowhere.csv")
    path, _, _ = mnist
    with pytest.raises(data.DatasetError, match=r"mnist2\.csv has 15 rows: there is no row 15"):
        data.load_image(f"{path}#15")
    with pytest.warns(UserWarning, match=r"skipped 1 file.*unreadable.*mnist2\.csv#99"):
        images, kept = data.read_images([f"{path}#0", f"{path}#99"], 16)
    assert kept == [0] and images.shape == (1, 16, 16, 3)


def test_quoted_values_and_blank_lines_are_read(tmp_path):
    lines = [",".join(f'"{h}"' for h in HEADER)]
    lines += [",".join(f'"{v}"' for v in mnist_row(label, value=label * 10)) for label in (0, 1, 0, 1)]
    path = tmp_path / "quoted.csv"
    path.write_text("\n".join(lines[:3]) + "\n\n" + "\n".join(lines[3:]) + "\n")
    with pytest.warns(UserWarning, match="only 2 photo"):
        paths, labels, classes = data.list_images(path)
    assert labels == ["A", "B", "A", "B"] and (data.load_image(paths[3]) == 10).all()


def test_evaluate_turns_csv_rows_into_a_png_tree_for_the_browser_and_hand_tracker(mnist):
    from training import evaluate

    path, labels, images = mnist
    paths, found_labels, classes = data.list_images(path)
    folder, copies = evaluate.cropped_copy(path, paths, 1.0, found_labels)
    again, again_labels, again_classes = data.list_images(folder)
    assert sorted(map(str, again)) == sorted(map(str, copies)) and again_classes == classes
    for copy, label, image in zip(copies, found_labels, images):
        assert copy.parent.name == label and (data.load_image(copy)[:, :, 0] == image).all()
