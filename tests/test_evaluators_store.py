"""The results store and the batch runner, as the evaluators rely on them.

- one run is stored once, however often or by however many processes it is added;
- a file that is not a store is refused and left byte for byte as it was;
- a store written by schema version 1 is upgraded on open and still readable;
- a batch streams its runs: the parent's memory does not grow with the number of runs;
- a larger batch of a plan already run on some of its seeds holds all its seeds.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import scenario_text
from sim.evaluation.batch import run_batch
from sim.evaluation.record import make_record
from sim.engine.exercise import Exercise
from sim.format.problems import InputError
from sim.format.scenario import load
from sim.evaluation.store import SCHEMA_VERSION, Store, run_key

ROOT = Path(__file__).resolve().parent.parent
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"


@pytest.fixture(scope="module")
def kowloon():
    return load(KOWLOON)


@pytest.fixture(scope="module")
def records(kowloon):
    out = []
    for seed in range(12):
        exercise = Exercise(kowloon, seed, kowloon.spec.doctrine_plan)
        exercise.run_to_end()
        out.append(make_record(exercise))
    return out


def table_count(path: Path, table: str) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        db.close()


def sidecars(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


# -- one run, one row ----------------------------------------------------------------------

def test_adding_the_same_record_twice_stores_it_once(tmp_path, records):
    record = records[0]
    store = Store(tmp_path / "s.db")
    assert store.add(record, source="batch", batch="b1") is True
    assert store.add(record, source="batch", batch="b1") is False
    assert store.count() == 1
    assert store.count("b1") == 1
    store.close()
    assert table_count(tmp_path / "s.db", "metrics") == sum(v is not None for v in record["metrics"]["scores"].values())
    assert table_count(tmp_path / "s.db", "capabilities") == len(record["metrics"]["capabilities"])
    assert table_count(tmp_path / "s.db", "events") == len(record["events"])
    assert table_count(tmp_path / "s.db", "decisions") == len(record["decisions"])


def _feed(path: str, chunk: list[dict], barrier, results, index: int) -> None:
    try:
        barrier.wait(timeout=30)
        store = Store(path)  # every process opens the fresh file at once: the schema is created once
        added = sum(store.add(r, source="batch", batch="shared") for r in chunk)
        store.close()
        results.put((index, added, None))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        results.put((index, 0, f"{type(exc).__name__}: {exc}"))


@pytest.mark.parametrize("trial", range(3))
def test_many_processes_feeding_one_store_end_with_exactly_the_union(tmp_path, records, trial):
    ctx = multiprocessing.get_context("fork")
    path = tmp_path / "shared.db"
    chunks = [records[0:6], records[3:9][::-1], records[6:12], records[0:12:2][::-1]]
    barrier = ctx.Barrier(len(chunks))
    results = ctx.Queue()
    procs = [ctx.Process(target=_feed, args=(str(path), chunk, barrier, results, i))
             for i, chunk in enumerate(chunks)]
    for p in procs:
        p.start()
    outcome = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    errors = [e for _, _, e in outcome if e]
    assert not errors, errors
    union = {run_key(r): r for chunk in chunks for r in chunk}
    assert sum(added for _, added, _ in outcome) == len(union) == 12  # each run reported new exactly once
    store = Store(path)
    rows = store.runs()
    assert len(rows) == 12
    assert sorted(r["seed"] for r in rows) == list(range(12))
    assert {r["run_key"] for r in rows} == set(union)
    store.close()
    assert table_count(path, "metrics") == sum(sum(v is not None for v in r["metrics"]["scores"].values()) for r in union.values())
    assert table_count(path, "events") == sum(len(r["events"]) for r in union.values())
    assert table_count(path, "decisions") == sum(len(r["decisions"]) for r in union.values())
    assert table_count(path, "schema_version") == 1


# -- files that are not stores ------------------------------------------------------------

@pytest.mark.parametrize("content", [
    os.urandom(4096),
    b"run,score\n1,0.5\n" * 50,
    b"abc",
    b"SQLite format 3\x00" + bytes(range(256)) * 16,  # the right magic, then garbage
], ids=["random", "csv", "short", "sqlite-magic-then-garbage"])
def test_a_file_that_is_not_a_store_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "results.db"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        Store(path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == content
    assert sidecars(path) == []  # no -wal, -shm or -journal left beside it


def _foreign_sqlite(path: Path, table_sql: str) -> bytes:
    db = sqlite3.connect(path)
    db.execute(table_sql)
    db.execute("INSERT INTO " + table_sql.split()[2].split("(")[0] + " DEFAULT VALUES")
    db.commit()
    db.close()
    return path.read_bytes()


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "contacts.db"
    before = _foreign_sqlite(path, "CREATE TABLE contacts (name TEXT, phone TEXT)")
    with pytest.raises(InputError):
        Store(path)
    assert path.read_bytes() == before


def test_refused_sqlite_file_really_is_left_untouched(tmp_path):
    path = tmp_path / "other.db"
    before = _foreign_sqlite(path, "CREATE TABLE runs (note TEXT)")  # a clashing table: Store refuses it
    with pytest.raises(InputError) as info:
        Store(path)
    assert "untouched" in str(info.value)
    import gc
    gc.collect()  # close the connection the failed Store left open
    assert path.read_bytes() == before


# -- schema versions ------------------------------------------------------------------------

V1_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version VALUES (1);
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, run_key TEXT NOT NULL UNIQUE, scenario_id TEXT NOT NULL,
    scenario_sha256 TEXT NOT NULL, seed INTEGER NOT NULL, trainee TEXT, plan_name TEXT NOT NULL,
    plan_key TEXT NOT NULL, source TEXT NOT NULL, batch TEXT, overall_score REAL NOT NULL,
    overall_rating TEXT NOT NULL, duration_s REAL NOT NULL, end_reason TEXT, events_sha256 TEXT NOT NULL,
    record_path TEXT);
CREATE INDEX runs_by_scenario ON runs (scenario_id, trainee, plan_name);
CREATE INDEX runs_by_batch ON runs (batch, seed);
CREATE TABLE metrics (run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, score REAL NOT NULL,
                      PRIMARY KEY (run_id, name));
CREATE TABLE capabilities (run_id INTEGER NOT NULL REFERENCES runs(id), capability TEXT NOT NULL,
                           score REAL NOT NULL, rating TEXT NOT NULL, PRIMARY KEY (run_id, capability));
CREATE TABLE decisions (run_id INTEGER NOT NULL REFERENCES runs(id), decision TEXT NOT NULL, option TEXT NOT NULL,
                        how TEXT, t REAL);
CREATE TABLE events (run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL, t REAL NOT NULL,
                     kind TEXT NOT NULL, subject TEXT, data TEXT NOT NULL, PRIMARY KEY (run_id, seq));
INSERT INTO runs VALUES (1, 'oldkey', 'kowloon_flat', 'abc', 7, 'olga', 'Doctrine', 'pk', 'played', NULL,
                         0.75, 'S', 600.0, 'operation complete', 'ev', NULL);
INSERT INTO metrics VALUES (1, 'victims_safe', 1.0), (1, 'evidence_secured', 0.5);
INSERT INTO capabilities VALUES (1, 'victim_safety', 0.9, 'P');
INSERT INTO decisions VALUES (1, 'gate_entry', 'key', 'chosen', 12.5);
INSERT INTO events VALUES (1, 0, 0.0, 'exercise_started', NULL, '{"kind": "exercise_started", "t": 0.0}');
"""


