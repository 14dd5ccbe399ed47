"""A joint exercise played through its windows under the dummy driver: two seats (HK command
and the Thai liaison) and the controller, from each seat's briefing and plan (a timing
shared by channel, "on HK command's go"), readiness and the start, through a decision at 8x
that slows the run for everyone, to the end and the debrief's replay at three moments in
each seat's picture. One display: the three windows take turns to draw."""
from __future__ import annotations

import os
import time

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from conftest import ROOT  # noqa: E402
from joint_harness import seat, start_host  # noqa: E402
from sim.format.doctrine import doctrine_choice  # noqa: E402
from sim.format.scenario import load  # noqa: E402
from sim.joint import host as hosting  # noqa: E402

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")


def _open(client, tmp_path, *, briefing: bool):
    from ui.joint.app import JointApp
    from ui.joint.client_view import SeatLink
    from ui.joint.context import JointContext
    from ui.joint.main import _scene_for_role
    ctx = JointContext(results_dir=tmp_path, show_help=False, scenario=KOWLOON, trainee=client.name)
    ctx.link = SeatLink(client, KOWLOON)
    app = JointApp(ctx, size=(1360, 860))
    app.go(_scene_for_role(ctx.link.role, briefing=briefing))
    app.frame()
    return app


def _click(app, element) -> None:
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=element.rect.center))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=element.rect.center))
    app.frame()
    app.frame()


