"""Live problems: the scenario as it stands, checked by the same loader as `validate`, in
the same words, each tied back to the place in the document it is about."""
from __future__ import annotations

import re
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


def check(doc) -> CheckResult:
    """Load the document's current text exactly as `validate` loads a file."""
    name = doc.path or "untitled.yaml"
    try:
        scenario = load(name, text=doc.text())
    except InputError as exc:
        return CheckResult([LiveProblem(p, parse_path(p.field)) for p in exc.problems], None)
    return CheckResult([], scenario)


def map_cell(problem: Problem, doc) -> tuple[int, int] | None:
    """The map cell a problem at floor_plan.map points at (from its line and column)."""
    if problem.field != "floor_plan.map":
        return None
    lines = doc.text().splitlines()
    start = next((i for i, line in enumerate(lines) if re.match(r"\s+map:\s*[|>]", line)), None)
    if start is None or problem.line <= start + 1:
        return None
    row = problem.line - start - 2
    text = lines[start + 1] if start + 1 < len(lines) else ""
    indent = len(text) - len(text.lstrip(" "))
    return row, max(0, problem.column - indent - 1)
