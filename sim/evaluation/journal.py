"""The play journal: every order and decision appended to disk the moment it is made.

A window that is closed, a crash or a killed process loses nothing: the journal holds
the scenario, seed and plan in its first line and one input per line after it, each
flushed and synced. `resume` re-simulates the inputs and continues where play stopped.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from sim.format.problems import InputError, Problem
from .record import INPUT_TYPES, resimulate

if TYPE_CHECKING:
    from sim.engine.exercise import Exercise
    from sim.format.scenario import Scenario

JOURNAL_FORMAT = "rescue-exercise-journal"


class Journal:
    def __init__(self, path: Path, header: dict[str, Any], *, existing: bool = False):
        self.path = Path(path)
        self.header = header
        if not existing:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(self.path.suffix + ".tmp")
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(header, sort_keys=True) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        self._fh = open(self.path, "a", encoding="utf-8")

    @classmethod
    def start(cls, path: Path, exercise: "Exercise", extra: Optional[dict[str, Any]] = None) -> "Journal":
        scenario = exercise.scenario
        header = {"format": JOURNAL_FORMAT, "format_version": 1,
                  "scenario": {"id": scenario.id, "path": scenario.path, "sha256": scenario.sha256},
                  "seed": exercise.seed, "trainee": exercise.trainee, "interactive": exercise.interactive,
                  "plan": exercise.plan.model_dump(mode="json", exclude_none=True),
                  **({"joint": {"humans": list(exercise.joint)}} if exercise.joint is not None else {}),
                  **(extra or {})}
        return cls(path, header)

    def append(self, entry: dict[str, Any]) -> None:
        self._fh.write(json.dumps(entry, sort_keys=True) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.close()


NOT_INPUTS = ("clock", "end", "ready")  # lines of the session that are not inputs: the controller's clock, the end, a seat saying it is ready


def read(path: Path | str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Header and inputs of a journal, each line checked for shape before use (a located
    problem, never a traceback). A torn last line (killed mid-write) is ignored."""
    header, inputs, _ = read_located(path)
    return header, inputs


def read_located(path: Path | str):
    """Header, inputs, and a `Located` record of them that says where each came from."""
    from .shapes import HeaderShape, Located, Where, input_problems, parse_json, start_problems

    name = str(path)
    try:
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8")
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, "", f"cannot read the journal: {exc.strerror or exc}")])
    except UnicodeDecodeError as exc:
        line = exc.object[:exc.start].count(b"\n") + 1
        raise InputError([Problem(name, line, 1, "", "not UTF-8 text: a journal is written as UTF-8")])
    lines = text.split("\n")
    if not lines[0].strip():
        raise InputError([Problem(name, 1, 1, "", "not a play journal (its first line, the header, is empty)")])
    try:
        header = parse_json(name, lines[0], 1, "a play journal")
    except InputError:
        if len(lines) == 1 or not "".join(lines[1:]).strip():
            raise InputError([Problem(name, 1, 1, "", "not a play journal (first line is not its header)")])
        raise
    if not isinstance(header, dict) or header.get("format") != JOURNAL_FORMAT:
        raise InputError([Problem(name, 1, 1, "format", f"not a play journal (expected a JSON object with format "
                                                        f"'{JOURNAL_FORMAT}')")])
    documents = [(1, lines[0])]
    where = Where(name, documents)
    where.fail(start_problems(header, HeaderShape))
    inputs, at = [], []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        torn = number == len(lines) or all(not rest.strip() for rest in lines[number:])
        try:
            entry = parse_json(name, line, number, "a journal line")
        except InputError:
            if torn:
                break  # the process died while writing this line
            raise
        documents.append((number, line))
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str):
            raise InputError([Problem(name, number, 1, "", "not a journal entry: each line after the header is a "
                                                           "JSON object with its type")])
        if entry["type"] in NOT_INPUTS:
            continue
        where.fail(input_problems(entry, (), INPUT_TYPES + NOT_INPUTS), len(documents) - 1)
        inputs.append(entry)
        at.append(len(documents) - 1)
    record = Located({**header, "inputs": inputs})

    def locate(path: tuple, message: str) -> Problem:
        if len(path) >= 2 and path[0] == "inputs" and isinstance(path[1], int) and path[1] < len(at):
            return where.problem(path[2:], f"input {path[1] + 1}: {message}", at[path[1]])
        return where.problem(path, message, 0)

    record.locate = locate
    return header, inputs, record


def _drop_torn_line(path: Path) -> None:
    """A line the process died writing (never acknowledged) is cut off, so the next entry
    starts a line of its own."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as fh:
            fh.truncate(data.rfind(b"\n") + 1)
            fh.flush()
            os.fsync(fh.fileno())


def resume(path: Path | str, scenario: "Scenario") -> tuple["Exercise", Journal]:
    """Rebuild the exercise from a journal and keep appending to the same journal."""
    header, inputs, record = read_located(path)
    if header["scenario"]["sha256"] != scenario.sha256:
        raise InputError([Problem(str(path), 1, 1, "scenario.sha256",
                                  f"the journal was played on another version of scenario "
                                  f"'{header['scenario']['id']}'; the file has changed since")])
    exercise = resimulate(scenario, record, upto_input=len(inputs))
    _drop_torn_line(Path(path))
    journal = Journal(Path(path), header, existing=True)
    exercise._on_input = journal.append
    return exercise, journal
