"""Golden event logs: the doctrine plan of every shipped scenario on seed 1, byte for byte.

A failure here means the engine's behaviour changed. If the change is meant, run
`make golden` and explain the new log in the commit.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from update_golden import GOLDEN, ROOT, golden_log, joint_scenarios

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
JOINT = joint_scenarios()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_doctrine_run_matches_its_golden_log(path: Path):
    _compare(path, GOLDEN / f"{path.stem}.jsonl", joint=False)


@pytest.mark.parametrize("path", JOINT, ids=[p.stem for p in JOINT])
def test_the_joint_doctrine_run_matches_its_golden_log(path: Path):
    """Every seat played by its share of the doctrine plan: the seats' pictures and messages."""
    _compare(path, GOLDEN / f"{path.stem}.joint.jsonl", joint=True)


def _compare(path: Path, saved: Path, *, joint: bool) -> None:
    assert saved.exists(), f"no golden log {saved.name}: run `make golden` and commit it"
    fresh = golden_log(path, joint=joint).decode().splitlines()
    expected = saved.read_text().splitlines()
    for i, (a, b) in enumerate(zip(expected, fresh)):
        assert a == b, f"{path.name}: event {i} changed\n  saved: {a}\n  now:   {b}\n(make golden if meant)"
    assert len(fresh) == len(expected), f"{path.name}: {len(expected)} events saved, {len(fresh)} now"