def _frames(apps, test, timeout: float = 20.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for app in apps:
            app.frame()
        if test():
            return True
        time.sleep(0.01)
    return False


def _shot(app, folder, name: str) -> None:
    app.frame()
    pygame.image.save(app.screen, str(folder / f"{name}.png"))


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(hosting, "SPEEDS", hosting.SPEEDS + (256,))


def _plan(app, *, go_clicks: int):
    """Briefing -> planning: the seat's share of doctrine, the go, the timing shared, Ready."""
    from ui.scenes.joint_planning import JointPlanningScene
    from ui.scenes.seat import SeatScene
    _click(app, app.scene.plan_button)
    scene = app.scene
    assert isinstance(scene, JointPlanningScene)
    _click(app, scene.doctrine_button)
    for _ in range(go_clicks):
        _click(app, scene.go_button)
    refs = scene.share_timing()
    assert refs
    for _ in range(3):  # a first press shows the plan's warnings
        _click(app, scene.start_button)
        if isinstance(app.scene, SeatScene):
            break
    assert isinstance(app.scene, SeatScene), scene.messages
    return scene


def test_two_seats_and_the_controller_from_briefing_to_the_debriefs_replay(tmp_path, fast):
    from ui.scenes.joint_briefing import JointBriefingScene
    from ui.scenes.joint_debrief import JointDebriefScene
    shots = tmp_path / "shots"
    shots.mkdir()
    running, secret = start_host(KOWLOON, tmp_path, ("hk_command", "thai_liaison"))
    clients, apps = [], []
    try:
        for name in ("hk_command", "thai_liaison", "controller"):
            clients.append(seat(running, secret, name))
        hk_client, thai_client, controller_client = clients
        hk = _open(hk_client, tmp_path, briefing=True)
        thai = _open(thai_client, tmp_path, briefing=True)
        control = _open(controller_client, tmp_path, briefing=True)
        apps = [hk, thai, control]

        # each seat's own briefing: its units, its channels and their delays
        assert isinstance(thai.scene, JointBriefingScene)
        briefing = thai.scene.brief_box.html_text
        assert "YOUR CHANNELS" in briefing and "Phone to the Thai liaison officer (90 s)" in briefing
        assert "Thai liaison officer" in thai.scene.units_box.html_text and "Emergency Unit entry" not in \
            thai.scene.units_box.html_text
        _shot(thai, shots, "1_thai_briefing")

        hk_plan = _plan(hk, go_clicks=1)  # HK command goes at T+30
        assert hk_plan.timing_words() == "we go at T+30 s"
        thai_plan = _plan(thai, go_clicks=4)  # on command, 30, 60, 120 -> on HK command's go
        assert thai_plan.timing_words() == "we go on HKPF incident command's go"
        assert thai.ctx.seat_plan.on_go_of == "hk_command" and thai.ctx.seat_plan.held
        assert "wait for HKPF incident command's go" in thai.scene.message
        _shot(thai, shots, "2_thai_ready")

        # the controller sees each seat's readiness and plan, and starts at 8x
        room = control.scene.room
        rows = lambda: {r["seat"]: r for r in control.scene.link.room["seats"]}  # noqa: E731
        assert _frames(apps, lambda: rows()["hk_command"]["ready"] and rows()["thai_liaison"]["ready"])
        assert rows()["hk_command"]["planned"] and "orders planned" in room.details(rows()["hk_command"])
        row_y = room.rows_top + 8  # HK command's row: the controller reads its plan
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(room.rect.left + 40, row_y)))
        control.frame()
        assert control.scene.plan_seat == "hk_command"
        assert "EU entry team: stack Iron security gate" in room.plan_lines("hk_command")
        _shot(control, shots, "3_controller_room")
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(room.rect.left + 40, row_y)))
        control.frame()
        assert control.scene.plan_seat is None
        eight = next(b for b, x in control.scene.speed_buttons.items() if x == 8)
        _click(control, eight)
        _click(control, control.scene.pause_button)  # Start
        assert _frames(apps, lambda: not running.call(lambda: running.host.paused))

        # HK command's gate decision opens: the run slows to 1x, and every seat is told why
        assert _frames(apps, lambda: hk.scene.decision_buttons and hk.scene.decision_id == "gate_entry", 60)
        for app in apps:
            assert _frames([app], lambda: app.scene.link.status_words() == "RUNNING 1x (set 8x)")
            assert "HKPF incident command decides" in app.scene.link.held["text"]
        _shot(thai, shots, "4_thai_while_hk_decides")
        _shot(hk, shots, "4_hk_decides")
        hk.scene.choose(doctrine_choice(KOWLOON.spec, "gate_entry"))
        assert _frames(apps, lambda: hk.scene.link.held is None and hk.scene.link.status_words() == "RUNNING 8x")

        # the shared timing arrived by its channel, after its delay; HK command gives the go
        assert _frames(apps, lambda: "PLAN from HKPF incident command" in thai.scene.feed_box.html_text, 60)
        hk.scene.set_recipient("thai_liaison")
        hk.scene.text_entry.set_text("GO")
        assert hk.scene.send() is not None
        controller_client.control({"do": "speed", "x": 256})
        assert _frames(apps, lambda: not thai.ctx.seat_plan.held, 60)  # released on the go
        assert "go: " in thai.scene.message

        def answer() -> bool:
            for app in (hk, thai):
                scene = app.scene
                if getattr(scene, "decision_id", None) and scene.decision_buttons:
                    scene.choose(doctrine_choice(KOWLOON.spec, scene.decision_id))
            return all(isinstance(app.scene, JointDebriefScene) for app in apps)

        assert _frames(apps, answer, 120), running.log.getvalue()

        # the debrief's replay, at three moments, in each seat's picture
        for name, app in (("hk", hk), ("thai", thai)):
            scene = app.scene
            scene.show("replay")
            app.frame()
            film = scene.film
            assert scene.replay.view == app.scene.link.seat
            for i, share in enumerate((0.2, 0.5, 0.9)):
                scene.scrub(film.duration * share)
                snap = film.at(scene.replay_t, scene.replay_view)
                assert snap.seat == app.scene.link.seat and abs(snap.t - film.duration * share) <= 10
                _shot(app, shots, f"5_{name}_replay_{i}")
        scene = control.scene
        scene.show("replay")
        scene.choose_view("All-seeing (the exercise as it was)")
        scene.scrub(scene.film.duration / 2)
        assert scene.replay_view == "trainer" and scene.film.messages
        _shot(control, shots, "6_controller_replay")
        record = running.call(lambda: running.host.record_path)
        assert record is not None
    finally:
        for app in apps:
            app.quit()
        for c in clients:
            c.close()
        running.stop()
