"""Orders in the window: planning warns of orders that cannot work as planned and of escape
routes nobody covers (the same check `run` prints); a breach ordered in play asks for its
method; an order that fails or is replaced is told at once, in the feed, the message line
and the unit's status. Driven with posted pygame events under the dummy video driver."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from sim.format.orders import ORDER_CLASSES  # noqa: E402
from sim.format.plan_checks import check_plan  # noqa: E402
from sim.format.scenario import load  # noqa: E402
from sim.format.spec import Plan  # noqa: E402
from tests.test_ui import click, doctrine_without_choices  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"


def order(**fields):
    return ORDER_CLASSES[fields["do"]].model_validate(fields)


STACK_BEHIND_GATE = Plan(name="behind the gate", orders=(order(unit="eu_entry", do="stack", door="front_door"),))


@pytest.fixture
def app(tmp_path):
    from ui.app import App
    from ui.context import Context

    ctx = Context(scenarios_dir=ROOT / "scenarios", results_dir=tmp_path, scenario=load(KOWLOON),
                  show_help=False, trainee="Test Trainee", luck_runs=0)
    application = App(ctx, size=(1280, 800))
    yield application
    application.quit()


def test_the_plan_check_finds_a_stack_behind_a_locked_gate_and_an_uncovered_window():
    scenario = load(KOWLOON)
    kinds = {w.kind: w.text for w in check_plan(scenario, STACK_BEHIND_GATE)}
    assert "Iron security gate" in kinds["blocked"] and "stack Flat door" in kinds["blocked"]
    assert "Front bedroom window" in kinds["uncovered"]
    assert "_" not in kinds["blocked"]  # names, never ids
    # the doctrine plan waits for the door to be open and cordons the window: nothing to say
    assert check_plan(scenario, scenario.spec.doctrine_plan) == []


def test_breaching_the_gate_first_makes_the_stack_work():
    scenario = load(KOWLOON)
    plan = Plan(orders=(order(unit="eu_entry", do="breach", door="front_gate", method="hydraulic_spreader"),
                        order(unit="eu_entry", do="stack", door="front_door")))
    assert [w for w in check_plan(scenario, plan) if w.kind == "blocked"] == []


def test_planning_shows_the_check_live_and_start_warns_before_going(app):
    from ui.planning_model import PlanDraft
    from ui.scenes.base import Next

    app.go(Next.PLANNING)
    scene = app.scene
    scene.draft = PlanDraft.from_plan(app.ctx.scenario, STACK_BEHIND_GATE)
    scene._refresh()
    shown = scene.plan_box.html_text
    assert "cannot work as planned" in shown and "no cordon covers it" in shown
    click(app, scene.start_button)
    assert app.scene is scene and "warning" in scene.messages[0][0]  # a first Start only warns
    click(app, scene.start_button)
    assert app.scene.name == "execution"


def _execution(app, plan):
    from ui.scenes.base import Next

    app.ctx.plan = plan
    app.go(Next.EXECUTION)
    return app.scene


def test_a_breach_ordered_in_play_asks_for_its_method(app):
    from ui import render

    scene = _execution(app, doctrine_without_choices(app.ctx.scenario))
    click(app, next(b for b, u in scene.unit_buttons.items() if u == "eu_entry"))
    click(app, next(b for b, v in scene.order_buttons.items() if v == "breach"))
    view = render.view_for(app.ctx.scenario, scene.map_inner)
    pos = view.centre(app.ctx.scenario.grid.centre("front_gate"))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    app.frame()
    assert not scene.exercise.inputs  # nothing ordered yet: the method is asked first
    methods = set(scene.method_buttons.values())
    assert {"hydraulic_spreader", "knock_and_announce"} <= methods
    click(app, next(b for b, m in scene.method_buttons.items() if m == "knock_and_announce"))
    assert scene.exercise.inputs[-1]["order"] == {"unit": "eu_entry", "do": "breach", "door": "front_gate",
                                                  "method": "knock_and_announce"}
    assert not scene.method_buttons


def test_right_click_cancels_the_method_question(app):
    from ui import render

    scene = _execution(app, doctrine_without_choices(app.ctx.scenario))
    click(app, next(b for b, u in scene.unit_buttons.items() if u == "eu_entry"))
    click(app, next(b for b, v in scene.order_buttons.items() if v == "breach"))
    view = render.view_for(app.ctx.scenario, scene.map_inner)
    pos = view.centre(app.ctx.scenario.grid.centre("front_door"))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    app.frame()
    assert scene.method_buttons
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=3, pos=pos))
    app.frame()
    assert not scene.method_buttons and not scene.exercise.inputs


def test_a_failed_order_is_told_at_once_in_the_feed_the_message_and_the_status(app):
    scene = _execution(app, STACK_BEHIND_GATE)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_1, mod=0, unicode="1", scancode=0))
    app.frame(dt=0.2)
    app.frame(dt=0.2)
    assert "EU entry team: could not stack" in scene.message and "Iron security gate" in scene.message
    assert scene.problems["eu_entry"][1].startswith("could not stack")
    assert "could not stack" in scene.feed_box.html_text


def test_a_replaced_order_is_told_at_once(app):
    scene = _execution(app, doctrine_without_choices(app.ctx.scenario))
    exercise = scene.exercise
    while not any(e["kind"] == "order_started" and e.get("subject") == "octb" for e in exercise.events):
        exercise.advance(1.0)
    exercise.apply(order(unit="octb", do="hold"))
    exercise.advance(0.5)  # the engine stops the old order at its next step
    app.frame(dt=0.1)
    assert "octb" in scene.problems and "replaced" in scene.problems["octb"][1]
    assert "Organised Crime" in scene.message or "replaced" in scene.message
