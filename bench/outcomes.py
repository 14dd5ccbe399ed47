"""Bad outcomes by plan, as a tactical commander would measure them: each plan over the same
seeds, the share of runs with each bad outcome, how often the flat was warned before the
police were inside, and what the events say caused each outcome.

    python bench/outcomes.py scenarios/kowloon_flat.yaml PLAN.yaml ... [--runs 300] [--workers 2]

Plans are plan files; `doctrine` names the scenario's own doctrine plan.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.engine.exercise import Exercise  # noqa: E402
from sim.evaluation.metrics import evaluate  # noqa: E402
from sim.format.scenario import load, load_plan  # noqa: E402

OUTCOMES = {
    "harmed": ("victim_injured", "hostage_taken"),
    "hostage": ("hostage_taken",),
    "escaped": ("perpetrator_fled",),
    "evidence lost": ("evidence_destroyed",),
    "offender": ("victim_treated_as_offender",),
    "officer hurt": ("officer_injured",),
    "moved away": ("victim_moved_away",),
}


def _plan(scenario, name):
    return scenario.spec.doctrine_plan if name == "doctrine" else load_plan(name, scenario)


def _one(args):
    scenario_path, plan_name, seeds = args
    scenario = load(scenario_path)
    plan = _plan(scenario, plan_name)
    rows = []
    for seed in seeds:
        ex = Exercise(scenario, seed, plan)
        ex.run_to_end()
        kinds = Counter(e["kind"] for e in ex.events)
        entered = next((e["t"] for e in ex.events if e["kind"] == "room_entered"), None)
        warned = next((e for e in ex.events if e["kind"] == "perpetrator_alerted"), None)
        early = warned is not None and (entered is None or warned["t"] < entered)
        causes = [(e["kind"], _short(e)) for e in ex.events if e["kind"] in
                  ("hostage_taken", "victim_injured", "victim_treated_as_offender", "officer_injured",
                   "perpetrator_fled", "evidence_destroyed")]
        identified = sum(1 for e in ex.events if e["kind"] == "victim_identified")
        score = evaluate(scenario.spec, ex.events)["overall"]["score"]
        rows.append({"score": score, "bad": {k: any(kinds[x] for x in v) for k, v in OUTCOMES.items()},
                     "warned_before_entry": early, "warned_by": _why(warned) if early else None,
                     "causes": causes, "identified": identified, "end": ex.end_reason.split(";")[0],
                     "duration": ex.now})
    return rows


def _why(event):
    why = event.get("why", "")
    return why.split(":")[0] if why.startswith("pressure") else why.split(" ")[0]


def _short(e):
    if e["kind"] == "hostage_taken":
        return f"warned by {str(e.get('warned_by', '?')).split(':')[0]}"
    if e["kind"] == "victim_injured":
        return e.get("why", "")[:40]
    if e["kind"] == "victim_treated_as_offender":
        return "; ".join(c.split(" at T+")[0].split(" by ")[0] for c in e.get("causes", []))[:70]
    if e["kind"] == "officer_injured":
        return f"shields={e.get('shields')} approach={e.get('approach')}"
    if e["kind"] == "perpetrator_fled":
        return f"via {e.get('via')}"
    return f"warned by {str(e.get('warned_by', '?')).split(':')[0]}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("plans", nargs="+")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--causes", action="store_true", help="also list the commonest causes")
    args = ap.parse_args()
    seeds = list(range(args.seed, args.seed + args.runs))
    chunks = [seeds[i::args.workers * 4] for i in range(args.workers * 4)]
    header = ["plan", "score"] + list(OUTCOMES) + ["warned early", "identified", "ended at limit", "mean min"]
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |", flush=True)
    detail = {}
    with ProcessPoolExecutor(args.workers) as pool:
        for plan in args.plans:
            rows = [r for part in pool.map(_one, [(args.scenario, plan, c) for c in chunks]) for r in part]
            n = len(rows)
            shares = [f"{100 * sum(r['bad'][k] for r in rows) / n:.1f}%" for k in OUTCOMES]
            early = f"{100 * sum(r['warned_before_entry'] for r in rows) / n:.1f}%"
            ident = f"{sum(r['identified'] for r in rows) / n:.2f}"
            limit = f"{100 * sum(r['end'].startswith('time limit') for r in rows) / n:.0f}%"
            dur = f"{sum(r['duration'] for r in rows) / n / 60:.1f}"
            score = f"{sum(r['score'] for r in rows) / n:.3f}"
            print(f"| {Path(plan).stem} | {score} | " + " | ".join(shares + [early, ident, limit, dur]) + " |",
                  flush=True)
            detail[plan] = rows
    if args.causes:
        for plan, rows in detail.items():
            print(f"\n{Path(plan).stem}:")
            counts = Counter(c for r in rows for c in set(r["causes"]))
            for (kind, why), k in counts.most_common(14):
                print(f"  {k:4d} runs  {kind}: {why}")
            warned = Counter(r["warned_by"] for r in rows if r["warned_by"])
            print("  warned before entry by:", dict(warned.most_common(6)))


if __name__ == "__main__":
    main()
