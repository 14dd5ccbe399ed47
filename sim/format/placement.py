"""Where everyone and everything starts: one deterministic answer for preview and engine.

A placement by room id puts people on distinct free cells near the room's centre, in
the order they are listed, so two victims "in bedroom1" do not stand on one spot.
A placement by [column, row] is taken as written.
"""
from __future__ import annotations

import numpy as np

from . import floorplan
from .scenario import Scenario


def _spread(grid: floorplan.Grid, room: str, taken: set) -> tuple[int, int]:
    centre = np.array(grid.centre(room), dtype=float)
    cells = sorted(grid.cells[room], key=lambda rc: (float(np.hypot(*(np.array(rc) - centre))), rc))
    for cell in cells:
        if cell in taken:
            continue
        # keep a one-cell gap between people where the room allows it
        if any(abs(cell[0] - t[0]) <= 1 and abs(cell[1] - t[1]) <= 1 for t in taken) and \
                len(taken) < len(cells) // 9:
            continue
        return cell
    return cells[0]


def start_cells(scenario: Scenario) -> dict[str, tuple[int, int]]:
    """id -> (row, column) for every victim, perpetrator, evidence item and unit."""
    grid = scenario.grid
    spec = scenario.spec
    out: dict[str, tuple[int, int]] = {}
    taken: set = set()
    explicit = [item for group in (spec.victims, spec.perpetrators, spec.evidence)
                for item in group if not isinstance(item.at, str)]
    for item in explicit:
        column, row = item.at
        out[item.id] = (row, column)
        taken.add((row, column))
    for group in (spec.victims, spec.perpetrators, spec.evidence, spec.units):
        for item in group:
            if item.id in out:
                continue
            cell = _spread(grid, item.at, taken)
            out[item.id] = cell
            taken.add(cell)
    return out
