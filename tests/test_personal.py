"""Signs the user teaches (training/personal.py, web/personal.js, web/teach.js): the rule on hand-made
cases, Python against the page, and the whole thing through the fake camera."""
import json

import numpy as np

from conftest import camera_frame, open_page, write_y4m
from test_page import digits_test_split  # noqa: F401  (a fixture: the digits model's held-out photos)
from training import data, personal, signs_files


def hands(seed, n, spread=0.02):
    """n normalised hands around one random shape (wrist at the origin, as normalise() gives them)."""
    rng = np.random.default_rng(seed)
    shape = rng.uniform(-1, 1, (1, 63))
    shape[:, :3] = 0
    return shape + rng.normal(0, spread, (n, 63))


def test_a_hand_near_a_taught_one_reads_as_its_sign_and_one_far_from_all_changes_nothing():
    unsure = np.array([0.7, 0.2, 0.1])  # the model's answer on this user's way of signing 2: it reads 0
    taught = personal.hand_points(hands(0, 10), np.tile(unsure, (10, 1)))
    keypoint_probs = np.array([unsure, [0.6, 0.3, 0.1]])
    near, far = hands(0, 11)[10:], hands(1, 1)  # another moment of the taught sign; a different hand
    points = personal.hand_points(np.concatenate([near, far]), keypoint_probs)
    adjusted = personal.with_personal(keypoint_probs, personal.personal_probabilities(points, taught, np.full(10, 2), 3))
    assert adjusted[0].argmax() == 2  # taught as sign 2: the user's way of signing it wins
    np.testing.assert_allclose(adjusted[1], keypoint_probs[1], atol=1e-5)  # far from every taught hand


def test_a_look_alike_the_model_reads_otherwise_is_not_pulled_to_a_taught_sign():
    # The user taught sign 2 (their K), which the model read as 0. A later hand of sign 1 (a V) lies
    # as near the taught hands in landmarks as another moment of the K does, but the model is sure of
    # V there: with the model's answer in the comparison (BETA) it stays a V; on landmarks alone
    # (BETA 0) the taught K would take it.
    as_zero, as_one = np.array([0.8, 0.1, 0.1]), np.array([0.05, 0.9, 0.05])
    taught_hands = hands(0, 10)
    k_again, v = hands(0, 11)[10:], hands(0, 12)[11:]
    probs = np.array([as_zero, as_one])
    for beta, expected in ((personal.BETA, [2, 1]), (0.0, [2, 2])):
        taught = personal.hand_points(taught_hands, np.tile(as_zero, (10, 1)), beta)
        points = personal.hand_points(np.concatenate([k_again, v]), probs, beta)
        own = personal.personal_probabilities(points, taught, np.full(10, 2), 3)
        assert list(personal.with_personal(probs, own).argmax(1)) == expected, beta


def test_the_teaching_split_takes_one_moment_of_each_sign_and_scores_only_photos_far_from_it():
    paths = [f"A/A{i}.jpg" for i in (0, 2, 4, 38, 40, 80, 82, 120)] + [f"B/B{i}.jpg" for i in (200, 202, 300)]
    y = np.array([0] * 8 + [1] * 3)
    found = np.ones(len(y), bool)
    found[0] = False  # no hand in A0: it cannot be taught
    taught, tested = personal.teaching_split(paths, y, found, per_sign=2)
    assert [paths[i] for i in taught] == ["A/A2.jpg", "A/A4.jpg", "B/B200.jpg", "B/B202.jpg"]
    # frame blocks of 40: A's taught block is 0, so blocks 0 and 1 are too near; B's is 5 (6 is too near)
    assert [p for p, t in zip(paths, tested) if t] == ["A/A80.jpg", "A/A82.jpg", "A/A120.jpg", "B/B300.jpg"]


