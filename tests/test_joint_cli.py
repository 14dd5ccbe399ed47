"""The joint exercise on the command line: a headless joint run and its joint view."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run_exercise.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_a_headless_joint_run_shows_who_knew_what_and_the_record_verifies(tmp_path):
    result = _run("run", "scenarios/tutorial.yaml", "--joint", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Who knew what, and when" in result.stdout
    assert "Fon located" in result.stdout and "thai_liaison" in result.stdout
    record = result.stdout.strip().splitlines()[-1].split("run record: ")[1]
    view = _run("joint-view", record)
    assert view.returncode == 0 and "Messages" in view.stdout
    assert _run("verify", record).returncode == 0


def test_joint_view_of_a_solo_run_and_run_joint_without_seats_say_why(tmp_path):
    solo = _run("run", "scenarios/tutorial.yaml", "--out", str(tmp_path))
    record = solo.stdout.strip().splitlines()[-1].split("run record: ")[1]
    view = _run("joint-view", record)
    assert view.returncode == 2 and "not a joint run" in view.stderr and "Traceback" not in view.stderr
    from engine_maps import flat_yaml
    flat = tmp_path / "flat.yaml"
    flat.write_text(flat_yaml())
    joint = _run("run", str(flat), "--joint", "--out", str(tmp_path))
    assert joint.returncode == 2 and "needs a scenario with seats" in joint.stderr
