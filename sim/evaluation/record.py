"""The run record: one JSON file per run, enough to re-simulate and check it.

It holds the format version, the scenario's id and SHA-256, the seed, the trainee,
the plan and every input (order or decision) with the point it was applied, the
event log, the metrics and the software version. No wall-clock time goes in, so the
same run always gives the same bytes. Files are written atomically.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from sim import __version__
from sim.engine.eventlog import to_jsonl
from .metrics import evaluate
from sim.format.orders import ORDER_CLASSES
from sim.format.problems import InputError, Problem
from sim.format.spec import Plan

if TYPE_CHECKING:
    from sim.engine.exercise import Exercise
    from sim.format.scenario import Scenario

RECORD_FORMAT = "rescue-exercise-run"
INPUT_TYPES = ("order", "decision", "message", "control", "observation", "end_operation")  # what a replay applies
RECORD_VERSION = 2  # 2: signed (Ed25519, sim.evaluation.signing); 1: before records were signed
READABLE_VERSIONS = (1, 2)


def events_digest(events: list[dict], lines: Optional[list[str]] = None) -> str:
    return hashlib.sha256(to_jsonl(events, lines)).hexdigest()


def make_record(exercise: "Exercise", lines: Optional[list[str]] = None) -> dict[str, Any]:
    """The run's record; `lines` are its events already encoded canonically, if at hand."""
    scenario = exercise.scenario
    events = exercise.events
    return {
        "format": RECORD_FORMAT,
        "format_version": RECORD_VERSION,
        "software_version": __version__,
        "scenario": {"id": scenario.id, "title": scenario.title, "path": scenario.path,
                     "sha256": scenario.sha256},
        "seed": exercise.seed,
        "trainee": exercise.trainee,
        "interactive": exercise.interactive,
        **({"joint": {"humans": list(exercise.joint)}} if exercise.joint is not None else {}),
        "plan": exercise.plan.model_dump(mode="json", exclude_none=True),
        "inputs": list(exercise.inputs),
        "decisions": dict(exercise.decided),
        "finished": exercise.finished,
        "end_reason": exercise.end_reason,
        "duration_s": round(exercise.now, 3),
        "events_sha256": events_digest(events, lines),
        "events": list(events),
        "metrics": evaluate(scenario.spec, events),
    }


def record_name(record: dict[str, Any]) -> str:
    """A stable file name: scenario, who or which plan, seed, and a digest of the events."""
    who = record.get("trainee") or record["plan"].get("name", "plan")
    who = re.sub(r"[^A-Za-z0-9_-]+", "-", who).strip("-").lower() or "run"
    return f"{record['scenario']['id']}_{who}_seed{record['seed']}_{record['events_sha256'][:10]}.json"


def dumps(record: dict[str, Any]) -> str:
    text = json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # text no file can hold (a lone surrogate) slipped in: escape, never lose the run
        text = json.dumps(record, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    return text


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename over."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:  # name the file the user asked for, not our temporary one
        raise OSError(exc.errno, f"cannot write there ({exc.strerror})", str(path)) from None
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes the file private; a record is an ordinary file
    try:
        with (os.fdopen(fd, "wb") if isinstance(text, bytes) else os.fdopen(fd, "w", encoding="utf-8")) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # the rename itself survives a power cut only once the folder is synced
        folder = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError:
        pass


def save(record: dict[str, Any], out_dir: Path | str = "results", *, key_dir: Path | str | None = None) -> Path:
    """Sign the record with this machine's key (kept in `key_dir`, beside the results store;
    `out_dir` by default) and write it atomically. The signature is added to `record` too."""
    from .signing import sign
    sign(record, key_dir if key_dir is not None else out_dir)
    path = Path(out_dir) / record_name(record)
    write_atomic(path, dumps(record))
    return path


def load(path: Path | str) -> dict[str, Any]:
    """Read a run record, checked for shape before use: a damaged or foreign file gives located
    problems (FILE:LINE:COLUMN: field: what is wrong), never a traceback."""
    from .shapes import Located, RecordShape, Where, input_problems, parse_json, start_problems

    name = str(path)
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8")
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, "", f"cannot read the record: {exc.strerror or exc}")])
    except UnicodeDecodeError:
        raise InputError([Problem(name, 1, 1, "", "not a run record (not UTF-8 text)")])
    data = parse_json(name, text)
    where = Where(name, [(1, text)])
    if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
        raise InputError([Problem(name, 1, 1, "format", f"not a run record (expected a JSON object with "
                                                        f"format '{RECORD_FORMAT}')")])
    version = data.get("format_version")
    if version not in READABLE_VERSIONS or isinstance(version, bool):
        where.fail([(("format_version",), f"record format {version!r}; this version reads "
                                          f"{' and '.join(map(str, READABLE_VERSIONS))}")])
    missing = [k for k in ("scenario", "seed", "plan", "inputs", "events", "metrics") if k not in data]
    if missing:
        raise InputError([Problem(name, 1, 1, missing[0], "missing from the record")])
    found = start_problems(data, RecordShape)
    if isinstance(data.get("inputs"), list):
        for i, entry in enumerate(data["inputs"]):
            found += input_problems(entry, ("inputs", i), INPUT_TYPES)
    where.fail(found)
    located = Located(data)
    located.locate = lambda at, message: where.problem(at, message)
    return located


