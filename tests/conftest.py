"""Shared helpers: a minimal valid scenario as text, and tools to edit and locate in it.

`scenario_text(...)` returns the text of a tiny but complete scenario (a two-room flat,
one victim, one perpetrator, one evidence item, one unit, one decision, scoring weights
that add up to 1 and a doctrine plan). A test passes `replace={old_line: new_text}` to
change single lines (matched on the stripped line, which must occur exactly once; the
new text keeps the old line's indentation, and may span several lines or be None to
delete the line). `map_rows=[...]` swaps the map. `position(text, needle)` gives the 1-based (line, column) of a piece
of text, so tests can assert exact locations without hard-coding line numbers.
"""
from __future__ import annotations

import re
import sys
from typing import Any
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.format.problems import InputError, Problem  # noqa: E402
from sim.format.scenario import load  # noqa: E402

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))

MINIMAL = """\
# yaml-language-server: $schema=schema.json
format: 1
id: mini
title: Mini flat
summary: One woman held in a two-room flat by one guard.
estimated_minutes: 5
difficulty: introductory
briefing:
  situation: A woman is held in a small flat.
  objectives:
    - Bring her to safety.
floor_plan:
  cell_size: 0.5
  legend:
    "~": outside
    "#": wall
    "E": street
    "h": hall
    "D": flat_door
    "b": bedroom
  map: |
    ~~~~~~~~
    ~######~
    ~#bbbb#~
    ~#bbbb#~
    ~##D###~
    ~#hhhh#~
    ~#hhhhE~
    ~######~
  rooms:
    - {id: hall, name: Hall, kind: corridor}
    - {id: bedroom, name: Bedroom, kind: bedroom}
  doors:
    - {id: flat_door, name: Flat door, kind: wooden, locked: true}
  exits:
    - {id: street, name: Street, kind: street}
agencies:
  - {id: police, name: City police, country: Nowhere}
lead_agency: police
victims:
  - id: anna
    name: Anna
    at: bedroom
    languages: [en]
    nationality: Nowhere
    fear: 0.5
perpetrators:
  - id: guard
    name: Guard
    role: guard
    at: [3, 2]
    alert_reaction: {surrender: 0.5, resist: 0.5}
evidence:
  - {id: phone, name: Phone, kind: phone, at: bedroom}
units:
  - id: team
    name: Entry team
    agency: police
    kind: entry_team
    size: 4
    skills: [breach, arrest]
    equipment: [manual_ram]
    at: street
    arrives: 0
decisions:
  - id: entry
    on: unit_in_position team
    prompt: How do you go in?
    time_allowed: 30
    options:
      - id: ram
        label: Ram the door
        orders:
          - {unit: team, do: breach, door: flat_door, method: manual_ram}
      - id: knock
        label: Knock and announce
        orders:
          - {unit: team, do: breach, door: flat_door, method: knock_and_announce}
    default: ram
scoring:
  capabilities:
    - id: safety
      name: Safety
      metrics:
        victims_safe: {weight: 0.6}
        perpetrators_arrested: {weight: 0.4}
doctrine_plan:
  name: Doctrine
  orders:
    - {unit: team, do: stack, door: flat_door}
    - {unit: team, do: clear, room: bedroom, when: door_open flat_door}
    - {unit: team, do: secure_evidence, target: phone}
  decisions:
    entry: ram
"""


MAP_ROWS = ("~~~~~~~~", "~######~", "~#bbbb#~", "~#bbbb#~", "~##D###~", "~#hhhh#~",
            "~#hhhhE~", "~######~")


def scenario_text(replace: dict[str, str | None] | None = None,
                  map_rows: list[str] | tuple[str, ...] | None = None) -> str:
    """The minimal scenario, with whole lines replaced (see the module docstring).

    `map_rows` replaces the rows of the floor-plan map (written under `map: |`).
    """
    lines = MINIMAL.splitlines()
    if map_rows is not None:
        start = lines.index("  map: |") + 1
        assert tuple(lines[start:start + len(MAP_ROWS)]) == tuple("    " + r for r in MAP_ROWS)
        lines[start:start + len(MAP_ROWS)] = ["    " + row for row in map_rows]
    for old, new in (replace or {}).items():
        hits = [i for i, line in enumerate(lines) if line.strip() == old.strip()]
        assert len(hits) == 1, f"{old!r} matches {len(hits)} lines of the minimal scenario"
        i = hits[0]
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip(" "))]
        lines[i: i + 1] = [] if new is None else [indent + part for part in new.split("\n")]
    return "\n".join(lines) + "\n"


def position(text: str, needle: str, occurrence: int = 1, *, after: str = "") -> tuple[int, int]:
    """1-based (line, column) of the `occurrence`-th appearance of `needle` in `text`
    (counting from the first line that starts with `after`, if given)."""
    start = -1
    if after:
        found = re.search(r"(?m)^[ \t]*" + re.escape(after), text)
        assert found, f"no line starts with {after!r}"
        start = found.end() - len(after) - 1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        assert start >= 0, f"{needle!r} (occurrence {occurrence}) not in the text"
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


def problems_of(text: str, name: str = "test.yaml") -> list[Problem]:
    """Load `text`; it must fail. Returns every problem reported."""
    with pytest.raises(InputError) as info:
        load(name, text=text)
    return info.value.problems


@pytest.fixture
def minimal_text() -> str:
    return scenario_text()


def plain(value: Any) -> Any:
    """Our loader's tuples -> lists, so yaml.safe_dump writes plain YAML lists."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    return value
