"""Walking distances on small made-up maps: straight steps, walls, diagonals and corners."""
from __future__ import annotations

import math

import numpy as np
import pytest

from sim.format.floorplan import distance_field


def passable(rows: list[str]) -> np.ndarray:
    """'.' is open floor, '#' is wall."""
    return np.array([[ch == "." for ch in row] for row in rows], dtype=bool)


@pytest.mark.parametrize("n", [1, 2, 5, 12])
@pytest.mark.parametrize("cell_size", [0.5, 1.0, 0.25])
def test_straight_corridor(n, cell_size):
    grid = passable(["." * n])
    dist = distance_field(((0, 0),), grid, cell_size)
    assert dist[0, n - 1] == pytest.approx((n - 1) * cell_size)
    assert list(dist[0]) == pytest.approx([i * cell_size for i in range(n)])


def test_vertical_corridor_and_several_targets():
    grid = passable(["."] * 7)
    dist = distance_field(((0, 0), (6, 0)), grid, 0.5)
    assert list(dist[:, 0]) == pytest.approx([0, 0.5, 1.0, 1.5, 1.0, 0.5, 0])


def test_wall_blocks_completely():
    grid = passable(["..#..",
                     "..#..",
                     "..#.."])
    dist = distance_field(((1, 0),), grid, 1.0)
    assert np.isinf(dist[:, 3:]).all()
    assert np.isinf(dist[:, 2]).all()  # wall cells themselves are unreachable
    assert np.isfinite(dist[:, :2]).all()


def test_wall_makes_people_walk_around():
    grid = passable([".....",
                     ".###.",
                     "....."])
    dist = distance_field(((1, 0),), grid, 1.0)
    # round the wall by the top row: the diagonals (1,0)->(0,1) and (0,3)->(1,4) would
    # cut the corners of the wall, so all six steps are straight
    assert dist[1, 4] == pytest.approx(6.0)
    assert dist[2, 2] == pytest.approx(3.0)  # via (2,0) and (2,1): no diagonal past the corner


def test_diagonal_step_costs_sqrt2():
    grid = passable(["...",
                     "...",
                     "..."])
    dist = distance_field(((0, 0),), grid, 1.0)
    assert dist[1, 1] == pytest.approx(math.sqrt(2))
    assert dist[2, 2] == pytest.approx(2 * math.sqrt(2))
    assert dist[2, 1] == pytest.approx(1 + math.sqrt(2))


def test_diagonal_scaled_by_cell_size():
    grid = passable(["....", "....", "....", "...."])
    dist = distance_field(((0, 0),), grid, 0.5)
    assert dist[3, 3] == pytest.approx(3 * math.sqrt(2) * 0.5)


def test_diagonal_cannot_cut_a_wall_corner():
    # only the two diagonal cells are open: no straight path, and the diagonal would
    # squeeze between two wall corners
    grid = passable([".#",
                     "#."])
    dist = distance_field(((0, 0),), grid, 1.0)
    assert np.isinf(dist[1, 1])


def test_diagonal_blocked_by_a_single_corner():
    grid = passable(["..",
                     "#."])
    dist = distance_field(((0, 0),), grid, 1.0)
    # the diagonal passes the corner of the wall at (1, 0): go round, two straight steps
    assert dist[1, 1] == pytest.approx(2.0)


def test_target_on_an_impassable_cell_is_still_reached():
    # e.g. a window: the target counts as reachable, its neighbours get distances
    grid = passable(["#.."])
    dist = distance_field(((0, 0),), grid, 1.0)
    assert dist[0, 0] == 0
    assert dist[0, 2] == pytest.approx(2.0)


def test_distance_field_on_a_parsed_floor_plan():
    from conftest import scenario_text
    from sim.format.scenario import load

    scenario = load("mini.yaml", text=scenario_text())
    grid = scenario.grid
    street = grid.cells["street"][0]
    dist = grid.distance_field((street,), grid.walkable())
    # every bedroom cell is reachable through the (passable) flat door
    assert all(np.isfinite(dist[cell]) for cell in grid.cells["bedroom"])
    assert grid.walkable()[grid.cells["flat_door"][0]]
    # with the door shut, the bedroom is cut off
    closed = grid.walkable()
    closed[grid.cells["flat_door"][0]] = False
    dist = grid.distance_field((street,), closed)
    assert all(np.isinf(dist[cell]) for cell in grid.cells["bedroom"])
    # the street (row 6, column 6) to the hall corner (row 5, column 2)
    assert dist[5, 2] == pytest.approx((3 + math.sqrt(2)) * 0.5)
