"""Your own signs on people never seen: what *Teach it your signs* (training/personal.py =
web/personal.js) gives each of the people the shipped image model never saw (S2, w01-w14), on top
of the leave-people-out recogniser of `make people` (runs/people/probabilities-PERSON.npz).

    python -m studies.personal_people [--per-sign 3 --gap 2] [--grid]

Each person teaches the first --per-sign photos with a hand of every sign they signed, in capture
order (a webcam person's 15 photos of a sign are frames ~7 apart of one capture, about 0.25 s at
30 fps, so 3 photos are a moment of about half a second, as the page records), and is scored on the
same sign's photos from --gap photos after the last one taught: later in the same capture, which
flatters teaching (the person did not sign the letter again on another day). Two ways of teaching:
every sign, and only the wrong ones (the signs whose taught photos the recogniser read wrong, most
of them: a user who teaches what they see fail). --grid scores other BETA / TAU / GAMMA settings,
each person's chosen on the other people (leave one person out), against the shipped ones.
Writes PEOPLE/personal.json.
"""
import argparse
import json
from itertools import product
from pathlib import Path

import numpy as np

from studies import people_out
from training import data, keypoints, personal
from training.files import write_json

PER_SIGN, GAP = 3, 2  # photos taught per sign; photos left out after them (the defaults of --per-sign and --gap)
WAYS = ("taught_every_sign", "taught_the_wrong_ones")
GRID = {"beta": [0, 0.5, 1.0, 1.5, 2.0, 3.0], "tau": [0.05, 0.1, 0.2, 0.4], "gamma": [2.0, 4.0, 8.0, 16.0]}


def person_rows(rows, tables, person):
    """(first-reading features of the hand the page draws, frame index, class) of one person's
    photos, in the order of runs/people/probabilities-PERSON.npz."""
    mine = rows["person"] == person
    cache = rows["cache"][mine][0]
    paths = list(rows["path"][mine])
    x, _ = keypoints.features_for(paths, keypoints.first_hands(tables[cache]))
    frames = np.array([data.frame_index(p) or 0 for p in paths])
    return x, frames, rows["y"][mine]


def teaching_split(frames, y, found, per_sign, gap):
    """Taught rows (the first per_sign with a hand of every sign, in capture order) and a mask of the
    rows scored (each sign's photos from `gap` photos after its last taught one)."""
    taught, tested = [], np.zeros(len(y), bool)
    for sign in np.unique(y):
        order = np.flatnonzero(y == sign)[np.argsort(frames[y == sign], kind="stable")]
        with_hand = [i for i in order if found[i]][:per_sign]
        if len(with_hand) < per_sign:
            continue  # too few hands to teach this sign: neither taught nor scored
        taught += with_hand
        tested[order[list(order).index(with_hand[-1]) + 1 + gap:]] = True
    return np.array(taught, int), tested


def decisions(p, keypoint_probs):
    return keypoints.decide(keypoint_probs, p["image"], p["found"], p["weight"], list(p["classes"]), p["bar"])


def wrong_ones(p, taught):
    """Of the taught rows, those of signs the recogniser read wrong on most of their taught photos."""
    read, y = decisions(p, p["keypoints"])[taught], p["y"][taught]
    wrong = [sign for sign in np.unique(y) if np.mean(read[y == sign] != sign) > 0.5]
    return taught[np.isin(y, wrong)]


