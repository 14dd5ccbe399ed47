"""Rewrite the golden event logs: `make golden`, after a change in behaviour you meant.

Each shipped scenario's doctrine plan on seed 1 gives an event log; tests/test_golden.py
compares it with the copy saved here, so any change in behaviour is seen and explained in
its commit.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sim.engine.eventlog import to_jsonl  # noqa: E402
from sim.engine.exercise import Exercise  # noqa: E402
from sim.format.scenario import load  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
SEED = 1


def golden_log(path: Path, *, joint: bool = False) -> bytes:
    """The doctrine run on seed 1; `joint`: as a joint run with every seat played by the plan."""
    scenario = load(path)
    exercise = Exercise(scenario, SEED, scenario.spec.doctrine_plan, joint=() if joint else None)
    exercise.run_to_end()
    return to_jsonl(exercise.events)


def joint_scenarios() -> list[Path]:
    return [p for p in sorted((ROOT / "scenarios").glob("*.yaml")) if load(p).spec.seats]


def main() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        out = GOLDEN / f"{path.stem}.jsonl"
        out.write_bytes(golden_log(path))
        print(f"{out.relative_to(ROOT)}: {len(out.read_bytes().splitlines())} events")
    for path in joint_scenarios():
        out = GOLDEN / f"{path.stem}.joint.jsonl"
        out.write_bytes(golden_log(path, joint=True))
        print(f"{out.relative_to(ROOT)}: {len(out.read_bytes().splitlines())} events")


if __name__ == "__main__":
    main()
