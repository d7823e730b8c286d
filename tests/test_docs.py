"""The documents say what the build measured: the README's numbers are those of the files the build
writes (web/model/NAME/metadata.json from `make convert`, bench/*.json from `make bench` and `make
spell-bench`); the README
stays short, the model cards stay in their standard sections and small, the page ships the same card,
and nothing is dated by work sessions."""
import json
import re
import subprocess

import pytest

from conftest import ROOT

README = (ROOT / "README.md").read_text()
CARDS = sorted((ROOT / "docs" / "model-cards").glob("*.md"))
CARD_SECTIONS = ["Model details", "Intended use", "Factors", "Metrics", "Evaluation data", "Training data",
                 "Quantitative analyses", "Ethical considerations", "Caveats and recommendations"]
# A number with the unit that makes it a measurement.
MEASURE = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?= ?(?:%|×| ms\b| letters a second| photos\b))")


def metadata(name):
    return json.loads((ROOT / "web" / "model" / name / "metadata.json").read_text())


def pct(share):
    return f"{100 * share:.1f} %"


def flat(text):
    return " ".join(text.split())


def prose(text):
    """The text without its code blocks (commands, not claims)."""
    return re.sub(r"```.*?```", "", text, flags=re.S)


def numbers_in(value):
    """Every number in a JSON document."""
    if isinstance(value, dict):
        return [n for v in value.values() for n in numbers_in(v)]
    if isinstance(value, list):
        return [n for v in value for n in numbers_in(v)]
    return [value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def written_forms(number):
    """How the README may write a number: as a percentage of a share, to one or two decimals, whole."""
    forms = {f"{number:.1f}", f"{number:.2f}", f"{number:,}", f"{round(number):,}"}
    if 0 <= number <= 1:
        forms.add(f"{100 * number:.1f}")
    return forms


def test_the_accuracy_table_is_the_models_metadata():
    letters, digits = metadata("letters"), metadata("digits")
    fused, s2, people = letters["keypoints"]["test_accuracy"], letters["keypoints"]["held_out_signer"], letters["new_people"]
    rows = [
        f"| Letters: A–Z, space, del, nothing | {pct(fused['fused'])} (image alone {pct(letters['test_accuracy'])}) "
        f"| {pct(s2['fused'])} ({s2['signer']}, {s2['n']:,} photos) | **{pct(people['mean_fused'])}** over "
        f"{len(people['fused'])} people ({pct(people['worst']['fused'])}, {people['worst']['person']}) |",
        f"| Numbers: 0–9 | {pct(digits['keypoints']['test_accuracy']['fused'])} (image alone "
        f"{pct(digits['test_accuracy'])}) | | **{pct(digits['new_people']['mean_fused'])}** (students held out whole) |",
    ]
    for row in rows:
        assert row in README, f"README's accuracy table should have the row\n{row}"
    best = max(people["fused"], key=people["fused"].get)
    median = sorted(people["fused"].values())[len(people["fused"]) // 2]
    assert f"the best {pct(people['fused'][best])} ({best}), the median {pct(median)}" in flat(README)


def test_the_speed_sentence_is_the_benchmarks():
    results = json.loads((ROOT / "bench" / "results.json").read_text())
    letters = next(m for m in results["models"] if m["model"] == "letters")
    runs = json.loads((ROOT / "bench" / "page_path.json").read_text())["runs"]
    page = next(r for r in runs if r["backend"] == "wasm" and r.get("tracker", "page") == "worker")  # as the page runs
    sentence = (f"the letters image model takes {letters['ratio_ms_vs_tm']:.2f}× the time and "
                f"{letters['ratio_bytes_vs_tm']:.2f}× the bytes of a Teachable-Machine-equivalent model; with the hand's "
                f"shape on, the whole page decides {page['letters_per_s']} letters a second at {page['frame_ms_median']} ms "
                f"a frame, with {page['long_tasks_per_min']} main-thread tasks over 50 ms a minute, and the first letter "
                f"is on screen {page['first_letter_ms']} ms after Start")
    assert sentence in flat(README)


def test_the_spelling_table_is_the_spelling_benchmarks():
    lists = json.loads((ROOT / "bench" / "spelling.json").read_text())["lists"]
    for name, words in [("common words", "500 common English words"), ("names", "200 names of the census's"),
                        ("random strings", "200 random letter strings")]:
        r = lists[name]
        row = (f"| {words} ({r['words']:,} spelled) | {pct(r['exactly_right'])} | {pct(r['character_error_rate'])} "
               f"| {r['seconds_per_character']:.2f} |")
        assert row in README, f"README's spelling table should have the row\n{row}"
    taught = json.loads((ROOT / "bench" / "spelling.json").read_text())["once_taught_their_signs"]
    sentence = (f"common words {pct(taught['common words']['exactly_right'])} exactly right "
                f"({pct(taught['common words']['character_error_rate'])} characters wrong), names "
                f"{pct(taught['names']['exactly_right'])} ({pct(taught['names']['character_error_rate'])}), random strings "
                f"{pct(taught['random strings']['exactly_right'])} ({pct(taught['random strings']['character_error_rate'])})")
    assert sentence in flat(README), f"README should say, of the people once they taught their signs:\n{sentence}"
    r = json.loads((ROOT / "bench" / "spelling.json").read_text())["names_the_list_lacks"]
    row = (f"| the 200 names, were they not in the page's names list | {pct(r['exactly_right'])} "
           f"| {pct(r['character_error_rate'])} | {r['seconds_per_character']:.2f} |")
    assert row in README, f"README's spelling table should have the row\n{row}"


def test_every_measured_number_in_the_readme_is_in_a_file_the_build_writes():
    sources = [ROOT / "web" / "model" / name / "metadata.json" for name in ("letters", "digits")]
    sources += [ROOT / "bench" / name for name in ("results.json", "page_path.json", "spelling.json", "sign_space.json")]
    known = {form for path in sources for n in numbers_in(json.loads(path.read_text())) for form in written_forms(n)}
    known.add("50")  # not a measurement: the Long Tasks API's bar, "tasks over 50 ms"
    claimed = MEASURE.findall(prose(README))
    assert len(claimed) >= 10, claimed  # the pattern still finds the README's numbers
    assert not [n for n in claimed if n not in known], f"numbers in README.md that no build file holds: {claimed}"


def test_the_readme_is_short_and_its_commands_and_links_exist():
    assert len(README.splitlines()) <= 200
    targets = set(re.findall(r"^([\w-]+):", (ROOT / "Makefile").read_text(), flags=re.M))
    for target in re.findall(r"\bmake ([a-z][\w-]*)", README):
        assert target in targets, f"README.md says `make {target}`; the Makefile has no such target"
    for link in re.findall(r"\]\(([^)#:]+)\)", README):
        assert (ROOT / link).exists(), f"README.md links to {link}, which does not exist"


def test_the_layout_table_names_every_module():
    layout = README.split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([^`]+)`", layout))
    named |= {name.rsplit("/", 1)[-1] for name in named}
    modules = [p for folder in ("training", "studies", "bench") for p in (ROOT / folder).iterdir()
               if p.suffix in (".py", ".mjs") and p.name != "__init__.py"]
    modules += [p for p in (ROOT / "web").glob("*.js")]
    missing = [str(p.relative_to(ROOT)) for p in modules if p.name not in named]
    assert not missing, f"README.md's layout table does not name {missing}"


@pytest.mark.parametrize("card", CARDS, ids=lambda p: p.name)
def test_model_cards_have_the_standard_sections_are_small_and_ship_with_their_model(card):
    text = card.read_text()
    headings = re.findall(r"^## (.+)$", text, flags=re.M)
    assert [h for h in headings if h in CARD_SECTIONS] == CARD_SECTIONS, headings
    assert card.stat().st_size <= 12_000, f"{card.name}: {card.stat().st_size} bytes"
    assert (ROOT / "web" / "model" / card.stem / "README.md").read_text() == text, \
        f"web/model/{card.stem}/README.md differs from {card.name}: copy it"
    for link in re.findall(r"\]\(([^)#:]+)\)", text):
        assert (card.parent / link).exists(), f"{card.name} links to {link}, which does not exist"
    for picture in re.findall(r"!\[[^\]]*\]\(([^)#:]+)\)", text):  # make convert ships the pictures it shows
        assert (ROOT / "web" / "model" / card.stem / picture).read_bytes() == (card.parent / picture).read_bytes(), picture


def test_nothing_is_dated_by_work_sessions():
    files = subprocess.run(["git", "ls-files", "*.md", "*.py", "*.js", "*.mjs", "Makefile"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split()
    files = [f for f in files if f != "tests/test_docs.py"]  # (which names the patterns)
    dated = [f"{f}: {m.group(0)}" for f in files if (ROOT / f).is_file()
             for m in re.finditer(r"\bsessions? \d+|\(session\b|until session\b", (ROOT / f).read_text(), flags=re.I)]
    assert not dated, dated
