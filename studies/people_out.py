"""Leave people out: every person scored by keypoint models trained without them.

    python -m studies.people_out [--folds 6] [--power 0.5] [--curve]

The unit is the person (training/people.py): about 18 people across the four letter sets, dealt
into --folds folds. Fold i is tested; fold i+1's people are the validation people (early stopping,
the fusion weight and the no-hand bar are all chosen on people the model never trained on); the
rest train the keypoint model. Per person it reports hands found, keypoints, image and fused (as
the page decides), the speller's typed share, and which letters fail as what.

The image model is the shipped one (models/letters.keras). It never saw S2 nor the fourteen webcam
people, so for them image and fused are honest; it trained on asl-letters, asl-alphabet-64 and S1,
so for those three only the keypoint model is scored (their image models would each need their
own 23-minute training without them).

--curve adds the learning curve: the same folds, trained on 1, 2, 4, 8 ... of the training people
(drawn at random), to see whether more people still help.
Writes runs/people/summary.json (and curve.json, probabilities-PERSON.npz) and prints tables.
"""
import argparse
import json
import os
from pathlib import Path

import keras
import numpy as np

from training import data, keypoints, people
from training.files import replacing, save_npz, write_json

RUN_SPLIT = Path("models/letters.split.json")  # the shipped image model's classes
IMAGE_MODEL = Path("models/letters.keras")
# People the shipped image model never saw (its training photos are asl-letters, S1 and alphabet-64's).
IMAGE_NEVER_SAW = lambda person: person == "S2" or person.startswith("w")


def load_rows(cache_dir, classes):
    """Every photo of the letter caches that a class of the model shows: dict of arrays
    (cache, path, person, y, features of the first reading, found) and the caches' landmark tables."""
    caches = {cache: keypoints.cache_hands(cache_dir, cache, classes) for cache in people.LETTER_CACHES}
    rows = {"cache": np.concatenate([[cache] * len(c["paths"]) for cache, c in caches.items()]),
            "path": np.concatenate([c["paths"] for c in caches.values()]),
            "person": np.concatenate([c["persons"] for c in caches.values()]),
            "y": np.concatenate([c["y"] for c in caches.values()]),
            "x": np.concatenate([c["x"] for c in caches.values()]),
            "found": np.concatenate([c["found"] for c in caches.values()])}
    return rows, {cache: c["table"] for cache, c in caches.items()}


def deal_folds(persons, k):
    """People into k folds, the most photographed first, in snake order, so that no fold holds two
    of the big single-person sets (their absence would starve training)."""
    names, counts = np.unique(persons, return_counts=True)
    order = names[np.argsort(-counts, kind="stable")]
    folds = [[] for _ in range(k)]
    for i, name in enumerate(order):
        lap, place = divmod(i, k)
        folds[place if lap % 2 == 0 else k - 1 - place].append(str(name))
    return folds


def image_probabilities(rows, tables, data_dir, out):
    """The shipped image model's probabilities for the photos of people it never saw (cached in out)."""
    cached = Path(out) / "image-probabilities.npz"
    wanted = np.array([IMAGE_NEVER_SAW(p) for p in rows["person"]])
    if cached.is_file():
        saved = np.load(cached)
        if list(saved["paths"]) == list(rows["path"][wanted]):
            return wanted, saved["probabilities"]
    model = keras.models.load_model(IMAGE_MODEL, compile=False)
    probabilities = np.zeros((wanted.sum(), model.output_shape[-1]), np.float32)
    for cache, folder in people.LETTER_CACHES.items():
        mine = rows["cache"][wanted] == cache
        if mine.any():
            paths = list(rows["path"][wanted][mine])
            probabilities[mine] = keypoints.image_probabilities(model, Path(data_dir) / folder, paths, tables[cache])
    save_npz(cached, paths=rows["path"][wanted], probabilities=probabilities)
    return wanted, probabilities


def keypoint_answers(model, rows, tables, mask):
    """keypoints.keypoint_probabilities (each photo read twice) for the rows in mask, cache by cache:
    (probabilities, found)."""
    kp = np.zeros((mask.sum(), model.output_shape[-1]), np.float32)
    found = np.zeros(mask.sum(), bool)
    for cache in set(rows["cache"][mask]):
        of_cache = rows["cache"][mask] == cache
        kp[of_cache], found[of_cache] = keypoints.keypoint_probabilities(model, list(rows["path"][mask][of_cache]),
                                                                         tables[cache])
    return kp, found


