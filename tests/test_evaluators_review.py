"""An evaluator's afternoon: three trainees' runs on one scenario, the cohort, a review that
changes ratings, and the after-action report (HTML and Word) of one trainee; plus the store's
upgrade to schema 5 and the batch whose killed parent leaves no worker behind."""
from __future__ import annotations

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.evaluation import aar as aars
from sim.evaluation.aar_docx import docx_bytes
from sim.evaluation.cohort import cohort, ranking_lines
from sim.evaluation.review import reviewed_run
from sim.evaluation.store import Store
from sim.format.scenario import load

ROOT = Path(__file__).resolve().parent.parent
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"
RECKLESS = ROOT / "scenarios" / "plans" / "kowloon_flat_reckless.yaml"
SEEDS = 16


def cli(*args, timeout: float = 180) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "run_exercise.py", *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


@pytest.fixture(scope="module")
def afternoon(tmp_path_factory):
    """alice plays doctrine's choices, carol knocks at the gate, bob knocks and lets the
    detectives speak first; a doctrine batch sits in the same store."""
    folder = tmp_path_factory.mktemp("afternoon")
    knocking = folder / "knocking.yaml"  # the shipped reckless plan, but knocking at the gate
    knocking.write_text(RECKLESS.read_text().replace("gate_entry: hydraulic", "gate_entry: knock"))
    middling = folder / "middling.yaml"
    middling.write_text(knocking.read_text().replace("first_words: detectives", "first_words: liaison")
                        .replace("name: Reckless", "name: Middling"))
    records = {}
    for trainee, seed, plan in (("alice", 3, None), ("bob", 5, knocking), ("carol", 7, middling)):
        args = ["run", KOWLOON, "--seed", seed, "--trainee", trainee, "--out", folder]
        done = cli(*(args + (["--plan", plan] if plan else [])))
        assert done.returncode == 0, done.stderr
        records[trainee] = done.stdout.strip().splitlines()[-1].replace("run record: ", "")
    done = cli("batch", KOWLOON, "--runs", 10, "--db", folder / "exercise.db", "--workers", 1)
    assert done.returncode == 0, done.stderr
    return folder, records


def test_cohort_ranks_three_trainees_with_paired_tests(afternoon):
    folder, _ = afternoon
    scenario = load(KOWLOON)
    store = Store(folder / "exercise.db")
    result = cohort(store, scenario, runs=SEEDS, workers=1)
    assert [m.trainee for m in result.members] == ["alice", "carol", "bob"]
    for m in result.members:
        assert m.summary.n == SEEDS and m.summary.ci_low <= m.summary.mean <= m.summary.ci_high
    lines = ranking_lines(result)
    assert "bob" in lines[-1] and "real difference" in lines[-1]  # detectives first costs a lot
    gate = next(d for d in result.decisions if d.id == "gate_entry")
    knock = next(o for o in gate.options if o.option == "knock")
    assert sorted(knock.chosen_by) == ["bob", "carol"] and knock.mean_cost is not None
    words = next(d for d in result.decisions if d.id == "first_words")
    detectives = next(o for o in words.options if o.option == "detectives")
    assert detectives.chosen_by == ["bob"] and detectives.mean_cost > 0.05
    done = cli("cohort", KOWLOON, "--db", folder / "exercise.db", "--runs", SEEDS, "--workers", 1)
    assert done.returncode == 0, done.stderr
    assert "Doctrine plan (reference)" in done.stdout and "Decision points" in done.stdout


def test_two_trainees_with_the_same_choices_cannot_be_told_apart(tmp_path):
    scenario = load(KOWLOON)
    for trainee, seed in (("dora", 2), ("emil", 4)):
        assert cli("run", KOWLOON, "--seed", seed, "--trainee", trainee, "--out", tmp_path).returncode == 0
    result = cohort(Store(tmp_path / "exercise.db"), scenario, runs=8, workers=1)
    assert "cannot be told apart" in ranking_lines(result)[0]


