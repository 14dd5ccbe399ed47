"""The window, driven with posted pygame events under the dummy video driver."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pygame_gui  # noqa: E402

from sim.evaluation import journal as journals  # noqa: E402 
from sim.format.scenario import load  # noqa: E402
from sim.format.spec import Plan  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
KOWLOON = ROOT / "scenarios" / "kowloon_flat.yaml"


@pytest.fixture
def app(tmp_path):
    from ui.app import App
    from ui.context import Context

    ctx = Context(scenarios_dir=ROOT / "scenarios", results_dir=tmp_path, scenario=load(KOWLOON),
                  show_help=False, trainee="Test Trainee", luck_runs=0)  # test_ui_review.py times that
    application = App(ctx, size=(1280, 800))
    yield application
    application.quit()


def doctrine_without_choices(scenario) -> Plan:
    return scenario.spec.doctrine_plan.model_copy(update={"decisions": {}})


def click(app, element) -> None:
    """Press and release the mouse on a widget, then let the window handle the result."""
    pos = element.rect.center
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos))
    app.frame()  # the manager turns the clicks into a UI_BUTTON_PRESSED event
    app.frame()  # the scene handles it


def key(app, k: int, unicode: str = "") -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=unicode, scancode=0))
    app.frame()


def start_execution(app):
    from ui.scenes.base import Next

    app.ctx.plan = doctrine_without_choices(app.ctx.scenario)
    app.go(Next.EXECUTION)
    return app.scene


def run_until_decision(app, scene, decision_id: str) -> None:
    for _ in range(2000):
        pending = scene.exercise.pending_decision
        if pending is not None and pending.id == decision_id:
            app.frame()
            return
        scene.exercise.advance(1.0)
    raise AssertionError(f"decision {decision_id} never opened")


def test_clicking_a_decision_option_applies_its_orders(app):
    scene = start_execution(app)
    run_until_decision(app, scene, "gate_entry")
    button = next(b for b, option in scene.decision_buttons.items() if option == "key")
    click(app, button)
    exercise = scene.exercise
    assert exercise.pending_decision is None
    assert exercise.decided["gate_entry"]["option"] == "key"
    assert exercise.decided["gate_entry"]["how"] == "chosen"
    unit = exercise.world.agents["eu_entry"]
    planned = [q.order for q in ([unit.current] if unit.current else []) + list(unit.queue)]
    breaches = [o for o in planned if o.do == "breach"]
    assert breaches and breaches[0].method == "key" and breaches[0].door == "front_gate"


def test_space_pauses_the_simulated_clock(app):
    scene = start_execution(app)
    key(app, pygame.K_2)  # 2x: the clock runs
    for _ in range(5):
        app.frame(dt=0.5)
    running_time = scene.exercise.now
    assert running_time > 0
    key(app, pygame.K_SPACE)
    for _ in range(10):
        app.frame(dt=0.5)
    assert scene.exercise.now == running_time
    key(app, pygame.K_SPACE)
    app.frame(dt=0.5)
    assert scene.exercise.now > running_time


def test_an_order_by_unit_verb_and_map_click_reaches_the_engine(app):
    scene = start_execution(app)
    unit_button = next(b for b, u in scene.unit_buttons.items() if u == "eu_perimeter")
    click(app, unit_button)
    move_button = next(b for b, v in scene.order_buttons.items() if v == "move")
    click(app, move_button)
    from ui import render
    view = render.view_for(app.ctx.scenario, scene.map_inner)
    corridor = app.ctx.scenario.grid.centre("corridor")
    pos = view.centre(corridor)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    app.frame()
    inputs = scene.exercise.inputs
    assert inputs and inputs[-1]["order"] == {"unit": "eu_perimeter", "do": "move", "to": "corridor"}


def finished_record(app):
    from sim.engine.exercise import Exercise
    from sim.evaluation.record import make_record

    scenario = app.ctx.scenario
    exercise = Exercise(scenario, 3, doctrine_without_choices(scenario), interactive=True)
    while not exercise.finished:
        pending = exercise.run_until_decision_or_end()
        if pending is not None:
            exercise.decide(pending.id, scenario.spec.doctrine_plan.decisions[pending.id])
    return make_record(exercise)


def test_scrubbing_the_replay_shows_the_state_at_that_time(app):
    from ui.scenes.base import Next

    app.ctx.record = finished_record(app)
    app.go(Next.DEBRIEF)
    scene = app.scene
    app.frame()
    key(app, pygame.K_RIGHT)
    key(app, pygame.K_RIGHT)
    assert scene.t == pytest.approx(20.0)
    early = scene.own.at(scene.t, "trainer")
    assert abs(early.t - 20.0) <= 2.0
    scene.scrub(scene.duration)
    late = scene.own.at(scene.t, "trainer")
    arrested = {m.id for m in late.markers if m.kind == "perpetrator" and m.state == "arrested"}
    assert arrested == {"guard", "manager"}
    assert not {m.id for m in early.markers if m.kind == "perpetrator" and m.state == "arrested"}
    key(app, pygame.K_v)
    assert scene.view == "trainee"


def test_what_if_changes_the_outcome_when_the_option_matters(app):
    from ui.scenes.base import Next

    app.ctx.record = finished_record(app)
    app.go(Next.DEBRIEF)
    scene = app.scene
    app.frame()
    gate = next(b for b, i in scene.decision_buttons.items() if scene.decisions[i]["decision"] == "gate_entry")
    click(app, gate)  # key (the doctrine's quiet entry) -> knock
    click(app, scene.whatif_button)
    assert scene.other_name.startswith("What if: Knock and announce")
    assert scene.other.metrics["overall"]["score"] < scene.own.metrics["overall"]["score"]


def test_the_window_can_be_resized(app):
    scene = start_execution(app)
    pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=1600, h=1000, size=(1600, 1000)))
    app.frame()
    assert app.size == (1600, 1000)
    assert scene.map_rect.width > 700


def test_scenes_hand_over_by_returning_where_to_go(app):
    from ui.scenes.base import Next
    from ui.scenes.briefing import BriefingScene
    from ui.scenes.planning import PlanningScene

    app.go(Next.BRIEFING)
    assert isinstance(app.scene, BriefingScene)
    key(app, pygame.K_RETURN)
    assert isinstance(app.scene, PlanningScene)
    key(app, pygame.K_ESCAPE)
    assert app.scene.name == "menu"
    key(app, pygame.K_ESCAPE)  # Esc on the menu ends the session
    assert app.scene is None and not app.running


def test_only_the_flow_knows_the_scenes():
    import import_graph
    from ui.flow import SCENES
    from ui.scenes.base import Next

    edges = import_graph.graph()
    screens = {f"ui.scenes.{name}" for name in ("menu", "briefing", "planning", "execution", "debrief", "review")}
    # a joint seat's briefing and planning reuse the trainee's (a subclass, the briefing's text), not hand over to them
    reuse = {"ui.scenes.joint_planning": {"ui.scenes.planning"}, "ui.joint.seat_plan": {"ui.scenes.briefing"},
             "ui.scenes.joint_briefing": {"ui.scenes.briefing"}}
    for module in sorted(edges):
        if module.startswith("ui.") and module != "ui.flow":
            assert not edges[module] & screens - {module} - reuse.get(module, set()), \
                f"{module} imports a scene: hand over through ui.flow"
    assert {n.value for n in SCENES} == {s.rsplit(".", 1)[1] for s in screens}
    assert all(cls.name == n.value for n, cls in SCENES.items()) and Next.QUIT not in SCENES
    assert not [c for c in import_graph.circles(edges) if any(m.startswith("ui.") for m in c)]


def test_autoplay_visits_every_scene_and_saves_screenshots(tmp_path):
    from ui.main import play

    shots = play(str(KOWLOON), trainee=None, seed=1, resume=None, autoplay=True,
                 screenshots=str(tmp_path / "shots"), results=str(tmp_path / "results"), max_frames=5000)
    names = " ".join(p.name for p in shots)
    for scene in ("menu", "briefing", "planning", "execution", "decision", "debrief", "replay", "what_if"):
        assert scene in names
    assert all(p.stat().st_size > 10_000 for p in shots)
    assert list((tmp_path / "results").glob("kowloon_flat_*.json"))


KILLED_SESSION = textwrap.dedent("""
    import os, signal, sys
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from sim.format.scenario import load
    from ui.app import App
    from ui.context import Context
    from ui.scenes.base import Next
    scenario = load({scenario!r})
    ctx = Context(results_dir=Path({results!r}), scenario=scenario, show_help=False, trainee="kill")
    ctx.plan = scenario.spec.doctrine_plan.model_copy(update={{"decisions": {{}}}})
    app = App(ctx)
    app.go(Next.EXECUTION)
    ex = app.scene.exercise
    while ex.pending_decision is None:
        ex.advance(1.0)
    ex.decide("gate_entry", "key")
    from sim.format.orders import ORDER_CLASSES
    ex.advance(5.0)
    ex.apply(ORDER_CLASSES["move"].model_validate({{"unit": "eu_perimeter", "do": "move", "to": "corridor"}}))
    print(ctx.journal.path, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_a_killed_session_resumes_with_no_decision_lost(tmp_path):
    script = KILLED_SESSION.format(root=str(ROOT), scenario=str(KOWLOON), results=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    journal_path = Path(proc.stdout.strip().splitlines()[-1])
    exercise, journal = journals.resume(journal_path, load(KOWLOON))
    try:
        assert exercise.decided["gate_entry"]["option"] == "key"
        assert [i["type"] for i in exercise.inputs] == ["decision", "order"]
        assert exercise.inputs[1]["order"]["to"] == "corridor"
        before = exercise.now
        exercise.advance(30)
        assert exercise.now > before
    finally:
        journal.close()