def test_version_1_store_is_upgraded_on_open_and_still_readable(tmp_path, records):
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.executescript(V1_SCHEMA)
    db.close()

    store = Store(path)
    versions = [r[0] for r in store.db.execute("SELECT version FROM schema_version")]
    assert versions == [SCHEMA_VERSION]
    columns = {r[1] for r in store.db.execute("PRAGMA table_info(runs)")}
    assert "facts" in columns
    (old,) = store.runs()
    assert (old["run_key"], old["seed"], old["trainee"], old["overall_score"]) == ("oldkey", 7, "olga", 0.75)
    assert old["facts"] is None
    assert store.metric_scores([1]) == {1: {"victims_safe": 1.0, "evidence_secured": 0.5}}
    assert store.capability_ratings([1]) == {1: {"victim_safety": (0.9, "P")}}
    assert store.events(1) == [{"kind": "exercise_started", "t": 0.0}]
    assert store.trainees() == ["olga"]

    from sim.evaluation.report import findings
    strengths, improve = findings(store, store.runs())  # an old run without facts does not break a report
    assert strengths or improve

    assert store.add(records[0], source="batch", batch="new") is True  # and new runs can be added
    assert store.count() == 2
    new = [r for r in store.runs() if r["run_key"] != "oldkey"][0]
    assert json.loads(new["facts"]) == json.loads(json.dumps(records[0]["metrics"]["facts"]))
    store.close()

    again = Store(path)  # opening an upgraded store again changes nothing
    assert [r[0] for r in again.db.execute("SELECT version FROM schema_version")] == [SCHEMA_VERSION]
    assert again.count() == 2
    again.close()


