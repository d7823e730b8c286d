"""People as the unit: per-person trees, who signs each photo, and splits that never cut a person."""
import json
from collections import Counter

import numpy as np
import pytest

from PIL import Image

from training import data, keypoints, people


def test_a_per_person_tree_lists_every_photo_with_its_class_and_person(shared_data):
    """asl-letters-webcams is PERSON/CLASS/photos: the loader reads it whole, labels from the class
    folders (never the person's), and the counts are the ones its sources.json records."""
    folder = shared_data / "asl-letters-webcams"
    paths, labels, classes = data.list_images(folder)
    sources = json.loads((folder / "sources.json").read_text())
    persons = [people.person_of(folder.name, p.relative_to(folder)) for p in paths]
    assert sorted(set(persons)) == sorted(sources) and len(set(persons)) == 14
    assert "space" in classes and not any(c.startswith("w") for c in classes)
    for person, info in sources.items():
        taken = {label: counts[0] for label, counts in info["classes"].items() if counts[0]}
        mine = Counter(label for label, who in zip(labels, persons) if who == person)
        assert dict(mine) == {data.canonical_label(label): n for label, n in taken.items()}, person


def test_a_per_person_tree_is_split_a_whole_person_at_a_time(shared_data):
    folder = shared_data / "asl-letters-webcams"
    paths, labels, _ = data.list_images(folder)
    split = data.split_by_source(paths, labels, [str(folder)] * len(paths), seed=0)
    sides = {part: {p.relative_to(folder).parts[0] for p in np.array(paths, object)[split[part]]}
             for part in ("train", "val", "test")}
    assert all(sides.values())  # every side has someone
    assert not (sides["train"] & sides["val"] or sides["train"] & sides["test"] or sides["val"] & sides["test"])


def test_a_per_person_tree_with_an_empty_class_folder_names_it(tmp_path):
    (tmp_path / "set" / "p1" / "A").mkdir(parents=True)
    Image.new("RGB", (8, 8)).save(tmp_path / "set" / "p1" / "A" / "1.jpg")
    (tmp_path / "set" / "p2" / "B").mkdir(parents=True)
    with pytest.raises(data.DatasetError, match=r"p2/B has no images"):
        data.list_images(tmp_path / "set")


def test_every_letter_photo_has_one_person_and_no_id_is_shared_between_sets(shared_data):
    found = {}
    for cache, folder in people.LETTER_CACHES.items():
        paths, _, _ = data.list_images(shared_data / folder)
        found[cache] = Counter(people.person_of(cache, p.relative_to(shared_data / folder)) for p in paths)
    assert set(found["asl-letters"]) == {"asl-letters"}
    assert set(found["asl-alphabet-64-train"]) == {"asl-alphabet-64"}
    assert found["asl-letters-multisigner"]["S2"] == 1400 and set(found["asl-letters-multisigner"]) == {"S1", "S2"}
    assert len(found["asl-letters-webcams"]) == 14
    ids = [set(counts) for counts in found.values()]
    assert sum(len(i) for i in ids) == len(set().union(*ids)) == 18


def test_person_weights_even_out_people_by_the_chosen_power():
    persons = np.array(["big"] * 300 + ["small"] * 15)
    for power, ratio in ((0.0, 20.0), (0.5, 20 ** 0.5), (1.0, 1.0)):
        weights = keypoints.person_weights(persons, power)
        assert weights.mean() == pytest.approx(1.0)
        assert weights[persons == "big"].sum() / weights[persons == "small"].sum() == pytest.approx(ratio, rel=1e-5)


def test_leave_people_out_folds_hold_each_person_once_and_never_two_big_sets_together():
    from studies.people_out import deal_folds

    persons = np.array(["asl-letters"] * 7000 + ["asl-alphabet-64"] * 8000 + ["S1"] * 6000 + ["S2"] * 1400
                       + [f"w{i:02d}" for i in range(1, 15) for _ in range(300 + i)])
    folds = deal_folds(persons, 6)
    dealt = [p for fold in folds for p in fold]
    assert sorted(dealt) == sorted(set(persons)) and len(dealt) == 18
    big = {"asl-letters", "asl-alphabet-64", "S1", "S2"}
    assert all(len(big & set(fold)) <= 1 for fold in folds)
    assert max(map(len, folds)) - min(map(len, folds)) <= 1