def accuracy_taught(p, x, taught, tested, beta=personal.BETA, tau=personal.TAU, gamma=personal.GAMMA):
    """Fused accuracy on the tested rows once the taught rows are the person's own signs."""
    if not len(taught):
        return float(np.mean((decisions(p, p["keypoints"]) == p["y"])[tested]))
    steered = personal.with_own_signs(p["keypoints"], x, (taught, p["y"][taught]), beta, tau, gamma)
    return float(np.mean((decisions(p, steered) == p["y"])[tested]))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--people", default="runs/people", help="make people's output (probabilities-PERSON.npz)")
    ap.add_argument("--landmarks", default="runs/landmarks")
    ap.add_argument("--per-sign", type=int, default=PER_SIGN)
    ap.add_argument("--gap", type=int, default=GAP)
    ap.add_argument("--grid", action="store_true", help="also choose BETA, TAU and GAMMA per person on the others")
    args = ap.parse_args(argv)

    files = sorted(Path(args.people).glob("probabilities-*.npz"))
    if not files:
        raise SystemExit(f"error: no {args.people}/probabilities-*.npz: run `make people` first")
    classes = json.loads(people_out.RUN_SPLIT.read_text())["classes"]
    rows, tables = people_out.load_rows(args.landmarks, classes)

    people = {}
    for f in files:
        person = f.stem.removeprefix("probabilities-")
        p = dict(np.load(f))
        x, frames, y = person_rows(rows, tables, person)
        if list(p["classes"]) != classes or not (y == p["y"]).all():
            raise SystemExit(f"error: {f} is not in the order of {args.landmarks}: run `make people` again")
        taught, tested = teaching_split(frames, y, p["found"], args.per_sign, args.gap)
        people[person] = (p, x, {"taught_every_sign": taught, "taught_the_wrong_ones": wrong_ones(p, taught)}, tested)

    results = {}
    print("| person | signs | photos scored | fused | taught every sign | taught only the wrong ones (signs) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for person, (p, x, ways, tested) in people.items():
        y = p["y"]
        r = results[person] = {"signs": int(len(set(y[ways["taught_every_sign"]]))), "scored": int(tested.sum()),
                               "fused": accuracy_taught(p, x, [], tested),
                               **{way: accuracy_taught(p, x, ways[way], tested) for way in WAYS},
                               "wrong_signs": int(len(set(y[ways["taught_the_wrong_ones"]])))}
        print(f"| {person} | {r['signs']} | {r['scored']} | {r['fused']:.1%} | {r['taught_every_sign']:.1%} | "
              f"{r['taught_the_wrong_ones']:.1%} ({r['wrong_signs']}) |", flush=True)

    def summarise(key, values):
        worst = min(values, key=values.get)
        return {"mean": float(np.mean(list(values.values()))), "worst": worst, "worst_value": values[worst]}

    summary = {"how": f"each person teaches the first {args.per_sign} photos with a hand of every sign (or only of "
                      f"those read wrong), scored on that sign's photos from {args.gap} later in the same capture; "
                      f"recogniser: leave people out ({args.people})",
               "beta": personal.BETA, "tau": personal.TAU, "gamma": personal.GAMMA,
               **{key: summarise(key, {q: r[key] for q, r in results.items()}) for key in ("fused",) + WAYS},
               "people": results}
    for key in ("fused",) + WAYS:
        print(f"{key}: mean {summary[key]['mean']:.1%}, worst {summary[key]['worst']} {summary[key]['worst_value']:.1%}")

    if args.grid:
        # Every setting's score per person (mean of the two ways of teaching); each person then gets
        # the setting best on the others.
        settings = list(product(*GRID.values()))
        score = {s: {q: {way: accuracy_taught(p, x, ways[way], tested, *s) for way in WAYS}
                     for q, (p, x, ways, tested) in people.items()} for s in settings}
        both = lambda s, q: np.mean(list(score[s][q].values()))
        chosen = {}
        for q in people:
            best = max(settings, key=lambda s: np.mean([both(s, o) for o in people if o != q]))
            chosen[q] = {"setting": dict(zip(GRID, best)), **score[best][q]}
        pooled = sorted(settings, key=lambda s: -np.mean([both(s, q) for q in people]))
        summary["grid"] = {"settings": GRID,
                           "best_pooled": [{**dict(zip(GRID, s)), **{way: float(np.mean([score[s][q][way] for q in people]))
                                                                      for way in WAYS}} for s in pooled[:10]],
                           "chosen_on_the_others": chosen,
                           **{way: float(np.mean([c[way] for c in chosen.values()])) for way in WAYS}}
        print("best pooled settings (every sign / only the wrong ones):")
        for s in summary["grid"]["best_pooled"]:
            print(f"  beta {s['beta']} tau {s['tau']} gamma {s['gamma']}: "
                  f"{s['taught_every_sign']:.1%} / {s['taught_the_wrong_ones']:.1%}")
        print("each person's setting chosen on the others: " +
              " / ".join(f"{summary['grid'][way]:.1%}" for way in WAYS) +
              f"; chosen: {sorted({tuple(c['setting'].values()) for c in chosen.values()})}")
    write_json(Path(args.people) / "personal.json", summary)
    print(f"wrote {args.people}/personal.json")


if __name__ == "__main__":
    main()
