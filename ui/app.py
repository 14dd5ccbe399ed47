"""The window: one main loop and one scene at a time, sharing a typed `ui.context.Context`.

Scenes (menu, briefing, planning, execution, debrief) are small classes with enter,
handle_event, update and draw. Widget events become commands in each scene's
handle_event, never in drawing code. A scene that is done returns a `Next`; the window
asks `ui.flow` for that scene and switches to it. Nothing is initialised at import time,
so tests can import this module and drive it under SDL_VIDEODRIVER=dummy with posted events.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Optional

import pygame
import pygame_gui

from ui.context import Context
from ui.flow import scene_for
from ui.scenes.base import Next, Scene

MIN_SIZE = (1024, 700)
DEFAULT_SIZE = (1360, 860)
THEME = Path(__file__).with_name("theme.json")


class App:
    def __init__(self, ctx: Context, size: tuple[int, int] = DEFAULT_SIZE):
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
        pygame.init()
        from ui.render import forget_layers
        from ui.style.fonts import reset_fonts
        reset_fonts()  # fonts and drawn layers kept from a window closed earlier in the process are dead
        forget_layers()
        from sim.evaluation.batch import yield_to_window
        yield_to_window()  # the simulation runs of the debrief's score give way to the frames
        pygame.display.set_caption("Joint rescue exercise")
        self.ctx = ctx
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.manager = pygame_gui.UIManager(size, THEME if THEME.exists() else None)
        self.manager.preload_fonts([{"name": "noto_sans", "point_size": 14, "style": style, "antialiased": "1"}
                                    for style in ("bold", "italic")])
        self.clock = pygame.time.Clock()
        self.scene: Optional[Scene] = None
        self.running = True
        self.frames = 0
        self.help_visible = False
        self.time_scale = 1.0  # autoplay runs the simulated clock faster than a person would
        self.on_frame: list[Callable[["App"], None]] = []

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    def go(self, next_: Next) -> None:
        """Show the screen `next_` names (a new scene from `ui.flow`), or end the session."""
        if next_ is Next.QUIT:
            self.quit()
        else:
            self.switch(scene_for(next_, self))

    def switch(self, scene: Scene) -> None:
        if self.scene is not None:
            self.scene.exit()
        self.manager.clear_and_reset()
        self.scene = scene
        scene.enter()

    def _follow(self, next_: Optional[Next]) -> None:
        if next_ is not None:
            self.go(next_)

    def resize(self, size: tuple[int, int]) -> None:
        size = (max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1]))
        self.screen = pygame.display.set_mode(size, pygame.RESIZABLE)
        self.manager.set_window_resolution(size)
        self.manager.clear_and_reset()
        if self.scene is not None:
            self.scene.build()

    def frame(self, events: Optional[list] = None, dt: float = 1 / 30) -> None:
        """One turn of the loop; tests call it with posted events."""
        for event in (pygame.event.get() if events is None else events):
            if event.type == pygame.QUIT:
                self.quit()
                return
            if event.type == pygame.VIDEORESIZE:
                self.resize((event.w, event.h))
                continue
            if event.type == pygame.KEYDOWN and event.key == pygame.K_SLASH and event.mod & pygame.KMOD_SHIFT \
                    or event.type == pygame.KEYDOWN and getattr(event, "unicode", "") == "?":
                self.help_visible = not self.help_visible
                continue
            if self.help_visible and event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
                self.help_visible = False
                continue
            self.manager.process_events(event)
            if self.scene is not None:
                self._follow(self.scene.handle_event(event))
        if self.scene is not None:
            self._follow(self.scene.update(dt))
        self.manager.update(dt)
        self.screen.fill((24, 27, 33))
        if self.scene is not None:
            self.scene.draw(self.screen)
        self.manager.draw_ui(self.screen)
        if self.scene is not None:
            self.scene.draw_over(self.screen)
        if self.help_visible:
            from ui.widgets import draw_help
            draw_help(self.screen, self.scene.shortcuts() if self.scene else [])
        pygame.display.flip()
        self.frames += 1
        for hook in list(self.on_frame):
            hook(self)

    def run(self) -> None:
        while self.running:
            dt = self.clock.tick(30) / 1000.0
            self.frame(dt=dt)

    def quit(self) -> None:
        if self.scene is not None:
            self.scene.exit()
            self.scene = None
        self.running = False
        from sim.evaluation.batch import stop_pools
        stop_pools()  # the warm pool of the debrief's background score

    def screenshot(self, name: str) -> Optional[Path]:
        folder = self.ctx.screenshots
        if folder is None:
            return None
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{len(self.ctx.shots) + 1:02d}_{name}.png"
        pygame.image.save(self.screen, str(path))
        self.ctx.shots.append(path)
        return path