def test_store_from_a_newer_program_is_refused(tmp_path):
    path = tmp_path / "new.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 7,))
    db.commit()
    db.close()
    with pytest.raises(InputError) as info:
        Store(path)
    assert str(SCHEMA_VERSION + 7) in str(info.value)
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION + 7,)]
    db.close()


# -- batches ----------------------------------------------------------------------------------

def test_a_larger_batch_of_the_same_plan_holds_all_its_seeds(tmp_path, kowloon):
    store = Store(tmp_path / "s.db")
    plan = kowloon.spec.doctrine_plan
    run_batch(kowloon, plan, runs=3, workers=1, store=store, progress=False)
    second = run_batch(kowloon, plan, runs=6, workers=1, store=store, progress=False)
    assert sorted(r["seed"] for r in store.runs(batch=second.batch)) == list(range(6))
    simulated = []
    third = run_batch(kowloon, plan, runs=6, workers=1, store=store, progress=False, resume=True,
                      on_run=simulated.append)
    assert simulated == [] and third.skipped == 6


MEMORY_SCRIPT = textwrap.dedent("""
    import json, sys, tracemalloc
    sys.path.insert(0, sys.argv[1])

    def main(scenario_path, folder):
        from sim.evaluation import batch
        from sim.evaluation.batch import run_and_store, run_one
        from sim.format.scenario import load
        scenario = load(scenario_path)
        plan = json.dumps(scenario.spec.doctrine_plan.model_dump(mode="json", exclude_none=True))
        job = lambda seed: (scenario.path, plan, seed, None)
        for seed in range(20):  # warm the shared caches, as a worker's first runs do
            run_and_store([job(seed)], folder + "/warm.db", "bwarm", True)
        tracemalloc.start()
        out = {}
        for name, runs, hold in (("50", 50, False), ("200", 200, False), ("200 held", 200, True)):
            db = folder + "/" + name.replace(" ", "_") + ".db"
            held = []
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            for seed in range(1000, 1000 + runs):  # what one pool worker does, run after run
                summary = run_and_store([job(seed)], db, "b" + name, True)[0]
                if hold:
                    held.append(run_one(job(seed)))  # the control: a worker that keeps its records
            out[name] = {"peak": tracemalloc.get_traced_memory()[1] - base,
                         "count": batch._STORES[db].count(), "summary": len(json.dumps(summary))}
            del held
        print(json.dumps(out))

    if __name__ == "__main__":
        main(sys.argv[2], sys.argv[3])
""")


