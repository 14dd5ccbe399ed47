"""`run_exercise.py join`: open the window of one seat of a joint exercise.

The seat's client connects on its own thread; until the host welcomes it the window
shows that it is connecting (and why it gave up, if it does), so the frame loop never
waits. The scenario is loaded from the path the host names and checked against its hash,
for the map must be the host's map. Then the window shows the seat's scene; when the host
saves the run record, the same window shows the joint debrief.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

from sim.format.problems import InputError
from sim.format.scenario import Scenario, load

ROOT = Path(__file__).resolve().parents[1]


def scenario_of(welcome: dict) -> Scenario:
    """The host's scenario, from its path here (or in this project), with the same hash."""
    named = welcome["scenario"]
    path = Path(named["path"])
    if not path.exists() and (ROOT / path).exists():
        path = ROOT / path
    if not path.exists():
        raise FileNotFoundError(f"the host's scenario {named['path']} is not here; copy it and join again")
    scenario = load(path)
    if scenario.sha256 != named["sha256"]:
        raise ValueError(f"{path} differs from the host's copy of the scenario; use the same file")
    return scenario


def threading_main() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()  # only it may set signal handlers


def _scene_for_role(role: str, *, briefing: bool = False):
    """The scene a seat's window opens on; an agency's seat joining before the start is briefed first."""
    from ui.scenes.base import Next
    return {"controller": Next.CONTROL, "observer": Next.OBSERVE}.get(
        role, Next.JOINT_BRIEFING if briefing else Next.SEAT)


def join(address: str, *, seat: str, token: str, name: Optional[str] = None, results: str = "results",
         screenshot_dir: Optional[str] = None, max_frames: Optional[int] = None, shot_every: float = 0,
         size: Optional[tuple[int, int]] = None, client=None) -> int:
    """Open the seat's window; returns the exit code (0 fine, 2 refused or no scenario).

    screenshot_dir/shot_every: save the window every `shot_every` wall seconds, on the
    wall clock's multiples of it, so that windows in other processes are taken at the same
    moment (and once at the end); max_frames: close after that many frames (automation, tests)."""
    from sim.joint.client import SeatClient
    from ui.app import DEFAULT_SIZE
    from ui.joint.app import JointApp
    from ui.joint.client_view import SeatLink
    from ui.joint.context import JointContext
    from ui.widgets import MUTED, TEXT, text

    import pygame

    client = client or SeatClient(address, seat, token, name)
    ctx = JointContext(results_dir=Path(results), trainee=name, show_help=False,
                       screenshots=Path(screenshot_dir) if screenshot_dir else None)
    app = JointApp(ctx, size=size or DEFAULT_SIZE)
    pygame.display.set_caption(f"Joint exercise · {seat}")
    frames, code, problem = 0, 0, ""
    import signal

    def stop(signum, frame) -> None:  # SIGTERM ends the window at any screen (the debrief too), cleanly
        app.running = False

    previous = signal.signal(signal.SIGTERM, stop) if threading_main() else None
    next_shot = (time.time() // shot_every + 1) * shot_every if shot_every else None

    def tick() -> bool:
        nonlocal frames, next_shot
        frames += 1
        if screenshot_dir and next_shot is not None and time.time() >= next_shot:
            app.screenshot(f"{seat}_at{int(next_shot) % 100000:05d}")
            next_shot += shot_every
        return max_frames is None or frames < max_frames

    try:
        while app.running and ctx.link is None:  # connecting: a live window that says so
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    app.running = False
            if client.fatal:
                problem = f"The host refused this seat: {client.fatal}"
            elif client.welcome is not None:
                try:
                    scenario = scenario_of(client.welcome)
                except (OSError, ValueError, InputError) as exc:
                    problem = str(exc)
                else:
                    ctx.scenario = scenario
                    ctx.link = SeatLink(client, scenario)
                    app.go(_scene_for_role(ctx.link.role, briefing=not ctx.link.started))
                    break
            app.screen.fill((24, 27, 33))
            w, h = app.size
            text(app.screen, problem or f"Connecting to {address} as {seat}…", (w // 2, h // 2), size=22,
                 colour=TEXT, anchor="center")
            text(app.screen, "Close the window to give up." if problem else "The window retries on its own.",
                 (w // 2, h // 2 + 36), size=16, colour=MUTED, anchor="center")
            pygame.display.flip()
            if problem:
                code = 2
            if not tick():
                break
            app.clock.tick(30)
        while app.running and ctx.link is not None:
            app.frame(dt=app.clock.tick(30) / 1000.0)
            if not tick():
                break
        if screenshot_dir:
            app.screenshot(f"{seat}_last")
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        app.quit()
        client.close()
        pygame.quit()
    if ctx.record_path is not None:
        print(f"run record: {ctx.record_path}")
    if problem:
        print(problem)
    return code
