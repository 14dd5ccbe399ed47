"""The evaluators' command line, end to end: batch (killed, interrupted, resumed), score,
compare, report and export, each run as a user would run it (a subprocess in the project
folder, with --db pointing into a temporary folder).
"""
from __future__ import annotations

import base64
import csv
import html
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.evaluation import record as records
from sim.evaluation.batch import batch_id, run_batch
from sim.engine.exercise import Exercise
from sim.format.scenario import load
from sim.evaluation.store import Store

ROOT = Path(__file__).resolve().parent.parent
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"
RECKLESS = ROOT / "scenarios" / "plans" / "kowloon_flat_reckless.yaml"
TRAINEE_SEED = 10  # on this seed both decision points open for a trainee who knocks at the gate


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "run_exercise.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def no_traceback(done) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert "Traceback" not in done.stdout, done.stdout


@pytest.fixture(scope="module")
def kowloon():
    return load(KOWLOON)


def played_record(scenario, *, seed: int = TRAINEE_SEED, trainee: str = "alice") -> dict:
    """A trainee plays the doctrine orders but makes their own choices: knock and announce at
    the gate (poor) and detectives question the women in English (poor)."""
    plan = scenario.spec.doctrine_plan.model_copy(update={"decisions": {}, "name": "Trainee plan"})
    exercise = Exercise(scenario, seed, plan, interactive=True, trainee=trainee)
    answers = {"gate_entry": "knock", "first_words": "detectives"}
    while not exercise.finished:
        state = exercise.run_until_decision_or_end()
        if state is not None:
            exercise.decide(state.id, answers[state.id])
    return records.make_record(exercise)


@pytest.fixture(scope="module")
def alice(kowloon):
    record = played_record(kowloon)
    assert {k: v["option"] for k, v in record["decisions"].items()} == {"gate_entry": "knock",
                                                                         "first_words": "detectives"}
    assert all(v["how"] == "chosen" for v in record["decisions"].values())
    return record


# -- batch: killed, interrupted, resumed -----------------------------------------------------

RUNS = 60


def batch_command(db: Path, *extra: str) -> list[str]:
    return [sys.executable, "run_exercise.py", "batch", "scenarios/kowloon_flat.yaml", "--runs", str(RUNS),
            "--workers", "2", "--db", str(db), *extra]


def stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0  # not created yet


def start_and_signal(db: Path, sig: int, at_least: int) -> tuple[subprocess.Popen, int, str, str]:
    proc = subprocess.Popen(batch_command(db), cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    seen = 0
    while time.monotonic() < deadline:
        seen = stored(db)
        if seen >= at_least or proc.poll() is not None:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the batch ended before it could be stopped half way"
    assert at_least <= seen < RUNS
    os.killpg(proc.pid, sig)  # the whole group: the parent and its workers, as a terminal does
    out, err = proc.communicate(timeout=60)
    return proc, seen, out, err


def batch_rows(db: Path, kowloon) -> list[tuple[int, int]]:
    """(seed, number of events) of every run of the doctrine batch of RUNS from seed 0."""
    bid = batch_id(kowloon.sha256, kowloon.spec.doctrine_plan, 0, RUNS, None)
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT r.seed, (SELECT COUNT(*) FROM events e WHERE e.run_id = r.id) FROM runs r "
                            "WHERE r.batch = ? ORDER BY r.seed", (bid,)).fetchall()
    finally:
        conn.close()