def plan_of(record: dict[str, Any]) -> Plan:
    return Plan.model_validate(_tuples(record["plan"]), strict=True)


def _tuples(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuples(v) for v in value)
    if isinstance(value, dict):
        return {k: _tuples(v) for k, v in value.items()}
    return value


def order_of(data: dict) -> Any:
    return ORDER_CLASSES[data["do"]].model_validate(_tuples(data), strict=True)


def apply_input(exercise: "Exercise", entry: dict[str, Any]) -> None:
    """Apply one recorded input at exactly the point it was first applied."""
    exercise.run_to_step(entry["step"], entry["t"])
    kind, seat = entry["type"], entry.get("seat")
    if kind == "order":
        exercise.apply(order_of(entry["order"]), queue=entry.get("queue", False), seat=seat)
    elif kind == "decision":
        exercise.decide(entry["decision"], entry["option"], how=entry.get("how", "chosen"), seat=seat)
    elif kind == "message":
        exercise.send(seat, entry["to"], entry["via"], entry.get("text", ""), about=entry.get("about"),
                      marker=entry.get("marker"))
    elif kind == "control":
        exercise.control(entry["action"])
    elif kind == "observation":
        exercise.observe(entry.get("text", ""), seat=seat or "observer", kind=entry.get("kind", "note"))
    elif kind == "end_operation":
        exercise.end_operation(entry.get("by", "trainee"), seat=seat)
    else:
        raise ValueError(f"unknown input type {kind!r}")


def resimulate(scenario: "Scenario", record: dict[str, Any], *, upto_input: Optional[int] = None) -> "Exercise":
    """Run the record's scenario, seed, plan and inputs again, in the same order and at the same
    points. With `upto_input`, stop after applying that many inputs (for what-if and resume)."""
    from sim.engine.exercise import Exercise
    from .shapes import Located, against_scenario

    located = isinstance(record, Located)  # read from a file: a problem is said at its line
    if located:
        found = against_scenario(record, scenario)
        if found:
            raise InputError([record.problem(at, message) for at, message in found[:20]])
    joint = record.get("joint")
    try:
        exercise = Exercise(scenario, record["seed"], plan_of(record), interactive=record.get("interactive", False),
                            trainee=record.get("trainee"),
                            joint=tuple(joint["humans"]) if joint is not None else None)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        if not located:
            raise
        raise InputError([record.problem(("plan",), f"the run cannot start with this plan: {_said(exc)}")]) from None
    inputs = record["inputs"] if upto_input is None else record["inputs"][:upto_input]
    for i, entry in enumerate(inputs):
        try:
            apply_input(exercise, entry)
        except (ValueError, KeyError, TypeError, AttributeError, RuntimeError, PermissionError, IndexError) as exc:
            if not located:
                raise
            raise InputError([record.problem(("inputs", i), f"this {entry.get('type')} cannot be replayed: "
                                                            f"{_said(exc)}")]) from None
    if upto_input is None:
        if record.get("finished", True):
            try:
                exercise.run_to_end()
            except Exception as exc:  # a damaged record the checks above did not foresee: said, not a traceback
                if not located:
                    raise
                raise InputError([record.problem(("plan",), f"the run cannot be played to its end with this "
                                                            f"plan and these inputs: {_said(exc)}")]) from None
    return exercise