def test_the_page_reads_the_users_signs_as_python_does(site, launch):
    taught = {"A": hands(0, 10).tolist(), "C": hands(2, 3).tolist()}  # B never taught
    labels = ["A", "B", "C", "nothing"]
    probes = np.concatenate([hands(0, 12)[10:], hands(2, 5)[3:], hands(1, 1), hands(0, 1, spread=0.3)])
    # The keypoint model's answers: alike for hands of one sign, a little noise on each.
    like = {"A": [0.7, 0.1, 0.1, 0.1], "C": [0.2, 0.2, 0.5, 0.1], "?": [0.25] * 4}
    noise = np.random.default_rng(3).dirichlet(np.ones(len(labels)), len(probes) + 13)
    answers = 0.95 * np.array([like[s] for s in "AACC?A" + "A" * 10 + "C" * 3]) + 0.05 * noise
    page = open_page(launch(), site.url + "?backend=wasm")
    browser, constants = page.evaluate("""async ([probes, answers, taught, labels]) => {
        const { handPoint, personalProbabilities, GAMMA, PER_SIGN } = await import('./personal.js');
        let next = probes.length;
        const points = Object.fromEntries(Object.entries(taught).map(([sign, hands]) =>
            [sign, hands.map((hand) => handPoint(hand, answers[next++]))]));
        return [probes.map((features, i) => personalProbabilities(handPoint(features, answers[i]), points, labels)),
                [GAMMA, PER_SIGN]];
    }""", [probes.tolist(), answers.tolist(), taught, labels])
    assert constants == [personal.GAMMA, personal.PER_SIGN]  # the rest of the rule is compared by its numbers
    examples = personal.hand_points(np.concatenate([taught["A"], taught["C"]]), answers[len(probes):])
    python = personal.personal_probabilities(personal.hand_points(probes, answers[:len(probes)]), examples,
                                             np.array([0] * 10 + [2] * 3), len(labels))
    np.testing.assert_allclose(np.array(browser), python, rtol=1e-6, atol=1e-9)
    assert list(python.argmax(1)[:4]) == [0, 0, 2, 2] and python[4].max() - python[4].min() < 1e-6


def test_the_page_compares_taught_hands_with_the_keypoint_models_answer_on_each(site, launch):
    # recogniser.js works out each taught hand's point (its landmarks, then BETA x the square roots of the
    # keypoint model's probabilities on it) once per change: each hand must get its own answer, under its
    # own sign, and teaching again must change them.
    from conftest import ROOT
    from training.keypoints import load_model

    taught = {"A": hands(0, 3), "B": hands(1, 2)}
    again = hands(2, 2)
    page = open_page(launch(), site.url + "?backend=wasm")
    browser = page.evaluate("""async ([taught, again]) => {
        const { loadRecogniser } = await import('./recogniser.js');
        const { OwnSigns } = await import('./personal.js');
        const recogniser = await loadRecogniser('model/letters/');
        recogniser.ownSigns = new OwnSigns('letters-points-test');
        for (const [sign, hands] of Object.entries(taught)) recogniser.ownSigns.teach(sign, hands);
        const first = await recogniser.taughtPoints();
        recogniser.ownSigns.teach('A', again);
        const second = await recogniser.taughtPoints();
        recogniser.ownSigns.forget();
        return [first, second];
    }""", [{k: v.tolist() for k, v in taught.items()}, again.tolist()])
    model = load_model(ROOT / "models" / "letters.keypoints.keras")
    expected = lambda h: personal.hand_points(np.round(h, 4), model.predict(np.round(h, 4), verbose=0))
    first, second = browser
    assert sorted(first) == ["A", "B"] and sorted(second) == ["A", "B"]
    for points, sign, h in ((first, "A", taught["A"]), (first, "B", taught["B"]), (second, "A", again), (second, "B", taught["B"])):
        # float16 weights in the page: its probabilities agree with Keras to about 0.02, their roots less closely
        np.testing.assert_allclose(np.array(points[sign]), expected(h), atol=0.05)
    # and the two signs' hands get answers far apart, so that hands given another's answer would fail above
    assert np.abs(expected(taught["A"])[:, 63:].mean(0) - expected(taught["B"])[:, 63:].mean(0)).max() > 0.2


