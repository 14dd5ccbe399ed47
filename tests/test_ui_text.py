"""What the trainee reads in the window: names and labels, never internal ids; words that fit
their widget; the same arrival time in the units panel as the engine keeps."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from sim.engine.narrate import describe, names_of  # noqa: E402
from sim.format.scenario import load  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = {name: ROOT / "scenarios" / f"{name}.yaml" for name in ("tutorial", "subdivided_floor", "call_centre")}


@pytest.fixture
def window(tmp_path):
    from ui.app import App
    from ui.context import Context

    apps = []

    def make(name: str):
        ctx = Context(scenarios_dir=ROOT / "scenarios", results_dir=tmp_path, scenario=load(SCENARIOS[name]),
                      show_help=False, trainee="Test Trainee", luck_runs=0)
        apps.append(App(ctx, size=(1280, 800)))
        return apps[-1]
    yield make
    for application in apps:
        application.quit()


def start(app, plan=None):
    from ui.scenes.base import Next

    app.ctx.plan = plan if plan is not None else app.ctx.scenario.spec.doctrine_plan
    app.go(Next.EXECUTION)
    app.frame()
    return app.scene


@pytest.mark.parametrize("name", ["tutorial", "subdivided_floor"])
def test_the_units_panel_is_due_when_the_engine_brings_a_requested_unit(window, name):
    """A unit on request comes `arrives` plus its agency's coordination delay after the
    request: the panel's 'due T+..' says that time, and the unit arrives then."""
    app = window(name)
    scene = start(app)
    exercise = scene.exercise
    on_request = [u.id for u in exercise.scenario.spec.units if u.on_request]
    due: dict[str, str] = {}
    for _ in range(4000):
        if exercise.finished or len(due) == len(on_request) and all(
                exercise.world.agents[u].present for u in on_request):
            break
        pending = exercise.pending_decision
        if pending is not None:
            exercise.decide(pending.id, pending.decision.default)
        exercise.advance(5.0)
        app.frame()
        for unit in on_request:
            status = scene._arrival(unit)
            if unit not in due and status.startswith("on the way"):
                due[unit] = status
    assert due, "no unit was requested"
    arrived = {e["subject"]: e["t"] for e in exercise.events if e["kind"] == "unit_arrived"}
    delays = {a.id: a.coordination_delay for a in exercise.scenario.spec.agencies}
    for unit, status in due.items():
        spec = next(u for u in exercise.scenario.spec.units if u.id == unit)
        if spec.agency != exercise.scenario.spec.lead_agency:
            assert delays[spec.agency] > 0
        from sim.engine.narrate import clock
        assert status == f"on the way (due T+{clock(arrived[unit])})", (unit, status, arrived[unit])


def test_a_decision_in_the_feed_says_its_option_label_not_its_id():
    scenario = load(SCENARIOS["subdivided_floor"])
    names = names_of(scenario.spec)
    chosen = describe({"kind": "decision_made", "subject": "lookout_approach", "option": "wait_roof",
                       "how": "chosen", "t": 0.0}, names)
    assert chosen == ("decision on lookout approach: Wait for the roof section; then plain-clothes detectives "
                      "take him, the EU follows (chosen)")
    defaulted = describe({"kind": "decision_made", "subject": "first_words", "option": "detectives",
                          "how": "defaulted", "t": 0.0}, names)
    assert "detectives" in defaulted and "OCTB detectives (plain clothes)" not in defaulted
    label = next(o.label for d in scenario.spec.decisions if d.id == "first_words" for o in d.options
                 if o.id == "detectives")
    assert defaulted.endswith(f"the default was taken: {label}")


def test_the_briefing_keeps_paragraphs_and_names_languages():
    from ui.scenes.briefing import briefing_html, units_html

    spec = load(SCENARIOS["subdivided_floor"]).spec
    brief = briefing_html(spec)
    assert "in two minutes.<br><br>It is 06:30." in brief
    units = units_html(spec)
    assert "Cantonese, English" in units and "yue" not in units
    assert "Thai" in units and "languages: th" not in units
    # the tutorial's victim-care officer: 300 s + her agency's 90 s, as the feed and the panel say
    assert "on request, arrives 390 s after it" in units_html(load(SCENARIOS["tutorial"]).spec)


