"""Which typical hands teach best: how many of each sign's surest training hands the chart's hand is
chosen from (training/chart.py SURE_SHARE), chosen on people the chart is made without.

    python -m studies.chart_choice [--shares 0.1 0.25 0.5 1]

The fourteen webcam people in two halves. For each half and share, the chart's hands are chosen
without that half's people, and the practice feedback is scored on their hands of the signs learners
confuse (studies/feedback_rate.mjs: the share whose feedback names a measure on which the two
signs' chart hands really differ; no reading of the recogniser, which these people's hands have not
been given). The best mean share goes into SURE_SHARE. The signer no model saw, S2, stays the test
(tests/js/handshape.test.js). Writes runs/chart-choice.json.
"""
import argparse
import json
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from training import chart
from training.files import write_json

HALVES = [[f"w{i:02d}" for i in range(1, 8)], [f"w{i:02d}" for i in range(8, 15)]]


def hands_of(hands, labels, persons, wanted, per_person=10):
    """{sign: [{hand, read: None}]} for the confused signs, at most per_person hands a person and sign."""
    out = {}
    for label in sorted(set("".join(chart.CONFUSED))):
        chosen = []
        for person in wanted:
            index = np.flatnonzero((labels == label) & (persons == person))
            chosen += list(index[np.linspace(0, len(index) - 1, min(per_person, len(index))).astype(int)]) if len(index) else []
        out[label] = [{"hand": [round(float(v), 4) for v in hands[i]], "read": None} for i in chosen]
    return out


def feedback_rate(signs, held):
    with tempfile.TemporaryDirectory() as folder:
        chart_file, hands_file = Path(folder) / "signs.json", Path(folder) / "hands.json"
        chart_file.write_text(json.dumps({"signs": [{"label": k, "hand": [float(v) for v in hand]} for k, hand in signs.items()]}))
        hands_file.write_text(json.dumps({"hands": held}))
        out = subprocess.run(["node", "studies/feedback_rate.mjs", str(chart_file), str(hands_file)],
                             capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--run", default="runs/letters")
    p.add_argument("--landmarks", default="runs/landmarks")
    p.add_argument("--shares", type=float, nargs="+", default=[0.1, 0.25, 0.5, 1.0])
    p.add_argument("--out", default="runs/chart-choice.json")
    args = p.parse_args(argv)
    classes = json.loads((Path(args.run) / "split.json").read_text())["classes"]
    signs = [label for label in classes if label not in chart.NOT_SIGNS]
    hands, labels, persons = chart.training_hands(args.run, args.landmarks)
    sure = chart.sureness(args.run, hands, labels)
    results, pairs = {}, {}
    for share in args.shares:
        rates = []
        for half in HALVES:
            kept = ~np.isin(persons, half)
            typical = chart.reference_hands(hands[kept], labels[kept], persons[kept], sure[kept], signs, share)
            rate = feedback_rate(typical, hands_of(hands, labels, persons, half))
            rates.append(rate["overall"])
            for name, (value, n) in rate["pairs"].items():  # per pair, both halves together
                before, count = pairs.setdefault(share, {}).get(name, (0.0, 0))
                pairs[share][name] = ((before * count + value * n) / (count + n), count + n)
            print(f"share {share}: {half[0]}-{half[-1]} left out: {rate['overall']:.1%} of {rate['n']} hands", flush=True)
        results[share] = float(np.mean(rates))
    best = max(results, key=results.get)
    write_json(args.out, {"how": __doc__.strip().splitlines()[0], "mean_by_share": results, "best": best,
                          "pairs_by_share": pairs})
    print(f"per pair at {best}:", " · ".join(f"{name} {value:.0%}" for name, (value, _) in pairs[best].items()))
    print("names a real difference, mean of both halves:",
          ", ".join(f"{share}: {rate:.1%}" for share, rate in results.items()), f"-> best {best}")


if __name__ == "__main__":
    main()