def _said(exc: Exception) -> str:
    """An exception in words, on one line."""
    text = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"unknown {text}" if isinstance(exc, KeyError) else text


@dataclass
class Verdict:
    ok: bool
    message: str
    signature: str = ""  # who signed it, or why the signature fails
    warning: str = ""  # e.g. an unsigned record from before records were signed


def verify(scenario: "Scenario", record: dict[str, Any], *, key=None, key_dir: Path | str | None = None,
           require_signature: bool = False) -> Verdict:
    """Re-simulate a record and compare (scenario hash, every event, the metrics), then check
    its signature, which covers every field: against `key` (a public key from the machine
    that made it) if given, else against the key it names, said to be this machine's if it is
    the one kept in `key_dir`. A record of this format without a signature fails if
    `require_signature` (as `verify` on the command line asks: every file written is signed);
    a record made before records were signed verifies its events, with a warning."""
    verdict = _resimulated(scenario, record)
    if not verdict.ok:
        return verdict
    from .signing import check, key_pair
    own = key_pair(key_dir, create=False) if key_dir is not None and key is None else None
    seal = check(record, trusted=key, own=own.public_key() if own is not None else None)
    if not seal.signed:
        if (record.get("format_version") == 1 or not require_signature) and key is None:
            return Verdict(True, verdict.message, "unsigned", "the record is unsigned" + (
                " (made before records were signed)" if record.get("format_version") == 1 else "") +
                ": its events are checked, but not who made it or its other fields")
        return Verdict(False, f"{verdict.message}, but {seal.message}" + (
            "" if record.get("format_version") == 1 else ": this version signs every record it writes"), seal.message)
    if not seal.valid:
        return Verdict(False, f"{verdict.message}, but {seal.message}", seal.message)
    return Verdict(True, verdict.message, seal.message)


def _resimulated(scenario: "Scenario", record: dict[str, Any]) -> Verdict:
    wanted = record["scenario"].get("sha256")
    if wanted != scenario.sha256:
        return Verdict(False, f"the record was made with another version of scenario "
                              f"'{record['scenario'].get('id')}' (SHA-256 {str(wanted)[:12]}..., "
                              f"the file now has {scenario.sha256[:12]}...)")
    exercise = resimulate(scenario, record)
    fresh = exercise.events
    stored = record["events"]
    made_by = record.get("software_version")
    # an engine of another version may run the same inputs differently: say so, not "tampered"
    other = (f"\n  (the record was made by version {made_by}; this is {__version__}, whose engine "
             "may run the same inputs differently)") if made_by != __version__ else ""
    for i, (a, b) in enumerate(zip(stored, fresh)):
        if a != b:
            return Verdict(False, f"event {i} differs:\n  record:     {json.dumps(a, sort_keys=True)}\n"
                                  f"  simulation: {json.dumps(b, sort_keys=True)}{other}")
    if len(stored) != len(fresh):
        return Verdict(False, f"the record has {len(stored)} events; the simulation gives {len(fresh)}{other}")
    if record.get("events_sha256") != events_digest(fresh):
        return Verdict(False, "events_sha256 does not match the events")
    metrics = json.loads(json.dumps(evaluate(scenario.spec, fresh)))
    if record["metrics"] != metrics:
        for key in ("overall", "scores", "capabilities", "facts"):
            if record["metrics"].get(key) != metrics.get(key):
                return Verdict(False, f"metrics differ in '{key}': the record says "
                                      f"{json.dumps(record['metrics'].get(key))[:200]}, the simulation gives "
                                      f"{json.dumps(metrics.get(key))[:200]}")
        return Verdict(False, "metrics differ")
    return Verdict(True, f"{len(fresh)} events and the metrics match")