def group_gone(pgid: int, wait: float = 10.0) -> bool:
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def check_complete(db: Path, kowloon, done, already: int) -> None:
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    bid = batch_id(kowloon.sha256, kowloon.spec.doctrine_plan, 0, RUNS, None)
    assert f"batch {bid}: {RUNS} of {RUNS} runs stored" in done.stdout
    assert f"({RUNS - already} new, {already} already stored" in done.stdout
    # the statistics table: 'Overall' first, each capability by name, then each metric
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("capability"))
    assert re.match(r"capability\s+mean\s+sd\s+95% CI\s+p5\s+p50\s+p95$", lines[header])
    number = r"\s+-?\d+\.\d{3}"
    assert re.match(rf"Overall{number}{number}\s+-?\d+\.\d{{3}} to -?\d+\.\d{{3}}{number}{number}{number}$",
                    lines[header + 1]), lines[header + 1]
    assert lines[header + 2].startswith("Victim safety ")
    assert any(line.startswith("Victims safe ") for line in lines[header + 1:])
    rows = batch_rows(db, kowloon)
    assert [seed for seed, _ in rows] == list(range(RUNS))  # exactly N runs, seeds 0..N-1, none twice
    assert all(events > 0 for _, events in rows)  # every stored run is whole
    assert stored(db) == RUNS


def test_batch_killed_half_way_and_resumed_ends_with_exactly_n_runs(tmp_path, kowloon):
    db = tmp_path / "killed.db"
    proc, seen, out, err = start_and_signal(db, signal.SIGKILL, at_least=10)
    assert proc.returncode == -signal.SIGKILL
    assert group_gone(proc.pid)
    kept = batch_rows(db, kowloon)
    assert seen <= len(kept) < RUNS
    assert len({seed for seed, _ in kept}) == len(kept)
    assert all(events > 0 for _, events in kept)  # a killed run is not half stored
    done = cli(*batch_command(db, "--resume")[2:])
    check_complete(db, kowloon, done, already=len(kept))


def test_batch_interrupted_with_ctrl_c_keeps_finished_runs(tmp_path, kowloon):
    db = tmp_path / "interrupted.db"
    proc, seen, out, err = start_and_signal(db, signal.SIGINT, at_least=5)
    assert proc.returncode == 130, (out, err)
    assert "Traceback" not in err, err
    assert "--resume" in err
    kept = batch_rows(db, kowloon)
    assert seen <= len(kept) < RUNS
    assert f"{len(kept)} of {RUNS} runs stored" in out
    assert all(events > 0 for _, events in kept)
    assert group_gone(proc.pid), "worker processes were left running after Ctrl-C"
    done = cli(*batch_command(db, "--resume")[2:])
    check_complete(db, kowloon, done, already=len(kept))


# -- score: skill, not luck ------------------------------------------------------------------

def test_score_reports_the_cost_of_poor_choices(tmp_path, alice):
    path = records.save(alice, tmp_path)
    db = tmp_path / "score.db"
    done = cli("score", path, "--runs", 20, "--workers", 2, "--db", db)
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    out = done.stdout
    assert "20 seeds from 0" in out
    diff = re.search(r"paired difference:\s+([+-]\d+\.\d+)\s+\(95% CI ([+-]\d+\.\d+) to ([+-]\d+\.\d+); "
                     r"p[=<](\d\.\d+)(, significant)?\)", out)
    assert diff, out
    mean, low, high, p = (float(diff.group(i)) for i in range(1, 5))
    assert mean < 0 and high < 0 and low <= mean <= high
    assert p < 0.05 and diff.group(5)
    trainee = float(re.search(r"trainee's choices: expected score (\d\.\d+)", out).group(1))
    doctrine = float(re.search(r"doctrine plan:\s+expected score (\d\.\d+)", out).group(1))
    assert trainee < doctrine
    assert mean == pytest.approx(trainee - doctrine, abs=0.002)
    # the decisions, costliest first: questioning the women in English costs most (the knock
    # at the gate has a forced fallback in the scenario, so it costs little)
    after = out.split("decisions that cost the most", 1)
    assert len(after) == 2, out
    costs = re.findall(r"^\s+(\w+): (\w+) instead of (\w+): ([+-]\d+\.\d+)", after[1], re.M)
    assert [c[0] for c in costs][:1] == ["first_words"], out
    assert costs[0][1:3] == ("detectives", "liaison")
    assert {c[0] for c in costs} <= {"gate_entry", "first_words"}
    values = [float(c[3]) for c in costs]
    assert values == sorted(values, reverse=True) and values[0] > 0