def test_the_score_card_names_victims():
    from ui.scorecard import people_names, scorecard_html

    spec = load(SCENARIOS["subdivided_floor"]).spec
    victim = spec.victims[0]
    metrics = {"overall": {"score": 0.5, "rating": "M"},
               "capabilities": [{"id": "c", "name": "Care", "rating": "M", "score": 0.5,
                                 "reason": f"0 of 3 identified as victims; treated as offenders: {victim.id}",
                                 "metrics": {"m": {"score": 0.0, "explanation": f"(harmed: {victim.id})"}}}]}
    card = scorecard_html(metrics, names=people_names(spec))
    assert f"treated as offenders: {victim.name}" in card and f"(harmed: {victim.name})" in card


def test_a_long_unit_name_fits_its_button(window):
    from ui.widgets import fit_button_words

    app = window("subdivided_floor")
    measure = app.manager.get_theme().get_font(["button"])
    name = "Social worker (child and victim protection)"
    for width in (244, 264, 280):
        shown = fit_button_words(app.manager, name, width)
        assert measure.size(shown)[0] <= width - 10
    assert fit_button_words(app.manager, name, 264) == "Social worker"
    assert fit_button_words(app.manager, "Ambulance crew", 264) == "Ambulance crew"
    atpd = "ATPD investigators (Mandarin speakers)"  # fits as it is: kept whole
    assert fit_button_words(app.manager, atpd, 274) == atpd


@pytest.mark.parametrize("name", ["subdivided_floor", "call_centre"])
def test_every_decision_option_is_shown_whole(window, name):
    """Each option's label, wrapped, fits inside its button, and the buttons fit the panel."""
    from ui.widgets import OPTION_TEXT, font, option_lines

    app = window(name)
    scene = start(app, app.ctx.scenario.spec.doctrine_plan.model_copy(update={"decisions": {}}))
    exercise = scene.exercise
    seen = set()
    for _ in range(3000):
        if exercise.finished:
            break
        pending = exercise.pending_decision
        if pending is None:
            exercise.advance(2.0)
            app.frame()
            continue
        app.frame()
        seen.add(pending.id)
        rect = scene._decision_rect()
        assert len(scene.decision_buttons) == len(pending.decision.options)
        for button, option in scene.decision_buttons.items():
            label = next(o.label for o in pending.decision.options if o.id == option)
            words = scene.option_words[button]
            assert words.startswith(label)
            lines = option_lines(words, button.rect.width)
            assert " ".join(lines) == " ".join(words.split())
            assert all(font(OPTION_TEXT).size(line)[0] <= button.rect.width - 8 for line in lines)
            assert len(lines) * font(OPTION_TEXT).get_linesize() <= button.rect.height
            assert rect.contains(button.rect)
        exercise.decide(pending.id, pending.decision.default)
    assert seen == {d.id for d in exercise.scenario.spec.decisions}


def test_time_running_out_names_the_default_option(window):
    app = window("subdivided_floor")  # its first decision stops the clock: the window times it
    scene = start(app, app.ctx.scenario.spec.doctrine_plan.model_copy(update={"decisions": {}}))
    exercise = scene.exercise
    for _ in range(2000):
        if exercise.pending_decision is not None:
            break
        exercise.advance(1.0)
    pending = exercise.pending_decision
    assert pending is not None and pending.paused
    app.frame()
    scene.decision_wall = pending.decision.time_allowed
    scene.paused = False
    app.frame()
    label = next(o.label for o in pending.decision.options if o.id == pending.decision.default)
    assert scene.message == f"Time ran out; the default was taken: {label}"
    assert pygame.display.get_surface() is not None


def test_an_order_replaced_by_a_decision_names_the_decision_and_its_option():
    from ui.order_choices import problem_line

    spec = load(SCENARIOS["call_centre"]).spec
    names = names_of(spec)
    label = next(o.label for d in spec.decisions if d.id == "screening" for o in d.options if o.id == "on_the_spot")
    line = problem_line({"kind": "order_interrupted", "subject": "csd_front", "unit": "csd_front", "order": "clear",
                         "reason": "replaced by decision screening (on_the_spot)", "t": 0.0}, names)
    assert line.endswith(f"clear replaced by the decision on screening: {label}")
    assert "on_the_spot" not in line and "(on the spot)" not in line
