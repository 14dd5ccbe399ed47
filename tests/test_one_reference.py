"""One reference, one function: "B against the reference" is the same number in `compare`,
`cohort`, the summary report, the after-action report and the debrief's luck-adjusted score,
on one store with three trainees: A plays the doctrine plan, B the reckless one, C the
cautious one, each with `run --trainee` and `batch --trainee --runs N`. And no table pools a
trainee's runs into the doctrine group or shows reference runs as a pseudo-trainee."""
from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.evaluation import aar as aars
from sim.evaluation import record as records
from sim.evaluation.background import LuckJob, luck_lines
from sim.evaluation.cohort import cohort, text as cohort_text
from sim.evaluation.report import write_report
from sim.evaluation.skill import skill
from sim.evaluation.store import Store
from sim.format.scenario import load

ROOT = Path(__file__).resolve().parent.parent
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"
PLANS = ROOT / "scenarios" / "plans"
N = 6


def cli(*args) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "run_exercise.py", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    folder = tmp_path_factory.mktemp("three")
    db = folder / "exercise.db"
    recs = {}
    for trainee, plan in (("A", None), ("B", PLANS / "kowloon_flat_reckless.yaml"),
                          ("C", PLANS / "kowloon_flat_cautious.yaml")):
        extra = ["--plan", plan] if plan else []
        done = cli("run", KOWLOON, "--seed", 2, "--trainee", trainee, "--out", folder, *extra)
        recs[trainee] = done.stdout.strip().splitlines()[-1].replace("run record: ", "")
        cli("batch", KOWLOON, "--trainee", trainee, "--runs", N, "--db", db, "--workers", 1, *extra)
    cli("batch", KOWLOON, "--runs", N, "--db", db, "--workers", 1)  # the doctrine reference
    return folder, db, recs


def _number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, (pattern, text)
    return float(match.group(1))


def test_b_against_the_reference_is_one_number_everywhere(three):
    folder, db, recs = three
    scenario = load(KOWLOON)
    store = Store(db)
    record_b = records.load(recs["B"])

    # the debrief's function (a background job in the window) and the AAR's luck-adjusted score
    job = LuckJob(scenario, record_b, db, runs=N, workers=1).start()
    assert job.wait(600) and job.error is None, job.error
    debrief = _number(r"difference ([+-]\d\.\d{3})", luck_lines(job)[0])
    luck = skill(scenario, record_b, runs=N, store=store, workers=1)
    aar = aars.build(store, scenario, "B", luck=luck)
    aar_number = _number(r"\(([+-]\d\.\d{3}), p", " ".join(aar.summary))

    c = cohort(store, scenario, runs=N, workers=1)
    b = next(m for m in c.members if m.trainee == "B")
    cohort_number = round(b.against.value, 3)
    assert f"B: {b.against.text()}" in cohort_text(c)

    table = folder / "compare.csv"
    out = cli("compare", "--scenario", "kowloon_flat", "--by", "trainee", "--csv", table, "--db", db).stdout
    rows = {r["trainee"]: r for r in csv.DictReader(table.open())}
    compare_number = round(float(rows["B"]["vs_reference"]), 3)
    assert "(no trainee)" not in out and set(rows) == {"Doctrine plan (reference)", "A", "B", "C"}

    summary = write_report(store, scenario, by="trainee")
    report_number = _number(r"<td>B</td>.*?<td>([+-]\d\.\d{3}) \(", summary)

    assert debrief == aar_number == cohort_number == compare_number == report_number
    assert debrief < 0  # the reckless plan does worse than doctrine

    # A played the doctrine plan: A is a trainee, not part of the reference; the reference
    # counts each of its seeds once and no trainee's run
    reference = rows["Doctrine plan (reference)"]
    assert int(reference["seeds"]) == int(reference["runs"]) == N
    assert round(float(rows["A"]["vs_reference"]), 3) == 0.0
    # each trainee: seed 2 played and batched counts once
    assert int(rows["B"]["seeds"]) == N


def test_compare_by_plan_keeps_trainees_out_of_the_plan_groups(three):
    folder, db, _ = three
    out = cli("compare", "--scenario", "kowloon_flat", "--by", "plan", "--db", db).stdout
    assert "rows count: a plan's batch" in out
    runs_seeds = re.search(r"Doctrine plan\s+(\d+)\s+(\d+)", out.replace("(reference)", ""))  # it may wrap
    assert runs_seeds and runs_seeds.groups() == (str(N), str(N)), out  # only the reference runs, never A's


def test_cohort_counts_a_trainee_with_only_batch_runs_and_never_cuts_a_name(three):
    folder, db, _ = three
    long_name = "Det. Sgt. Anand Wongsakul-Prasertsri, Anti-Trafficking in Persons Division, Royal Thai Police, HKG"
    assert len(long_name) == 98
    cli("batch", KOWLOON, "--trainee", long_name, "--runs", N, "--db", db, "--workers", 1,
        "--plan", PLANS / "kowloon_flat_cautious.yaml")
    c = cohort(Store(db), load(KOWLOON), runs=N, workers=1)
    member = next(m for m in c.members if m.trainee == long_name)
    assert member.note.startswith("batch runs only") and member.played_score is None
    assert member.against is not None
    out = cohort_text(c)
    assert long_name in out and "batch runs only" in out
    assert "Victim safety" in out  # the scenario's capabilities, by name
    compare = cli("compare", "--scenario", "kowloon_flat", "--by", "trainee", "--db", db).stdout
    # wrapped to the terminal, never cut: every word is there, in order
    words = " ".join(line.strip() for line in compare.splitlines())
    assert long_name in words or all(w in compare for w in long_name.split())