def test_teaching_a_sign_through_the_camera_is_remembered_and_forgotten(digits_test_split, site, launch, tmp_path):  # noqa: F811
    # A held-out digit photo filling the camera frame. The user teaches it as another digit (their own way
    # of signing that one): the page must then read it as the taught digit, remember it after a reload,
    # and read it as before once told to forget. With landmarks on.
    _, paths, labels = digits_test_split
    photo = data.load_image(next(p for p, label in zip(paths, labels) if label == "3"))
    page = open_page(launch(camera=str(write_y4m(tmp_path / "three.y4m", [camera_frame(photo)], 2))),
                     site.url + "?model=digits")
    read = lambda: page.text_content("[data-testid=prediction]")
    decided_by = "document.querySelector('[data-testid=recogniser]').textContent"
    page.click("[data-testid=start]")
    page.wait_for_function(f"() => {decided_by} === 'hand shape + image'", timeout=90_000)
    before = read()
    sign = "8" if before != "8" else "5"
    page.click("[data-testid=teach-panel] summary")  # the panel starts folded
    assert page.is_enabled("[data-testid=teach]") and not page.is_enabled("[data-testid=forget]")
    page.select_option("[data-testid=teach-sign]", sign)
    page.evaluate("""() => {  // what the speller shows on each frame of the lesson
        const $ = (id) => document.querySelector(`[data-testid=${id}]`);
        window.lessonFrames = [];
        new MutationObserver(() => window.lessonFrames.push({ status: $('teach-status').textContent,
            hold: $('hold').value, text: $('transcript').textContent, guide: $('guide').textContent }))
            .observe($('teach-status'), { childList: true, characterData: true, subtree: true });
    }""")
    page.click("[data-testid=teach]")
    page.wait_for_function("() => document.querySelector('[data-testid=teach-status]').textContent.startsWith('Taught')",
                           timeout=90_000)
    # The hand was read as `before`: the user is told that sign may now read as the taught one.
    assert page.text_content("[data-testid=teach-status]") == (
        f"Taught {sign}: a hand like yours now reads as {sign}. It was read as {before}: if your {before} now "
        f"reads as {sign} too, teach {before} as well.")
    recording = [f for f in page.evaluate("window.lessonFrames") if f["status"].startswith("Hold ")]
    assert len(recording) >= 9, recording  # one status a frame while the 10 hands are recorded
    # A sign shown to teach is not typed: the speller starts over on every frame of the lesson.
    assert all(f["hold"] == 0 and f["text"] == recording[0]["text"] for f in recording), recording
    assert all(f["guide"].startswith(f"Hold {sign}: ") for f in recording)  # over the preview, where the signer looks
    assert page.text_content("[data-testid=guide]") == "Hand here"
    page.wait_for_function(f"() => {decided_by}.includes('your signs')", timeout=30_000)
    assert read() == sign
    assert f"{sign} (10 hands)" in page.text_content("[data-testid=taught]")
    # The hand still shows the sign just taught: it is not typed (held well past the 0.8 s hold) until
    # the hand is lowered, and the hold bar says so.
    page.evaluate("""() => {
        const $ = (id) => document.querySelector(`[data-testid=${id}]`);
        window.afterLesson = [];
        new MutationObserver(() => window.afterLesson.push({ label: $('prediction').textContent,
            text: $('transcript').textContent, hold: $('hold-label').textContent }))
            .observe($('confidence'), { childList: true, characterData: true, subtree: true });
    }""")
    page.wait_for_function("() => window.afterLesson.length >= 30", timeout=60_000)
    after = page.evaluate("window.afterLesson")
    assert all(f["text"] == recording[0]["text"] for f in after), after
    shown_as_sign = [f for f in after if f["label"] == sign]
    assert len(shown_as_sign) >= 20 and all(f["hold"].startswith("Lower your hand") for f in shown_as_sign), after

    page.reload()  # remembered in this browser
    page.wait_for_function("() => !document.querySelector('[data-testid=start]').disabled", timeout=60_000)
    assert f"{sign} (10 hands)" in page.text_content("[data-testid=taught]")
    page.click("[data-testid=start]")
    page.wait_for_function(f"() => {decided_by}.includes('your signs')", timeout=90_000)
    assert read() == sign

    page.click("[data-testid=teach-panel] summary")
    page.click("[data-testid=forget]")
    page.wait_for_function(f"() => {decided_by} === 'hand shape + image'", timeout=30_000)
    assert read() == before
    assert "No signs of your own" in page.text_content("[data-testid=taught]")

    # Every sign in turn, stopped once the first is taught: what was taught stays, the rest is not recorded.
    page.click("[data-testid=teach-all]")
    page.wait_for_function("() => document.querySelector('[data-testid=taught]').textContent.includes('(10 hands)')",
                           timeout=60_000)
    page.click("[data-testid=teach]")  # now labelled Stop
    assert page.text_content("[data-testid=teach-status]") == "Stopped. Taught 0."
    assert page.text_content("[data-testid=teach]") == "Teach"
    assert page.text_content("[data-testid=taught]").endswith(": 0 (10 hands)")


def test_the_page_works_where_storage_is_blocked(site, launch):
    # Some private modes throw on any use of localStorage: settings and own signs then last one visit.
    blocked = """Object.defineProperty(window, 'localStorage', {
        get() { throw new DOMException('The operation is insecure.', 'SecurityError'); } });"""
    page = open_page(launch(), site.url + "?model=digits", init_script=blocked)
    assert not page.is_disabled("[data-testid=start]"), page.text_content("[data-testid=status]")
    assert page.text_content("[data-testid=taught]") == "No signs of your own taught for digits yet."
    assert not [m for m in page.console_messages if m.startswith("pageerror")], page.console_messages