def test_score_refuses_a_record_of_another_scenario_version(tmp_path, alice):
    changed = dict(alice, scenario=dict(alice["scenario"], sha256="0" * 64))
    path = records.save(changed, tmp_path)
    db = tmp_path / "refused.db"
    for command in (["score", path, "--runs", 20, "--workers", 2, "--db", db],
                    ["batch", KOWLOON, "--record", path, "--runs", 20, "--workers", 2, "--db", db]):
        done = cli(*command)
        assert done.returncode == 2, (command[0], done.stdout, done.stderr)
        no_traceback(done)
        assert str(path) in done.stderr
        assert "SHA-256" in done.stderr and "kowloon_flat" in done.stderr
        assert stored(db) == 0  # nothing was simulated or stored


# -- compare and report on one store: doctrine and reckless on the same seeds -----------------

@pytest.fixture(scope="module")
def evaluation_db(tmp_path_factory, kowloon, alice):
    folder = tmp_path_factory.mktemp("evaluation")
    db = folder / "exercise.db"
    for extra in ([], ["--plan", RECKLESS]):
        done = cli("batch", KOWLOON, "--runs", 20, "--workers", 2, "--db", db, *extra)
        assert done.returncode == 0, done.stderr
    store = Store(db)
    assert store.add(alice, source="played")
    store.close()
    return db


