"""Live problems: the scenario as it stands, checked by the same loader as `validate`, in
the same words, each tied back to the place in the document it is about."""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from sim.format.problems import InputError, Problem
from sim.format.scenario import Scenario, load


@dataclass(frozen=True)
class LiveProblem:
    problem: Problem
    path: tuple  # where in the document: ('victims', 0, 'fear')

    def __str__(self) -> str:
        return str(self.problem)

    @property
    def object_path(self) -> tuple:
        """The person, thing, room or section the problem belongs to (what to select)."""
        for i, part in enumerate(self.path):
            if isinstance(part, int):
                return self.path[:i + 1]
        return self.path[:2] if self.path[:1] == ("floor_plan",) else self.path[:1]

    @property
    def field(self) -> str | None:
        """The field inside that object, if any."""
        rest = self.path[len(self.object_path):]
        return str(rest[0]) if rest else None


_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


def parse_path(field: str) -> tuple:
    """'victims[0].fear' -> ('victims', 0, 'fear'); the inverse of problems.format_path."""
    out: list = []
    for index, name in _PART.findall(field or ""):
        out.append(int(index) if index else name)
    return tuple(out)


@dataclass
class CheckResult:
    problems: list[LiveProblem]
    scenario: Scenario | None  # the loaded scenario when there is no problem
    map_cells: frozenset = frozenset()  # map cells that problems point at
    version: int = -1  # the document version checked


def check(doc) -> CheckResult:
    """Load the document's current text exactly as `validate` loads a file."""
    return check_text(doc.text(), doc.path, doc.version)


def check_text(text: str, path: str | None, version: int = -1) -> CheckResult:
    name = path or "untitled.yaml"
    try:
        scenario = load(name, text=text)
    except InputError as exc:
        found = [LiveProblem(p, parse_path(p.field)) for p in exc.problems]
        cells = frozenset(c for c in (map_cell(p.problem, text) for p in found) if c)
        return CheckResult(found, None, cells, version)
    return CheckResult([], scenario, frozenset(), version)


def map_cell(problem: Problem, text: str) -> tuple[int, int] | None:
    """The map cell a problem at floor_plan.map points at (from its line and column)."""
    if problem.field != "floor_plan.map":
        return None
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"\s+map:\s*[|>]", line)), None)
    if start is None or problem.line <= start + 1:
        return None
    row = problem.line - start - 2
    text = lines[start + 1] if start + 1 < len(lines) else ""
    indent = len(text) - len(text.lstrip(" "))
    return row, max(0, problem.column - indent - 1)


class Background:
    """One live check at a time on its own thread, so a large scenario never stalls the window."""

    def __init__(self):
        self._thread: threading.Thread | None = None
        self._result: CheckResult | None = None

    def start(self, doc) -> None:
        if self._thread is not None and self._thread.is_alive():
            return  # the next one starts when this one is in
        version = doc.version

        def work():
            self._result = check_text(doc.text(), doc.path, version)

        self._thread = threading.Thread(target=work, daemon=True)
        self._thread.start()

    def poll(self) -> CheckResult | None:
        if self._thread is not None and not self._thread.is_alive() and self._result is not None:
            result, self._result = self._result, None
            return result
        return None