def score_people(model, rows, tables, test, image, classes, weight, bar):
    """Per-person results for the rows in test (a mask): keypoints of both readings, and where
    image holds probabilities (NaN elsewhere), image and fused."""
    results, probabilities = {}, {}
    for person in sorted(set(rows["person"][test])):
        mine = test & (rows["person"] == person)
        kp, found = keypoint_answers(model, rows, tables, mine)
        y = rows["y"][mine]
        result = {"n": int(mine.sum()), "signs": int(len(set(y))), "hands_found": float(found.mean()),
                  "keypoints": float(np.mean(np.where(found, kp.argmax(1), -1) == y))}
        img = image[mine]
        if not np.isnan(img).any():
            fused = keypoints.decide(kp, img, found, weight, classes, bar)
            result.update(keypoints.scores(kp, img, found, y, weight, classes, bar),
                          speller=keypoints.typed(kp, img, found, weight, classes, y, bar),
                          per_class=keypoints.per_class_results(y, fused, classes))
            probabilities[person] = dict(keypoints=kp, image=img, found=found, y=y)
        else:
            result["per_class"] = keypoints.per_class_results(y, np.where(found, kp.argmax(1), -1), classes)
        results[person] = result
    return results, probabilities


def choose_fusion(model, rows, tables, val, image, classes):
    """Fusion weight and no-hand bar chosen on the validation people the image model never saw."""
    val = val & ~np.isnan(image[:, 0])
    kp, found = keypoint_answers(model, rows, tables, val)
    weight, _ = keypoints.choose_weight(kp, image[val], found, rows["y"][val], classes)
    bar, _ = keypoints.choose_no_hand_bar(image[val], found, rows["y"][val], classes)
    return weight, bar


def fold_masks(rows, folds, i):
    """(test, val) row masks of fold i: its own people, and the next fold's (who choose)."""
    return np.isin(rows["person"], folds[i]), np.isin(rows["person"], folds[(i + 1) % len(folds)])


def train_fold(rows, train, val, classes, seeds, power, units=128, augmentation=None):
    fit, held = train & rows["found"], val & rows["found"]
    weights = keypoints.person_weights(rows["person"][fit], power) if power else None
    return keypoints.train_ensemble(rows["x"][fit], rows["y"][fit], rows["x"][held], rows["y"][held],
                                    len(classes), seeds=seeds, weights=weights, units=units,
                                    augmentation=augmentation)


def first_per_sign(rows, mask, n):
    """mask, with each webcam person's photos with a hand cut to the first n of each sign: what their
    saved signs file would carry (the page keeps 10 hands a sign, web/personal.js PER_SIGN)."""
    keep = mask.copy()
    for person in np.unique(rows["person"][mask]):
        if not person.startswith("w"):  # the webcam people, w01-w14
            continue
        for sign in np.unique(rows["y"][mask]):
            mine = np.flatnonzero(mask & rows["found"] & (rows["person"] == person) & (rows["y"] == sign))
            keep[mine[n:]] = False
    return keep


def summarise(results):
    """Mean, worst and spread over people of each measure (fused over those the image model never saw)."""
    summary = {}
    for measure in ("keypoints", "image", "fused"):
        values = {person: r[measure] for person, r in results.items() if measure in r}
        if values:
            worst = min(values, key=values.get)
            summary[measure] = {"people": len(values), "mean": float(np.mean(list(values.values()))),
                                "worst": worst, "worst_value": values[worst],
                                "spread": float(np.std(list(values.values())))}
    return summary


def weak_letters(results, classes, below=0.8):
    """Per sign, over the people who signed it: the share of people reading it right on average."""
    by_sign = {}
    for person, r in results.items():
        for sign, v in r["per_class"].items():
            by_sign.setdefault(sign, []).append((person, v["right"], v.get("read_as")))
    return {sign: {"mean": float(np.mean([right for _, right, _ in v])),
                   "people": {person: {"right": right, "read_as": read_as} for person, right, read_as in v}}
            for sign, v in sorted(by_sign.items()) if np.mean([right for _, right, _ in v]) < below}


