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


def read(path: Path | str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Header and inputs of a journal. A torn last line (killed mid-write) is ignored."""
    name = str(path)
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
    except OSError as exc:
        raise InputError([Problem(name, 1, 1, "", f"cannot read the journal: {exc.strerror}")])
    try:
        header = json.loads(lines[0])
    except (json.JSONDecodeError, IndexError):
        raise InputError([Problem(name, 1, 1, "", "not a play journal (first line is not its header)")])
    if not isinstance(header, dict) or header.get("format") != JOURNAL_FORMAT:
        raise InputError([Problem(name, 1, 1, "format", f"not a play journal (expected '{JOURNAL_FORMAT}')")])
    inputs = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines) or all(not rest.strip() for rest in lines[number:]):
                break  # the process died while writing this line
            raise InputError([Problem(name, number, 1, "", "damaged line in the journal")])
        if entry.get("type") in INPUT_TYPES:
            inputs.append(entry)
    return header, inputs


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
    header, inputs = read(path)
    if header["scenario"]["sha256"] != scenario.sha256:
        raise InputError([Problem(str(path), 1, 1, "scenario.sha256",
                                  f"the journal was played on another version of scenario "
                                  f"'{header['scenario']['id']}'; the file has changed since")])
    record = {**header, "inputs": inputs}
    exercise = resimulate(scenario, record, upto_input=len(inputs))
    _drop_torn_line(Path(path))
    journal = Journal(Path(path), header, existing=True)
    exercise._on_input = journal.append
    return exercise, journal
