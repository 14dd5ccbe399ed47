"""The joint debrief's replay: a scrubber through the run, the map as the chosen seat saw it
at that moment (or all-seeing), the messages on a timeline under it, and the list of
messages sent by then with those still on their way. Drawing only: the debrief scene turns
the slider, the view menu and the keys into `scrub` and `choose_view`."""
from __future__ import annotations

from typing import Optional

import pygame
from pygame_gui.elements import UIDropDownMenu, UIHorizontalSlider

from sim.engine.narrate import clock
from sim.evaluation.joint_replay import JointFilm
from ui import render
from ui.scenes.joint_base import feed_words
from ui.style.palette import SKY, VERMILLION
from ui.widgets import ACCENT, MUTED, TEXT, YELLOW_TEXT, panel, text, wrap
from ui.style.fonts import cut_to_width

ALL_SEEING = "All-seeing (the exercise as it was)"


class ReplayPanel:
    def __init__(self, rect: pygame.Rect, film: JointFilm, link, manager, *, view: str, t: float):
        self.film, self.link = film, link
        self.view, self.t = view, t
        self.labels = {ALL_SEEING: "trainer"} | {f"{link.seat_name(s.id)}'s picture": s.id
                                                 for s in link.scenario.spec.seats}
        right_w = 400
        self.map_rect = pygame.Rect(rect.left, rect.top + 40, rect.width - right_w - 10, rect.height - 150)
        self.list_rect = pygame.Rect(self.map_rect.right + 10, rect.top, right_w, rect.height - 110)
        self.strip = pygame.Rect(rect.left + 10, rect.bottom - 100, rect.width - 20, 32)
        current = next(k for k, v in self.labels.items() if v == view)
        self.view_menu = UIDropDownMenu(list(self.labels), current,
                                        pygame.Rect(rect.left, rect.top, min(420, self.map_rect.width), 32), manager)
        self.slider = UIHorizontalSlider(pygame.Rect(rect.left, rect.bottom - 44, rect.width, 34), t,
                                         (0.0, max(1.0, film.duration)), manager, click_increment=5)

    # -- commands (called by the scene) ---------------------------------------------------------
    def scrub(self, t: float) -> None:
        self.t = max(0.0, min(self.film.duration, t))
        if abs(self.slider.get_current_value() - self.t) > 0.5:
            self.slider.set_current_value(self.t)

    def choose_view(self, label: str) -> None:
        if label in self.labels:
            self.view = self.labels[label]

    # -- drawing -----------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        snap = self.film.at(self.t, self.view)
        who = "all-seeing" if self.view == "trainer" else f"as {self.link.seat_name(self.view)} saw it"
        inner = panel(surface, self.map_rect, f"T+{clock(snap.t)} · {who}")
        area = pygame.Rect(inner.left, inner.top, inner.width, inner.height - 80)
        render.draw_snapshot(surface, render.view_for(self.link.scenario, area), self.link.scenario, snap)
        y = area.bottom + 6
        for event in list(reversed(snap.feed))[:3]:  # what this picture's seat last heard
            words = feed_words(event, self.link) if self.view != "trainer" else None
            words = words or self._plain(event)
            if words:
                text(surface, cut_to_width(f"{clock(event['t'])}  {words}", inner.width, 14), (inner.left, y), size=14,
                     colour=MUTED)
                y += 19
        self._draw_messages(surface)
        self._draw_strip(surface)

    def _plain(self, event: dict) -> Optional[str]:
        from sim.engine.narrate import describe
        return describe(event, self.link.names)

    def _draw_messages(self, surface: pygame.Surface) -> None:
        inner = panel(surface, self.list_rect, f"Messages by T+{clock(self.t)}")
        y = inner.top
        shown = [m for m in self.film.messages if m["sent"] <= self.t
                 and (self.view == "trainer" or self.view in (m["sender"], m["to"]))]
        if not shown:
            text(surface, "None sent yet.", (inner.left, y), size=14, colour=MUTED)
        for m in reversed(shown):
            on_way = m["arrived"] is None or m["arrived"] > self.t
            state = ("on its way" if m["arrived"] is not None else "never arrived") if on_way \
                else f"arrived {clock(m['arrived'])}"
            head = (f"{clock(m['sent'])} {self.link.seat_name(m['sender'])} → {self.link.seat_name(m['to'])} · "
                    f"{state}")
            body = m["text"]
            if m.get("about"):
                body += f" [sighting of {self.link.names.get(m['about'], m['about']).split(' (')[0]}]"
            if m.get("marker"):
                body += f" [map mark: {m['marker'].get('label', '')}]"
            body = body.strip()
            heads = wrap(head, inner.width, 14, True)
            lines = heads + wrap(body, inner.width - 10, 14)[:2]
            if y + 18 * len(lines) > inner.bottom:
                break
            for i, line in enumerate(lines):
                is_head = i < len(heads)
                text(surface, line, (inner.left + (0 if is_head else 10), y), size=14, bold=is_head,
                     colour=(ACCENT if on_way else SKY) if is_head else TEXT)
                y += 18
            y += 6

    def _draw_strip(self, surface: pygame.Surface) -> None:
        """The run as a line: each message from sent to arrived, each decision, and now."""
        strip, duration = self.strip, max(1.0, self.film.duration)

        def x_of(t: float) -> int:
            return strip.left + int(strip.width * min(1.0, t / duration))

        pygame.draw.line(surface, (80, 86, 98), (strip.left, strip.centery), (strip.right, strip.centery), 1)
        for i, m in enumerate(self.film.messages):
            y = strip.top + 4 + (i % 4) * 6
            end = m["arrived"] if m["arrived"] is not None else self.film.duration
            pygame.draw.line(surface, SKY, (x_of(m["sent"]), y), (max(x_of(end), x_of(m["sent"]) + 2), y), 3)
        for d in self.film.decisions:
            x = x_of(d["t"])
            pygame.draw.line(surface, VERMILLION if d["how"] == "defaulted" else YELLOW_TEXT,
                             (x, strip.top), (x, strip.bottom), 2)
        now = x_of(self.t)
        pygame.draw.line(surface, TEXT, (now, strip.top - 4), (now, strip.bottom + 4), 2)
        text(surface, "messages (sent → arrived)", (strip.left, strip.bottom + 1), size=12, colour=SKY)
        text(surface, "decisions (red: defaulted)", (strip.right, strip.bottom + 1), size=12, colour=YELLOW_TEXT,
             anchor="topright")