def test_compare_by_plan_marks_the_reckless_plan_significantly_worse(tmp_path, evaluation_db):
    table = tmp_path / "compare.csv"
    done = cli("compare", "--scenario", "kowloon_flat", "--by", "plan", "--csv", table, "--db", evaluation_db)
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    reckless_line = next(line for line in done.stdout.splitlines() if line.startswith("Reckless"))
    assert re.search(r"-\d\.\d{3}\*", reckless_line), reckless_line
    with open(table, newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    assert header[:12] == ["plan", "roles", "runs", "seeds", "mean", "ci_low", "ci_high", "vs_reference",
                           "vs_reference_ci_low", "vs_reference_ci_high", "p_value", "verdict"]
    assert "Victim safety" in header and "victims_safe" in header and "evidence_secured" in header
    assert all(len(row) == len(header) for row in rows)
    by_plan = {row[0]: dict(zip(header, row)) for row in rows[1:]}
    assert rows[1][0] == "Doctrine plan (reference)"  # the reference every other plan is compared with
    doctrine, reckless = by_plan["Doctrine plan (reference)"], by_plan["Reckless"]
    assert doctrine["runs"] == reckless["runs"] == "20"
    assert reckless["verdict"] == "larger than luck explains"
    assert float(reckless["vs_reference"]) < 0 and float(reckless["vs_reference_ci_high"]) < 0
    assert float(reckless["mean"]) < float(doctrine["mean"])
    assert float(reckless["vs_reference"]) == pytest.approx(float(reckless["mean"]) - float(doctrine["mean"]),
                                                            abs=1e-3)  # same seeds: paired = difference


def test_compare_unknown_scenario_lists_the_known_ids(evaluation_db):
    done = cli("compare", "--scenario", "atlantis", "--db", evaluation_db)
    assert done.returncode == 2
    no_traceback(done)
    assert "atlantis" in done.stderr and "kowloon_flat" in done.stderr


def test_report_is_a_standalone_html_with_charts_ratings_and_findings(tmp_path, evaluation_db, kowloon):
    out = tmp_path / "R.html"
    done = cli("report", "--scenario", "kowloon_flat", "--out", out, "--db", evaluation_db)
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    text = out.read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>") and text.rstrip().endswith("</html>")
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", text)
    assert len(images) >= 3
    for data in images:
        png = base64.b64decode(data, validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    # stands alone: nothing fetched from elsewhere
    assert not re.search(r"""(?:src|href)\s*=\s*['"](?!data:)""", text)
    assert "<script" not in text.lower() and "<link" not in text.lower()
    # objectives, capability ratings (P/S/M/U), strengths and areas for improvement
    for objective in kowloon.spec.briefing.objectives:
        assert html.escape(objective) in text
    for capability in kowloon.spec.scored_capabilities:
        assert html.escape(capability.name) in text
    assert re.search(r"<span class='r [PSMU]'>[PSMU]</span>", text)
    for words in ("P performed without challenges", "S with some challenges", "M with major challenges",
                  "U unable to be performed"):
        assert words in text
    strengths = re.search(r"<h2>Strengths</h2>\s*<ul>(.*?)</ul>", text, re.S)
    improve = re.search(r"<h2>Areas for improvement</h2>\s*<ul>(.*?)</ul>", text, re.S)
    assert strengths and improve
    assert "<li>" in strengths.group(1) and "<li>" in improve.group(1)
    assert "Reckless" in text and "Doctrine" in text


def test_report_unknown_trainee_lists_the_known_trainees(tmp_path, evaluation_db):
    out = tmp_path / "nobody.html"
    done = cli("report", "--scenario", "kowloon_flat", "--trainee", "nobody", "--out", out, "--db", evaluation_db)
    assert done.returncode == 2
    no_traceback(done)
    assert "nobody" in done.stderr and "alice" in done.stderr
    assert not out.exists()


# -- export ------------------------------------------------------------------------------------

def test_export_writes_every_table_with_the_right_number_of_rows(tmp_path, kowloon, alice):
    db = tmp_path / "export.db"
    store = Store(db)
    kept: list[dict] = []

    def count(record: dict) -> None:
        kept.append({"events": len(record["events"]), "metrics": sum(v is not None for v in record["metrics"]["scores"].values()),
                     "capabilities": len(record["metrics"]["capabilities"]),
                     "decisions": len(record["decisions"])})

    result = run_batch(kowloon, kowloon.spec.doctrine_plan, runs=8, workers=2, store=store, progress=False)
    for seed in range(8):  # the same runs again here, to know what the workers stored
        ex = Exercise(kowloon, seed, kowloon.spec.doctrine_plan)
        ex.run_to_end()
        count(records.make_record(ex))
    assert result.stored == 8
    assert store.add(alice, source="played")
    count(alice)
    store.close()
    folder = tmp_path / "csv" / "out"  # created if missing
    done = cli("export", "--csv", folder, "--db", db)
    assert done.returncode == 0, done.stderr
    no_traceback(done)
    assert "exported 9 runs" in done.stdout
    expected = {"runs": len(kept), **{k: sum(r[k] for r in kept) for k in ("metrics", "capabilities",
                                                                             "decisions", "events")}}
    for table, rows_expected in expected.items():
        with open(folder / f"{table}.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
        assert len(rows) - 1 == rows_expected, table
        assert all(len(row) == len(rows[0]) for row in rows), table
    with open(folder / "runs.csv", newline="", encoding="utf-8") as fh:
        runs = list(csv.DictReader(fh))
    assert {"run_key", "seed", "plan_name", "overall_score", "facts"} <= set(runs[0])
    assert sorted(int(r["seed"]) for r in runs if r["source"] == "batch") == list(range(8))
    assert [r["trainee"] for r in runs if r["source"] == "played"] == ["alice"]
    with open(folder / "decisions.csv", newline="", encoding="utf-8") as fh:
        decisions = list(csv.DictReader(fh))
    assert {"gate_entry", "first_words"} <= {d["decision"] for d in decisions}


def test_cli_refuses_a_store_that_is_not_sqlite_and_leaves_it_untouched(tmp_path):
    db = tmp_path / "notes.db"
    content = b"these are my notes, not a database\n" * 100
    db.write_bytes(content)
    done = cli("export", "--csv", tmp_path / "out", "--db", db)
    assert done.returncode == 2
    no_traceback(done)
    assert str(db) in done.stderr and "not" in done.stderr
    assert db.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]