def learning_curve(rows, tables, folds, image, classes, seeds, power, units, sizes, out):
    """For each fold: keypoint models trained on `size` of its training people (drawn at random),
    scored per test person. Returns {size: {"keypoints": mean, "fused": mean over image-never-saw}}."""
    rng = np.random.default_rng(0)
    curve = {}
    for i in range(len(folds)):
        test, val = fold_masks(rows, folds, i)
        pool = sorted(set(rows["person"][~test & ~val]))
        for size in sizes:
            chosen = list(rng.choice(pool, min(size, len(pool)), replace=False))
            model = train_fold(rows, np.isin(rows["person"], chosen), val, classes, seeds, power, units)
            weight, bar = choose_fusion(model, rows, tables, val, image, classes)
            results, _ = score_people(model, rows, tables, test, image, classes, weight, bar)
            for person, r in results.items():
                curve.setdefault(size, {}).setdefault(person, {k: r[k] for k in ("keypoints", "fused") if k in r})
            print(f"curve fold {i} size {size}: {chosen}", flush=True)
    table = {size: {m: float(np.mean([r[m] for r in by_person.values() if m in r])) for m in ("keypoints", "fused")}
             for size, by_person in curve.items()}
    write_json(Path(out) / "curve.json", {"sizes": table, "per_person": curve})
    return table


def plot_curve(table, path, total_people):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(table, key=int)
    fig, ax = plt.subplots(figsize=(6, 4))
    for measure, label in (("fused", "fused (people the image model never saw)"), ("keypoints", "keypoints alone")):
        ax.plot([int(s) for s in sizes], [table[s][measure] * 100 for s in sizes], "o-", label=label)
    ax.set_xscale("log", base=2)
    ax.set_xticks([int(s) for s in sizes], [str(s) for s in sizes])
    ax.set_xlabel(f"people the keypoint model trained on (of {total_people})")
    ax.set_ylabel("letters read right, mean over held-out people (%)")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    with replacing(path, Path(path).stem + ".partial.png") as partial:
        fig.savefig(partial, dpi=100)
    plt.close(fig)


