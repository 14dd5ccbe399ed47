"""`run_exercise.py validate`: one `ok` line per good file; located messages and exit 2 otherwise."""
from __future__ import annotations

import subprocess
import sys

import pytest

import run_exercise
from conftest import ROOT, SCENARIOS, position, scenario_text


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run_exercise.py", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def broken(tmp_path):
    text = scenario_text({"fear: 0.5": "fera: 0.5", "default: ram": "default: rma"})
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path, text


def test_validate_every_shipped_scenario(capsys):
    paths = [str(p) for p in SCENARIOS]
    assert run_exercise.main(["validate", *paths]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == len(paths)
    for path, line in zip(paths, lines):
        assert line.startswith(f"{path}: ok: ")
    assert captured.err == ""


def test_validate_a_minimal_file(tmp_path, capsys):
    path = tmp_path / "mini.yaml"
    path.write_text(scenario_text())
    assert run_exercise.main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{path}: ok: mini 'Mini flat' (introductory, ~5 min; 8x8 cells; "
                          "1 victim, 1 perpetrator, 1 unit)")


def test_validate_a_broken_file_lists_located_problems(broken, capsys):
    path, text = broken
    assert run_exercise.main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.splitlines()
    line, column = position(text, "fera")
    assert err[0].startswith(f"{path}:{line}:{column}: victims[0].fera: unknown field 'fera'")
    line, column = position(text, "rma", after="default: rma")
    assert err[1].startswith(f"{path}:{line}:{column}: decisions[0].default: ")
    assert err[2] == f"{path}: 2 problems"
    assert len(err) == 3


def test_good_and_bad_files_together(broken, capsys):
    path, _ = broken
    good = str(SCENARIOS[0])
    assert run_exercise.main(["validate", good, str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith(f"{good}: ok: ")
    assert f"{path}: 2 problems" in captured.err


def test_subprocess_ok_on_shipped_scenarios():
    result = run_cli("validate", *[str(p.relative_to(ROOT)) for p in SCENARIOS])
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == len(SCENARIOS)
    assert all(": ok: " in line for line in result.stdout.splitlines())
    assert "Traceback" not in result.stderr


def test_subprocess_broken_file_exit_2_without_traceback(broken):
    path, text = broken
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    line, column = position(text, "fera")
    assert f"{path}:{line}:{column}: victims[0].fera: " in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("content", [
    b"!!python/object/apply:os.system ['true']\n",
    b"title: [unclosed\n",
    b"\xff\xfe\x00t\x00i\x00",
    b"- a list\n",
    b"",
    b"a: " + b"[" * 3000 + b"]" * 3000 + b"\n",
    b"floor_plan: {map: 5}\n",
])
def test_subprocess_never_a_traceback_on_bad_input(tmp_path, content):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    result = run_cli("validate", str(path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"{path}:")


def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    assert run_exercise.main(["validate", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{missing}:1:1: cannot read the file: No such file or directory")
    assert f"{missing}: 1 problem\n" in err


def test_subprocess_missing_file(tmp_path):
    missing = tmp_path / "nope.yaml"
    result = run_cli("validate", str(missing))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{missing}:1:1: cannot read the file: No such file or directory" in result.stderr


def test_directory_passed_as_a_file(tmp_path, capsys):
    assert run_exercise.main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path}:1:1: cannot read the file: Is a directory")


def test_subprocess_directory_passed_as_a_file(tmp_path):
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Is a directory" in result.stderr


def test_no_files_is_a_usage_error():
    result = run_cli("validate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "usage" in result.stderr
