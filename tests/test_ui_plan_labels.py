"""The plan's names on screen: none drawn over another, each room's inside its own walls,
and a name left off a small plan still one pointer move away."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from sim.format.scenario import load  # noqa: E402
from ui import render  # noqa: E402

SHIPPED = sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.yaml"))
SCENARIOS = {p.stem: load(p) for p in SHIPPED}


@pytest.fixture(scope="module", autouse=True)
def display():
    from ui.style.fonts import reset_fonts
    pygame.init()
    reset_fonts()  # an earlier test's window may have quit pygame's font module
    render.forget_layers()
    pygame.display.set_mode((1600, 1000))
    yield


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(sorted(SCENARIOS)), width=st.integers(220, 1400), height=st.integers(180, 900))
def test_no_name_covers_another_and_each_room_name_stays_in_its_walls(name, width, height):
    scenario = SCENARIOS[name]
    view = render.view_for(scenario, pygame.Rect(10, 10, width, height))
    labels = render._plan_labels(view, scenario)
    rects = [rect for _images, rect, _box, _colour in labels]
    for i, rect in enumerate(rects):
        assert view.rect.contains(rect), (rect, view.rect)
        assert rect.collidelist(rects[i + 1:]) < 0, f"{name}: a name covers another at {rect}"
    rooms = {r.id: r for r in scenario.spec.floor_plan.rooms}
    for images, rect, box, _colour in labels:
        if box is not None:
            continue  # an exit's tag
        # a room's name lies on cells of one room (whichever it is, it is the room it names)
        inner = rect.inflate(-4, -4)  # a cell's edge pixel may round to its neighbour
        cells = {view.cell_at(p) for p in (inner.topleft, inner.topright, inner.bottomleft, inner.bottomright,
                                           inner.center)}
        owners = {scenario.grid.room_at(c) for c in cells if c is not None}
        assert len(owners) == 1 and owners <= set(rooms), (name, rect, owners)


def test_the_pointer_names_the_place_under_it_even_when_its_name_is_left_off():
    scenario = SCENARIOS["subdivided_floor"]
    view = render.view_for(scenario, pygame.Rect(0, 0, 260, 300))  # the briefing's small plan
    shown = {rect.center for _i, rect, _b, _c in render._plan_labels(view, scenario)}
    cell = scenario.grid.cells["stairwell"][len(scenario.grid.cells["stairwell"]) // 2]
    pos = view.centre(cell)
    assert render.place_name_at(scenario, view, pos) == next(r.name for r in scenario.spec.floor_plan.rooms
                                                             if r.id == "stairwell")
    assert len(shown) < len(scenario.spec.floor_plan.rooms)  # too small to name every room: some left off