def test_signs_are_saved_to_a_file_and_loaded_back_and_a_wrong_file_is_explained(site, launch, tmp_path):
    # Taught signs are the user's work: a file carries them to another browser, or past clearing this one's data.
    stored = {"8": np.round(hands(8, 10), 4).tolist(), "2": np.round(hands(2, 3), 4).tolist()}
    page = open_page(launch(), site.url + "?model=digits",
                     init_script=f"localStorage.setItem('signcam.own-signs.digits', {json.dumps(json.dumps(stored))})")
    page.click("[data-testid=teach-panel] summary")
    status = lambda: page.text_content("[data-testid=teach-status]")
    taught = lambda: page.text_content("[data-testid=taught]")
    assert "2 (3 hands), 8 (10 hands)" in taught()

    with page.expect_download() as download:
        page.click("[data-testid=save-signs]")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "signcam-signs-digits.json"
    content = json.loads(saved.read_text())
    assert content["format"] == "signcam-own-signs" and content["model"] == "digits"
    assert sorted(content["lessons"]) == ["2", "8"]  # taught by lessons, not learnt from words
    np.testing.assert_allclose(content["signs"]["8"], stored["8"])
    # The same file trains the next keypoint model (make train SIGNS_FILES=...): Python reads what the page wrote.
    read_hands, read_labels, left_out = signs_files.read(saved, "digits", [str(d) for d in range(10)])
    np.testing.assert_allclose(read_hands, np.concatenate([stored[sign] for sign in content["signs"]]), atol=1e-6)
    assert sorted(read_labels.tolist()) == [2] * 3 + [8] * 10 and left_out == []
    assert status() == "Saved your digits signs to signcam-signs-digits.json."

    page.click("[data-testid=forget]")
    assert "No signs of your own" in taught() and page.is_disabled("[data-testid=save-signs]")
    assert status() == "Forgot your signs for digits."  # with the camera off too
    page.set_input_files("[data-testid=load-signs]", saved)
    page.wait_for_function("() => document.querySelector('[data-testid=teach-status]').textContent.startsWith('Loaded')")
    assert "2 (3 hands), 8 (10 hands)" in taught()
    kept = page.evaluate("() => JSON.parse(localStorage.getItem('signcam.own-signs.digits'))")
    np.testing.assert_allclose(kept["8"], stored["8"])

    # Another model's file, a file that is no signs file, a sign this model lacks: said, and nothing lost.
    (tmp_path / "letters.json").write_text(json.dumps({**content, "model": "letters"}))
    (tmp_path / "photo.json").write_text("not json at all")
    (tmp_path / "extra.json").write_text(json.dumps({**content, "signs": {"Q": stored["8"], "7": stored["2"]}}))
    for name, words in [("letters.json", 'holds signs for the "letters" model'),
                        ("photo.json", "not a file of SignCam signs"),
                        ("extra.json", "Loaded 7 from \"extra.json\". Left out, not signs of digits or damaged: Q.")]:
        page.set_input_files("[data-testid=load-signs]", tmp_path / name)
        page.wait_for_function("(name) => document.querySelector('[data-testid=teach-status]').textContent.includes(name)",
                               arg=name)
        assert words in status(), status()
    assert "2 (3 hands), 7 (3 hands), 8 (10 hands)" in taught()
    assert not [m for m in page.console_messages if m.startswith("pageerror")], page.console_messages


def test_a_new_signer_is_pointed_to_teaching_until_they_have_taught_signs(site, launch, tmp_path):
    # Letters reads people it never saw far worse than its own test photos (metadata.new_people: 67 %
    # against 99 %), and teaching is the remedy: the status line says so once the camera runs, until
    # some signs are taught. Numbers (99 % either way) and the image model alone (teaching needs the
    # hand's shape) say nothing of it.
    camera = str(write_y4m(tmp_path / "empty.y4m", [np.full((480, 640, 3), 128, np.uint8)], 1))
    status = "document.querySelector('[data-testid=status]').textContent"

    def status_with_camera(query, taught=None, key="own-signs"):
        stored = (f"localStorage.setItem('signcam.{key}.letters', {json.dumps(json.dumps(taught))})"
                  if taught is not None else None)
        page = open_page(launch(camera=camera), site.url + query, init_script=stored)
        page.click("[data-testid=start]")
        page.wait_for_function(f"() => {status}.startsWith('Show a sign')", timeout=30_000)
        return page.evaluate(status)

    hint = ' Signs read wrong? "Teach it your signs" (below) learns your hands in about a minute.'
    assert status_with_camera("?model=letters") == "Show a sign to the camera." + hint
    assert status_with_camera("?model=letters", {"A": np.round(hands(1, 10), 4).tolist()}) == "Show a sign to the camera."
    # signs learnt from words kept only: a lesson would still do better, so the hint stays
    assert status_with_camera("?model=letters", {"A": np.round(hands(1, 10), 4).tolist()}, "learnt-signs") == \
        "Show a sign to the camera." + hint
    assert status_with_camera("?model=digits") == "Show a sign to the camera."
    assert status_with_camera("?model=letters&landmarks=off") == "Show a sign to the camera."