def contact_sheets(summary, rows, data_dir, out, per_person=5):
    """A sheet per weak letter (runs/people/contact-sheets/LETTER.png): a row per person who signs it
    under 80 % right, a few of their photos, and what they were read as. For the card's "why"."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder = Path(out) / "contact-sheets"
    folder.mkdir(parents=True, exist_ok=True)
    for sign, info in summary["weak_letters"].items():
        weak = [(person, v) for person, v in info["people"].items() if v["right"] < 0.8]
        fig, axes = plt.subplots(len(weak), per_person, figsize=(per_person * 1.3, len(weak) * 1.45), squeeze=False)
        for row, (person, v) in zip(axes, weak):
            mine = np.flatnonzero((rows["person"] == person) & (np.array([Path(p).parent.name for p in rows["path"]]) == sign))
            for ax, i in zip(row, mine[np.linspace(0, len(mine) - 1, per_person).astype(int)]):
                ax.imshow(data.load_image(Path(data_dir) / people.LETTER_CACHES[rows["cache"][i]] / rows["path"][i]))
            for ax in row:
                ax.axis("off")
            row[0].set_title(f"{person}: {v['right']:.0%} right, read as {v['read_as']}", fontsize=7, loc="left")
        fig.suptitle(f"{sign}: people who sign it under 80 % right", fontsize=9)
        fig.tight_layout()
        fig.savefig(folder / f"{sign}.png", dpi=80)
        plt.close(fig)
    return folder


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--landmarks", default="runs/landmarks")
    p.add_argument("--data", default=os.environ.get("SIGNCAM_DATA", "../shared/data"))
    p.add_argument("--out", default="runs/people")
    p.add_argument("--folds", type=int, default=6)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--power", type=float, default=0.5, help="person balance: keypoints.person_weights (0 = none)")
    p.add_argument("--units", type=int, default=128, help="width of the keypoint model's two hidden layers")
    p.add_argument("--augment", nargs="+", default=[], metavar="KEY=VALUE",
                   help=f"keypoint augmentation other than keypoints.AUGMENTATION {keypoints.AUGMENTATION}")
    p.add_argument("--exclude", nargs="+", default=[], metavar="PERSON",
                   help="never train on these people (they are still scored by the fold that tests them, and "
                        "stop the training as the next fold's validation people)")
    p.add_argument("--per-sign", type=int, metavar="N",
                   help="train on only the first N hands of each sign of each webcam person, as their saved "
                        "signs files would give them (the page keeps 10)")
    p.add_argument("--curve", action="store_true", help="also the learning curve (curve.json, learning-curve.png)")
    p.add_argument("--curve-sizes", type=int, nargs="+", default=[1, 2, 4, 8])
    args = p.parse_args(argv)
    augmentation = {key: float(value) for key, value in (item.split("=") for item in args.augment)}
    if set(augmentation) - set(keypoints.AUGMENTATION):
        p.error(f"--augment: unknown {sorted(set(augmentation) - set(keypoints.AUGMENTATION))}; "
                f"known: {sorted(keypoints.AUGMENTATION)}")

    classes = json.loads(RUN_SPLIT.read_text())["classes"]
    rows, tables = load_rows(args.landmarks, classes)
    folds = deal_folds(rows["person"], args.folds)
    print("folds:", folds)
    never_saw, probabilities = image_probabilities(rows, tables, args.data, args.out)
    image = np.full((len(rows["y"]), len(classes)), np.nan, np.float32)
    image[never_saw] = probabilities

    results, choices = {}, []
    for i in range(len(folds)):
        test, val = fold_masks(rows, folds, i)
        excluded = np.isin(rows["person"], args.exclude)
        train = ~test & ~val & ~excluded
        if args.per_sign:
            train = first_per_sign(rows, train, args.per_sign)
        model = train_fold(rows, train, val, classes, args.seeds, args.power, args.units,
                           augmentation)
        weight, bar = choose_fusion(model, rows, tables, val, image, classes)
        choices.append({"test": folds[i], "val": folds[(i + 1) % len(folds)], "fusion_image_weight": weight,
                        "no_hand_min_confidence": bar})
        fold_results, fold_probabilities = score_people(model, rows, tables, test, image, classes, weight, bar)
        for person, r in fold_results.items():
            results[person] = r
            print(person, json.dumps({k: v for k, v in r.items() if k != "per_class"}), flush=True)
        for person, probs in fold_probabilities.items():
            save_npz(Path(args.out) / f"probabilities-{person}.npz", classes=np.array(classes), weight=weight,
                     bar=bar, **probs)

    summary = {"how": f"leave people out: {args.folds} folds by person; keypoint models trained without "
                      f"the fold's people (validation: the next fold's); image: the shipped model, "
                      f"for the people it never saw", "seeds": args.seeds, "person_balance_power": args.power, "units": args.units,
               "augmentation": {**keypoints.AUGMENTATION, **augmentation}, "never_trained_on": args.exclude,
               "webcam_hands_per_sign": args.per_sign,
               "folds": choices, "summary": summarise(results), "weak_letters": weak_letters(results, classes),
               "people": results}
    if args.curve:
        sizes = args.curve_sizes + [max(len(sum(folds, [])) - 2 * len(f) for f in folds)]
        summary["learning_curve"] = learning_curve(rows, tables, folds, image, classes, args.seeds, args.power, args.units,
                                                   sorted(set(sizes)), args.out)
        plot_curve(summary["learning_curve"], Path(args.out) / "learning-curve.png", len(sum(folds, [])))
    write_json(Path(args.out) / "summary.json", summary)
    print_tables(summary)
    print(f"wrote {args.out}/summary.json; contact sheets of weak letters in "
          f"{contact_sheets(summary, rows, args.data, args.out)}/")


def print_tables(summary):
    print("\n| person | photos | signs | hands found | image | keypoints | fused | typed (right) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    cell = lambda r, k: f"{r[k]:.1%}" if k in r else "–"
    for person, r in summary["people"].items():
        typed = f"{r['speller']['typed']:.1%} ({r['speller']['typed_right']:.1%})" if "speller" in r else "–"
        print(f"| {person} | {r['n']} | {r['signs']} | {r['hands_found']:.1%} | {cell(r, 'image')} | "
              f"{cell(r, 'keypoints')} | {cell(r, 'fused')} | {typed} |")
    for measure, s in summary["summary"].items():
        print(f"{measure}: mean {s['mean']:.1%} over {s['people']} people, worst {s['worst']} "
              f"{s['worst_value']:.1%}, spread (sd) {s['spread']:.1%}")
    print("signs under 80 % on average: " + ", ".join(f"{sign} {v['mean']:.0%}" for sign, v in
                                                      summary["weak_letters"].items()))
    if "learning_curve" in summary:
        print("learning curve: " + ", ".join(f"{size}: {v['keypoints']:.1%} / {v['fused']:.1%}"
                                             for size, v in summary["learning_curve"].items()))


if __name__ == "__main__":
    main()