def test_review_changes_the_report_and_keeps_the_draft(afternoon):
    folder, records = afternoon
    db = folder / "exercise.db"
    scenario = load(KOWLOON)
    store = Store(db)
    before = aars.html(aars.build(store, scenario, "alice"))
    assert "Changed in review" not in before
    done = cli("review", records["alice"], "--evaluator", "Insp. Chan",
               "--set", "language_within_10=partly", "--reason", "spoke through the door first",
               "--set", "victims_protected=S", "--reason", "the women were left alone for a minute",
               "--observe", "T+04:10 strength victim_safety: a quiet approach",
               "--plan-item", "issue=Late Thai contact; action=Liaison in the second stack; agency=rtp_atpd; due=2027-02-15")
    assert done.returncode == 0, done.stderr
    assert "2 ratings changed in review" in done.stdout
    store = Store(db)
    run = aars._trainee_run(store, "kowloon_flat", "alice", None)
    reviewed = reviewed_run(store, scenario.spec, run)
    verdict = reviewed.verdicts["language_within_10"]
    assert (verdict.draft, verdict.rating, verdict.evaluator) == ("met", "partly met", "Insp. Chan")
    assert [r["item"] for r in store.reviews(run["id"])] == ["language_within_10", "victims_protected"]
    after = aars.build(store, scenario, "alice")
    page = aars.html(after)
    assert "Changed in review: draft P; changed by Insp. Chan" in page
    assert "spoke through the door first" in page and "a quiet approach" in page
    assert "Liaison in the second stack" in page
    own = next(t for c in after.capabilities for t in c.targets if t.id == "own_language")
    assert own.rating == "S"  # re-rated from the reviewed task: (1 + 0.5*2 ... ) weighted
    # the Word document says the same
    from docx import Document
    document = Document(io.BytesIO(docx_bytes(after)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "Executive summary" in text and "Improvement plan" in text
    assert "Changed in review: draft P; changed by Insp. Chan" in text
    assert "Liaison in the second stack" in cells


def test_review_refuses_bad_input_clearly(afternoon):
    folder, records = afternoon
    for args, words in ((["--set", "nothing=met"], "unknown capability, task or target 'nothing'"),
                        (["--evaluator", "x", "--set", "arrests=maybe", "--reason", "r"], "rate it met, partly or not_met"),
                        (["--evaluator", "x", "--set", "arrests=met"], "needs its reason"),
                        (["--set", "arrests=met", "--reason", "r"], "--evaluator NAME"),
                        (["--evaluator", "x", "--observe", "soon strength: x"], "not a replay time"),
                        (["--evaluator", "x", "--plan-item", "action=only"], "needs issue"),
                        (["--evaluator", "x", "--edit-plan", "99", "due=2027-01-01"], "no improvement-plan item 99")):
        done = cli("review", records["alice"], *args)
        assert done.returncode == 2, (args, done.stdout)
        assert words in done.stderr, done.stderr


def test_a_trainees_report_counts_no_doctrine_run(afternoon):
    folder, _ = afternoon
    db = folder / "exercise.db"
    store = Store(db)
    kinds = {r["kind"] for r in store.runs(scenario="kowloon_flat")}
    assert {"doctrine", "played", "policy"} <= kinds  # the batch, the played runs, the re-simulations
    scenario = load(KOWLOON)
    report = aars.build(store, scenario, "bob")
    assert report.run["trainee"] == "bob" and report.run["kind"] == "played"
    assert report.other_runs is None  # bob has one run of his own; the doctrine batch is not his
    out = folder / "bob.html"
    done = cli("report", "--db", db, "--trainee", "bob", "--out", out, "--docx", folder / "bob.docx",
               "--runs", SEEDS, "--workers", 1)
    assert done.returncode == 0, done.stderr
    page = out.read_text()
    assert "Doctrine plan (reference)" in page and "reference only" in page
    assert (folder / "bob.docx").stat().st_size > 10_000
    # the summary report of one trainee: only his run, never the doctrine batch
    summary = folder / "summary.html"
    assert cli("report", "--db", db, "--trainee", "bob", "--out", summary, "--runs", 0).returncode == 0
    done = cli("report", "--db", db, "--out", summary)
    assert done.returncode == 0 and "Doctrine plan (reference)" in summary.read_text()
    assert "not counted" in summary.read_text()


def test_report_refuses_bad_input(afternoon):
    folder, _ = afternoon
    db = folder / "exercise.db"
    for args, words in ((["--trainee", "zoe", "--out", folder / "z.html"], "no runs by trainee 'zoe'"),
                        (["--trainee", "bob", "--out", folder / "z.pdf"], ".html or a .docx"),
                        (["--out", folder / "z.docx"], "give --trainee NAME")):
        done = cli("report", "--db", db, *args)
        assert done.returncode == 2 and words in done.stderr, done.stderr


def test_batch_under_a_trainees_name(tmp_path):
    db = tmp_path / "t.db"
    done = cli("batch", KOWLOON, "--runs", 3, "--plan", RECKLESS, "--trainee", "frank", "--db", db, "--workers", 1)
    assert done.returncode == 0, done.stderr
    rows = Store(db).runs(trainee="frank")
    assert len(rows) == 3 and {r["kind"] for r in rows} == {"trainee_batch"}
    assert cli("batch", KOWLOON, "--runs", 3, "--trainee", " ", "--db", db).returncode == 2


def test_store_upgrades_from_schema_4(tmp_path):
    db = tmp_path / "old.db"
    store = Store(db)
    from sim.evaluation import record as records
    from sim.engine.exercise import Exercise
    scenario = load(KOWLOON)
    for plan_name, trainee in (("Doctrine", None), ("alice (policy)", None), ("x with doctrine gate_entry", None),
                               ("Trainee plan", "alice")):
        plan = scenario.spec.doctrine_plan.model_copy(update={"name": plan_name})
        exercise = Exercise(scenario, 1, plan, trainee=trainee)
        exercise.run_to_end()
        store.add(records.make_record(exercise), source="headless")
    store.close()
    raw = sqlite3.connect(db)  # back to version 4, as a store made before this change is
    raw.executescript("ALTER TABLE runs DROP COLUMN kind; DROP TABLE reviews; DROP TABLE observations;"
                      " DROP TABLE plan_items; UPDATE schema_version SET version = 4;")
    raw.commit()
    raw.close()
    store = Store(db)
    # upgraded to the roles of version 6: the policy replay is alice's, the played run hers
    assert [r["kind"] for r in store.runs()] == ["doctrine", "policy", "counterfactual", "played"]
    assert [r["trainee"] for r in store.runs()] == [None, "alice", None, "alice"]
    assert store.db.execute("SELECT version FROM schema_version").fetchone()[0] == 7
    assert store.reviews(1) == [] and store.plan_items(1) == []


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry.name))
    return out


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads the process table from /proc")
def test_sigkill_of_a_batch_leaves_no_worker(tmp_path):
    batch = subprocess.Popen([sys.executable, "run_exercise.py", "batch", str(KOWLOON), "--runs", "5000",
                              "--workers", "2", "--db", str(tmp_path / "k.db"), "--no-events"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 2 and time.monotonic() < deadline:
        workers = {p for p in _children(batch.pid) if "python" in Path(f"/proc/{p}/cmdline").read_text(errors="ignore")}
        time.sleep(0.2)
    assert len(workers) >= 2, "the pool did not start"
    time.sleep(1.0)
    batch.send_signal(signal.SIGKILL)
    batch.wait(10)
    deadline = time.monotonic() + 10
    alive = set(workers)
    while alive and time.monotonic() < deadline:
        alive = {p for p in alive if Path(f"/proc/{p}").exists() and
                 "Z" not in (Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0])}
        time.sleep(0.2)
    assert not alive, f"workers {sorted(alive)} outlived their killed batch"
