"""The results store: every run (played, headless or batch) in one SQLite file.

Tables: runs, metrics, capabilities, decisions, events. Each run is written in one
transaction and keyed so that writing the same run twice stores it once: many worker
processes can feed one store without losing or duplicating a run. The schema carries
its version and upgrades itself. A file that is not a store, or is damaged, is
reported and never overwritten.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Optional

from sim.engine.eventlog import canonical_lines
from sim.format.problems import InputError, Problem

SCHEMA_VERSION = 7
DEFAULT_PATH = Path("results") / "exercise.db"

_SCHEMA_V1 = """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    run_key TEXT NOT NULL UNIQUE,        -- scenario hash + plan + inputs + seed: one run, one row
    scenario_id TEXT NOT NULL,
    scenario_sha256 TEXT NOT NULL,
    seed INTEGER NOT NULL,
    trainee TEXT,
    plan_name TEXT NOT NULL,
    plan_key TEXT NOT NULL,              -- hash of the plan and inputs: runs of one policy share it
    source TEXT NOT NULL,                -- played, headless, batch
    batch TEXT,
    overall_score REAL NOT NULL,
    overall_rating TEXT NOT NULL,
    duration_s REAL NOT NULL,
    end_reason TEXT,
    events_sha256 TEXT NOT NULL,
    record_path TEXT
);
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
"""
# Version 2 keeps the facts of each run (victims safe, escapes, times) for reports.
# Version 3: a run may belong to several batches (a batch of 60 reuses the 20 runs of an
# earlier batch of the same plan on the same seeds), so membership has its own table.
_UPGRADES = {2: ["ALTER TABLE runs ADD COLUMN facts TEXT"],
             3: ["CREATE TABLE batch_runs (batch TEXT NOT NULL, run_id INTEGER NOT NULL REFERENCES runs(id),"
                 " PRIMARY KEY (batch, run_id))",
                 "INSERT INTO batch_runs SELECT batch, id FROM runs WHERE batch IS NOT NULL"],
             # Version 4: the engine version that made each run (NULL: made before it was kept).
             4: ["ALTER TABLE runs ADD COLUMN software_version TEXT"],
             # Version 5: what each run is for (a trainee's run, the doctrine plan, a trainee's
             # policy re-simulated, a counterfactual), so a trainee's figures never mix in the
             # others; and the evaluators' reviews, observations and improvement plan, each with
             # who and when (append-only: the draft and every earlier word are kept).
             5: ["ALTER TABLE runs ADD COLUMN kind TEXT",
                 "UPDATE runs SET kind = CASE WHEN plan_name LIKE '% (policy)' THEN 'policy'"
                 " WHEN plan_name LIKE '% with doctrine %' THEN 'counterfactual'"
                 " WHEN trainee IS NOT NULL THEN 'trainee'"
                 " WHEN lower(plan_name) LIKE 'doctrine%' THEN 'doctrine' ELSE 'plan' END",
                 "CREATE TABLE reviews (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
                 " item TEXT NOT NULL, level TEXT NOT NULL, draft TEXT NOT NULL, rating TEXT NOT NULL,"
                 " reason TEXT NOT NULL, evaluator TEXT NOT NULL, at TEXT NOT NULL)",
                 "CREATE TABLE observations (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
                 " kind TEXT NOT NULL, t REAL, capability TEXT, text TEXT NOT NULL, evaluator TEXT NOT NULL,"
                 " at TEXT NOT NULL)",
                 "CREATE TABLE plan_items (id INTEGER PRIMARY KEY, run_id INTEGER NOT NULL REFERENCES runs(id),"
                 " issue TEXT NOT NULL, action TEXT NOT NULL, capability TEXT, agency TEXT, start TEXT, due TEXT,"
                 " evaluator TEXT NOT NULL, at TEXT NOT NULL, replaces INTEGER, removed INTEGER NOT NULL DEFAULT 0)"],
             # Version 6: a run's role (the `kind` column) tells a trainee's played run from their
             # batch, and a trainee's policy replays and counterfactuals carry the trainee's name,
             # so that every table can say which roles it counts (sim/evaluation/reference.py).
             6: ["UPDATE runs SET kind = 'played' WHERE kind = 'trainee' AND source != 'batch'",
                 "UPDATE runs SET kind = 'trainee_batch' WHERE kind = 'trainee' AND source = 'batch'",
                 "UPDATE runs SET trainee = substr(plan_name, 1, instr(plan_name, ' (policy)') - 1)"
                 " WHERE kind IN ('policy', 'counterfactual') AND trainee IS NULL AND instr(plan_name, ' (policy)') > 1"
                 " AND substr(plan_name, 1, instr(plan_name, ' (policy)') - 1) IN"
                 " (SELECT trainee FROM runs WHERE kind IN ('played', 'trainee_batch'))"],
             # Version 7: an improvement-plan item's capability element (planning, organisation,
             # equipment, training, exercise) and point of contact, as the HSEEP template has them.
             7: ["ALTER TABLE plan_items ADD COLUMN element TEXT",
                 "ALTER TABLE plan_items ADD COLUMN poc TEXT"]}

# What each run is for (the `kind` column), in the words tables use.
ROLES = {"played": "played by a trainee", "trainee_batch": "a trainee's batch",
         "policy": "a trainee's choices replayed on other seeds", "counterfactual": "a counterfactual (one choice swapped)",
         "doctrine": "the doctrine plan (reference)", "plan": "a plan's batch"}
RUN_KINDS = tuple(ROLES)


def kind_of(record: dict[str, Any], source: str = "played") -> str:
    """What a run is for, when the caller does not say: from its trainee, plan name and source."""
    name = str(record["plan"].get("name", ""))
    if name.endswith(" (policy)"):
        return "policy"
    if " with doctrine " in name:
        return "counterfactual"
    if record.get("trainee"):
        return "trainee_batch" if source == "batch" else "played"
    return "doctrine" if name.lower().startswith("doctrine") else "plan"


def plan_key(record: dict[str, Any]) -> str:
    body = json.dumps({"plan": record["plan"], "inputs": [_input_key(i) for i in record.get("inputs", [])]},
                      sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def _input_key(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if k != "step"}


def run_key(record: dict[str, Any]) -> str:
    # the engine's version too: another version may run the same seed and plan differently,
    # and a batch must not take an old version's run for its own
    body = (f"{record['scenario']['sha256']}|{plan_key(record)}|{record['seed']}|{record.get('trainee')}"
            f"|{record.get('software_version')}")
    return hashlib.sha256(body.encode()).hexdigest()[:24]



# The stores this process holds open, by real path, with how many connections each. SQLite
# locks a database with POSIX advisory locks, which belong to the process and are all dropped
# when the process closes ANY descriptor of that file: reading a store's header with open()
# while another connection of this process has it open silently unlocked that connection.
# Another process (a batch worker, say) then took itself for the last user, reset the
# write-ahead log under it, and this process read "database disk image is malformed" (the
# debrief's luck-adjusted score, issue 17). So the header is read only by the first opener.
_OPEN: dict[str, int] = {}
_OPEN_LOCK = threading.Lock()


class Store:
    def __init__(self, path: Path | str = DEFAULT_PATH):
        self.path = Path(path)
        self._key = os.path.realpath(self.path)
        with _OPEN_LOCK:
            if not _OPEN.get(self._key):
                self._check_file()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Several processes may open a new store at the same moment; while one creates it the
        # others can find it locked (setting WAL mode does not wait): try again for a while.
        for attempt in range(300):
            try:
                self._open()
                with _OPEN_LOCK:
                    _OPEN[self._key] = _OPEN.get(self._key, 0) + 1
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or attempt == 299:
                    raise InputError([Problem(str(self.path), 1, 1, "", f"the results store is busy or damaged "
                                              f"({exc}); it was left untouched")])
                time.sleep(0.1)

    def _open(self) -> None:
        self._check_tables()
        try:
            self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self.db.execute("PRAGMA busy_timeout = 60000")
            self.db.execute("PRAGMA journal_mode = WAL")
            # WAL with synchronous=NORMAL: a killed process loses no committed run (only a power
            # cut could lose the last few), and each run no longer waits for a disk flush
            self.db.execute("PRAGMA synchronous = NORMAL")
            self.db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                self.db.close()
                raise
            raise self._damaged(exc)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc)

    def _damaged(self, exc: Exception) -> InputError:
        return InputError([Problem(str(self.path), 1, 1, "", f"the results store is unreadable or damaged "
                                   f"({exc}); it was left untouched: move it aside or use --db PATH")])

    def _check_file(self) -> None:
        if self.path.exists() and self.path.stat().st_size > 0:
            with open(self.path, "rb") as fh:
                head = fh.read(16)
            if head != b"SQLite format 3\x00":
                raise InputError([Problem(str(self.path), 1, 1, "", "this file is not a results store (not an "
                                          "SQLite database); it was left untouched: use --db PATH for another")])

    def _check_tables(self) -> None:
        """Refuse, without writing a byte, an SQLite database that is not a results store."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        try:
            # Not a `mode=ro` connection: in a process that already holds a connection to a
            # store in WAL mode, a read-only one (SQLite 3.40) can read a half-updated snapshot
            # after another process wrote ("database disk image is malformed"). A plain
            # connection that only reads writes nothing either.
            probe = sqlite3.connect(self.path, timeout=60)
            try:
                probe.execute("PRAGMA query_only = ON")
                tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            finally:
                probe.close()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc):
                raise
            raise self._damaged(exc)
        except sqlite3.DatabaseError as exc:
            raise self._damaged(exc)
        if tables and "schema_version" not in tables:
            raise InputError([Problem(str(self.path), 1, 1, "", "this SQLite database is not a results store "
                                      f"(it holds {', '.join(sorted(tables)[:5])}); it was left untouched: "
                                      "use --db PATH for another file")])

    def _migrate(self) -> None:
        with self.transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > SCHEMA_VERSION:
                raise InputError([Problem(str(self.path), 1, 1, "", f"the store has schema version {version}; "
                                          f"this program reads up to {SCHEMA_VERSION}: upgrade the program")])
            if version == 0:
                for statement in _SCHEMA_V1.split(";"):  # not executescript: it would commit midway
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO schema_version VALUES (1)")
                version = 1
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _UPGRADES[target]:
                    db.execute(statement)
                db.execute("UPDATE schema_version SET version = ?", (target,))

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction; one opened inside another joins it (a review is stored whole or not at all)."""
        if getattr(self, "_depth", 0):
            self._depth += 1
            try:
                yield self.db
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.db
        except BaseException:
            self._depth = 0
            self.db.execute("ROLLBACK")
            raise
        else:
            self._depth = 0
            self.db.execute("COMMIT")

    def close(self) -> None:
        if getattr(self, "db", None) is not None:
            self.db.close()
            self.db = None
            with _OPEN_LOCK:
                _OPEN[self._key] = max(0, _OPEN.get(self._key, 1) - 1)

    def __del__(self) -> None:  # a store dropped without close(): its connection goes with it
        try:
            self.close()
        except Exception:
            pass

    # -- writing -----------------------------------------------------------------------
    def add(self, record: dict[str, Any], *, source: str, batch: Optional[str] = None,
            record_path: Optional[str] = None, keep_events: bool = True,
            event_json: Optional[list[str]] = None, kind: Optional[str] = None) -> bool:
        """Store one run; False if it was already there. Events are stored as canonical JSON
        (sim.engine.eventlog); `event_json` gives them already encoded (a batch worker has them from
        the digest)."""
        metrics = record["metrics"]
        key = run_key(record)
        with self.transaction() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO runs (run_key, scenario_id, scenario_sha256, seed, trainee, plan_name, plan_key,"
                " source, batch, overall_score, overall_rating, duration_s, end_reason, events_sha256, record_path,"
                " facts, software_version, kind) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (key, record["scenario"]["id"], record["scenario"]["sha256"], record["seed"], record.get("trainee"),
                 record["plan"].get("name", "plan"), plan_key(record), source, batch, metrics["overall"]["score"],
                 metrics["overall"]["rating"], record.get("duration_s", 0.0), record.get("end_reason"),
                 record["events_sha256"], record_path, json.dumps(metrics["facts"], sort_keys=True),
                 record.get("software_version"), kind or kind_of(record, source)))
            if cur.rowcount == 0:
                if batch is not None:  # the same run, already stored: it belongs to this batch too
                    run_id = db.execute("SELECT id FROM runs WHERE run_key = ?", (key,)).fetchone()[0]
                    db.execute("INSERT OR IGNORE INTO batch_runs VALUES (?, ?)", (batch, run_id))
                return False
            run_id = cur.lastrowid
            if batch is not None:
                db.execute("INSERT OR IGNORE INTO batch_runs VALUES (?, ?)", (batch, run_id))
            db.executemany("INSERT INTO metrics VALUES (?,?,?)",
                           [(run_id, name, value) for name, value in sorted(metrics["scores"].items())
                            if value is not None])  # a metric that does not apply has no row
            db.executemany("INSERT INTO capabilities VALUES (?,?,?,?)",
                           [(run_id, c["id"], c["score"], c["rating"]) for c in metrics["capabilities"]
                            if c["score"] is not None])
            db.executemany("INSERT INTO decisions VALUES (?,?,?,?,?)",
                           [(run_id, d, v["option"], v.get("how"), v.get("t"))
                            for d, v in sorted(record.get("decisions", {}).items())])
            if keep_events:
                events = record["events"]
                data = event_json if event_json is not None else canonical_lines(events)
                db.executemany("INSERT INTO events VALUES (?,?,?,?,?,?)",
                               [(run_id, i, e["t"], e["kind"], e.get("subject"), text)
                                for i, (e, text) in enumerate(zip(events, data))])
        return True

    # -- reading -------------------------------------------------------------------------
    def seeds_done(self, batch: str) -> set[int]:
        return {row[0] for row in self.db.execute(
            "SELECT runs.seed FROM batch_runs JOIN runs ON runs.id = batch_runs.run_id WHERE batch_runs.batch = ?",
            (batch,))}

    def created_by(self, batch: str) -> int:
        """How many runs this batch id stored first (not those it found already stored)."""
        return self.db.execute("SELECT COUNT(*) FROM runs WHERE batch = ?", (batch,)).fetchone()[0]

    def count(self, batch: Optional[str] = None) -> int:
        if batch is None:
            return self.db.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM batch_runs WHERE batch = ?", (batch,)).fetchone()[0]

    def scenarios(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT scenario_id FROM runs ORDER BY 1")]

    def trainees(self, scenario: Optional[str] = None) -> list[str]:
        sql = "SELECT DISTINCT trainee FROM runs WHERE trainee IS NOT NULL"
        args: tuple = ()
        if scenario:
            sql += " AND scenario_id = ?"
            args = (scenario,)
        return [r[0] for r in self.db.execute(sql + " ORDER BY 1", args)]

    def runs(self, *, scenario: Optional[str] = None, trainee: Optional[str] = None,
             batch: Optional[str] = None, kind: Optional[str] = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM runs WHERE 1=1"
        args: list = []
        if kind is not None:
            sql += " AND kind = ?"
            args.append(kind)
        if batch is not None:
            sql += " AND id IN (SELECT run_id FROM batch_runs WHERE batch = ?)"
            args.append(batch)
        for column, value in (("scenario_id", scenario), ("trainee", trainee)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        cur = self.db.execute(sql + " ORDER BY id", args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def metric_scores(self, run_ids: list[int]) -> dict[int, dict[str, float]]:
        out: dict[int, dict[str, float]] = {i: {} for i in run_ids}
        for chunk in range(0, len(run_ids), 500):
            ids = run_ids[chunk:chunk + 500]
            marks = ",".join("?" * len(ids))
            for run_id, name, score in self.db.execute(
                    f"SELECT run_id, name, score FROM metrics WHERE run_id IN ({marks})", ids):
                out[run_id][name] = score
        return out

    def capability_ratings(self, run_ids: list[int]) -> dict[int, dict[str, tuple[float, str]]]:
        out: dict[int, dict[str, tuple[float, str]]] = {i: {} for i in run_ids}
        for chunk in range(0, len(run_ids), 500):
            ids = run_ids[chunk:chunk + 500]
            marks = ",".join("?" * len(ids))
            for run_id, cap, score, rating in self.db.execute(
                    f"SELECT run_id, capability, score, rating FROM capabilities WHERE run_id IN ({marks})", ids):
                out[run_id][cap] = (score, rating)
        return out

    def decisions_of(self, run_ids: list[int]) -> dict[int, list[str]]:
        """The decisions that opened in each run (answered, planned or defaulted)."""
        out: dict[int, list[str]] = {i: [] for i in run_ids}
        for chunk in range(0, len(run_ids), 500):
            ids = run_ids[chunk:chunk + 500]
            marks = ",".join("?" * len(ids))
            for run_id, decision in self.db.execute(
                    f"SELECT run_id, decision FROM decisions WHERE run_id IN ({marks})", ids):
                out[run_id].append(decision)
        return out

    def events(self, run_id: int) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self.db.execute("SELECT data FROM events WHERE run_id = ? ORDER BY seq",
                                                          (run_id,))]

    def run_by_key(self, key: str) -> Optional[dict[str, Any]]:
        cur = self.db.execute("SELECT * FROM runs WHERE run_key = ?", (key,))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row)) if row else None

    # -- evaluators' reviews (append-only: the latest word per item wins, all are kept) ------
    def add_review(self, run_id: int, item: str, level: str, draft: str, rating: str, reason: str,
                   evaluator: str, at: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO reviews (run_id, item, level, draft, rating, reason, evaluator, at)"
                       " VALUES (?,?,?,?,?,?,?,?)", (run_id, item, level, draft, rating, reason, evaluator, at))

    def reviews(self, run_id: int) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM reviews WHERE run_id = ? ORDER BY id", (run_id,))

    def add_observation(self, run_id: int, kind: str, t: Optional[float], capability: Optional[str], text: str,
                        evaluator: str, at: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT INTO observations (run_id, kind, t, capability, text, evaluator, at)"
                       " VALUES (?,?,?,?,?,?,?)", (run_id, kind, t, capability, text, evaluator, at))

    def observations(self, run_id: int) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM observations WHERE run_id = ? ORDER BY t, id", (run_id,))

    def add_plan_item(self, run_id: int, item: dict[str, Any], evaluator: str, at: str,
                      replaces: Optional[int] = None, removed: bool = False) -> int:
        with self.transaction() as db:
            cur = db.execute("INSERT INTO plan_items (run_id, issue, action, capability, agency, start, due,"
                             " evaluator, at, replaces, removed, element, poc) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                             (run_id, item["issue"], item["action"], item.get("capability"), item.get("agency"),
                              item.get("start"), item.get("due"), evaluator, at, replaces, int(removed),
                              item.get("element"), item.get("poc")))
            return cur.lastrowid

    def plan_items(self, run_id: int) -> list[dict[str, Any]]:
        """The improvement plan as it stands: each item's latest version, removed ones left out.
        An item keeps the number (`id`) it was first stored with; `row` is its latest version."""
        rows = self._rows("SELECT * FROM plan_items WHERE run_id = ? ORDER BY id", (run_id,))
        root: dict[int, int] = {}
        latest: dict[int, dict] = {}
        for r in rows:
            root[r["id"]] = root.get(r["replaces"], r["id"]) if r["replaces"] is not None else r["id"]
            latest[root[r["id"]]] = {**r, "row": r["id"], "id": root[r["id"]]}
        return [r for number, r in sorted(latest.items()) if not r["removed"]]

    def _rows(self, sql: str, args: tuple) -> list[dict[str, Any]]:
        cur = self.db.execute(sql, args)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]

    def table(self, name: str) -> tuple[list[str], Iterator[tuple]]:
        cur = self.db.execute(f"SELECT * FROM {name}")  # name from a fixed list in export
        return [d[0] for d in cur.description], iter(cur)
