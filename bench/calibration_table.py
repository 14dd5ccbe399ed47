"""The calibration table of scenarios/README.md: every shipped scenario's three plans over the
same seeds, as Markdown rows, then each scenario's targets met or missed.

    python bench/calibration_table.py [--runs 1000] [--workers K]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sim.evaluation.calibrate import BAD_OUTCOMES, PLAN_KINDS, calibrate, plan_files, targets_met  # noqa: E402
from sim.format.scenario import load, load_plan  # noqa: E402

ORDER = ("kowloon_flat", "tutorial", "rural_recruiter", "subdivided_floor", "call_centre")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    heads = ["scenario", "plan", "mean", "p5", "p95", "below P"] + list(BAD_OUTCOMES)
    print("| " + " | ".join(heads) + " |")
    print("| --- | --- | " + " | ".join("---:" for _ in heads[2:]) + " |")
    verdicts = []
    for name in ORDER:
        scenario = load(ROOT / "scenarios" / f"{name}.yaml")
        plans = {kind: load_plan(str(path), scenario) for kind, path in plan_files(scenario).items()}
        results = calibrate(scenario, plans, runs=args.runs, workers=args.workers)
        for i, kind in enumerate(PLAN_KINDS):
            r = results[kind]
            cells = [f"`{name}`" if i == 0 else "", kind, f"{r.mean:.3f}", f"{r.percentile(5):.3f}",
                     f"{r.percentile(95):.3f}", f"{r.below_p:.1%}"] + [f"{r.share(o):.1%}" for o in BAD_OUTCOMES]
            print("| " + " | ".join(cells) + " |", flush=True)
        verdicts.append((name, targets_met(results, dict(scenario.spec.challenge.steady))))
    print()
    for name, targets in verdicts:
        for text, met in targets:
            print(f"- `{name}`: {'met' if met else '**missed**'}: {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