def test_a_worker_memory_stays_flat_while_streaming_a_batch(tmp_path):
    # Pool workers run a replication, store it and send back a summary; the parent only
    # counts summaries. What must hold is that a worker's memory does not grow with the
    # batch: 150 more runs add far less than 150 records (the raw ratio of two peaks is
    # noisy, as the window of a few runs and the caches' growth both move it), and the
    # "held" control shows that a worker keeping every record fails this by far.
    scenario = tmp_path / "mini.yaml"
    scenario.write_text(scenario_text())
    script = tmp_path / "memory.py"
    script.write_text(MEMORY_SCRIPT)
    done = subprocess.run([sys.executable, str(script), str(ROOT), str(scenario), str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["50"]["count"] == 50 and out["200"]["count"] == 200
    assert out["200"]["summary"] < 500  # what goes back to the parent: no events, no record
    flat50, flat200, held200 = out["50"]["peak"], out["200"]["peak"], out["200 held"]["peak"]
    per_record = (held200 - flat200) / 200
    assert per_record > 5_000, out  # a record of the tiny scenario is tens of kB in memory
    assert flat200 - flat50 < 20 * per_record, (out, f"ratio {flat200 / flat50:.2f}")
    # the measurement can tell: a worker that keeps every record grows with the batch
    assert held200 - flat50 > 100 * per_record and held200 / flat50 > 1.5, out


def test_an_interrupted_batch_counts_only_the_runs_it_stored_first(tmp_path, kowloon):
    # found in review: the count took in runs an earlier batch had stored and this one
    # only linked to itself
    store = Store(tmp_path / "s.db")
    plan = kowloon.spec.doctrine_plan
    run_batch(kowloon, plan, runs=8, workers=2, store=store, progress=False)
    seen = []

    def ctrl_c_after_two(summary):
        seen.append(summary)
        if len(seen) == 2:
            raise KeyboardInterrupt

    result = run_batch(kowloon, plan, runs=16, workers=2, store=store, progress=False, on_run=ctrl_c_after_two)
    assert result.interrupted
    rows = store.runs(batch=result.batch)
    assert result.stored == len([r for r in rows if r["seed"] >= 8])
    assert len(rows) > result.stored  # the earlier batch's runs are in this one too


def test_a_batch_of_another_engine_version_does_not_take_the_old_runs_for_its_own(tmp_path, kowloon):
    store = Store(tmp_path / "s.db")
    ex = Exercise(kowloon, 0, kowloon.spec.doctrine_plan)
    ex.run_to_end()
    old = make_record(ex)
    old["software_version"] = "0.0.1"
    assert store.add(old, source="batch")
    result = run_batch(kowloon, kowloon.spec.doctrine_plan, runs=1, workers=1, store=store, progress=False)
    assert result.stored == 1  # run again by this version, not found already stored


def test_events_are_stored_in_one_encoding_whoever_writes_them(tmp_path, kowloon):
    from sim.engine.eventlog import canonical
    store = Store(tmp_path / "s.db")
    run_batch(kowloon, kowloon.spec.doctrine_plan, runs=4, workers=2, store=store, progress=False)  # workers
    ex = Exercise(kowloon, 99, kowloon.spec.doctrine_plan)
    ex.run_to_end()
    store.add(make_record(ex), source="played")  # this process
    texts = [row[0] for row in store.db.execute("SELECT data FROM events")]
    assert len({r for (r,) in store.db.execute("SELECT run_id FROM events")}) == 5
    assert all(text == canonical(json.loads(text)) for text in texts)


def test_a_seed_run_by_two_engine_versions_counts_once_in_comparisons(tmp_path, kowloon):
    # found in review: an upgraded store held each seed twice, and compare's n doubled
    from sim import __version__
    from sim.evaluation.compare import table
    store = Store(tmp_path / "s.db")
    records = []
    for seed in range(3):
        ex = Exercise(kowloon, seed, kowloon.spec.doctrine_plan)
        ex.run_to_end()
        records.append(make_record(ex))
    for record in records:
        old = json.loads(json.dumps(record))
        old["software_version"], old["metrics"]["overall"]["score"] = "0.1.0", 0.123
        assert store.add(old, source="batch")
    assert store.add(records[0], source="batch")  # seed 0 run again by this version
    (doctrine,) = table(store, kowloon, "plan")  # the reference row: no plan batches stored
    assert doctrine.is_reference and doctrine.summary.n == 3
    assert sorted(r["seed"] for r in doctrine.runs) == [0, 1, 2]
    by_seed = {r["seed"]: r for r in doctrine.runs}
    assert by_seed[0]["software_version"] == __version__ and by_seed[0]["overall_score"] != 0.123
    assert by_seed[1]["software_version"] == "0.1.0"  # only the old version has it: kept


def test_a_second_store_in_one_process_keeps_the_first_ones_locks(tmp_path, kowloon):
    """Found in the debrief (issue 17): opening a second Store on a file this process already
    held read the file's header with open()/close(), which dropped every SQLite lock of the
    process on it; a batch in another process then reset the write-ahead log under the first
    connection, and the next reader got 'database disk image is malformed'."""
    import subprocess
    import sys
    db = tmp_path / "shared.db"

    def batch(trainee: str) -> None:
        done = subprocess.run([sys.executable, "run_exercise.py", "batch", str(KOWLOON), "--runs", "2", "--trainee",
                               trainee, "--db", str(db), "--workers", "1"], cwd=ROOT, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    batch("first")
    held = Store(db)  # the window's connection, say
    for i in range(3):
        batch(f"other {i}")
        second = Store(db)  # the background score's
        assert second.count() == held.count() == 2 * (i + 2)
        second.close()
    held.close()
