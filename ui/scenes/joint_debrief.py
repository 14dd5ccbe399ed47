"""The debrief of a joint run, in the seat's own window once the host has saved the record.

Three tabs. "Replay": a scrubber through the run, the map in the all-seeing view or in any
seat's picture at that moment, the messages on the timeline. "Our debrief": the team's score card (the information-sharing metrics among
the rest), the seat's last picture, and its own timeline (what its units did and saw,
the messages it sent and got). "Joint view": for each important fact, when each agency
came to know it and how (seen, told by which seat and channel, intelligence, never), and
every message on the timeline with its sending and arrival times.
"""
from __future__ import annotations

import html
from dataclasses import replace
from pathlib import Path
from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextBox

from sim.engine.narrate import clock
from sim.evaluation import record as records
from sim.evaluation.joint_replay import JointFilm, joint_film
from sim.evaluation.joint_view import facts, how_text, message_lines
from ui import render
from ui.joint.client_view import SeatLink
from ui.joint.replay_panel import ReplayPanel
from ui.scenes.base import Next, Scene
from ui.scorecard import people_names, scorecard_html
from ui.scenes.joint_base import feed_words
from ui.widgets import ACCENT, MUTED, TEXT, panel, text

HOW_COLOURS = {"seen": "#5fd3a8", "told": "#56b4e9", "intelligence": "#cc79a7", "never": "#e0703a"}


def seat_events(events: list[dict], link: SeatLink) -> list[dict]:
    """The events of the run that this seat took part in or learned of (its own timeline)."""
    seat, units = link.seat, set(link.welcome.get("units", []))
    everything = link.role != "agency"
    out = []
    for e in events:
        k = e["kind"]
        if k in ("message_sent", "message_failed"):
            keep = everything or e.get("sender") == seat
        elif k == "message_delivered":
            keep = everything or e.get("to") == seat
        elif k == "seat_learned":
            keep = (everything or e.get("seat") == seat) and e.get("how") != "seen"
        elif k in ("inject",):
            keep = everything or e.get("to") in (None, seat)
        elif k in ("decision_opened", "decision_made", "exercise_ended", "victim_safe", "perpetrator_arrested",
                   "perpetrator_fled", "hostage_taken", "officer_injured", "victim_found", "door_opened",
                   "evidence_secured", "unit_arrived"):
            keep = everything or k.startswith(("decision", "exercise")) or \
                e.get("by") in units or e.get("subject") in units
        else:
            keep = False
        if keep:
            out.append(e)
    return out


def joint_view_html(spec, events: list[dict], link: SeatLink) -> str:
    """Each fact with one line per agency: when it knew, and how; the seat's own row first."""
    parts = []
    for fact in facts(spec, events):
        parts.append(f"<b>{clock(fact.happened)}  {html.escape(fact.words)}</b>")
        rows = sorted(fact.knowing, key=lambda k: k.seat != link.seat)
        for k in rows:
            colour = HOW_COLOURS.get(k.how, "#e8eaed")
            who = html.escape(link.seat_name(k.seat)) + (" (you)" if k.seat == link.seat else "")
            lag = f"  +{k.t - fact.happened:.0f} s" if k.t is not None and k.t > fact.happened else ""
            if k.how == "intelligence":  # named by its inject in the log; by its source here
                k = replace(k, by=link.names.get(k.by, k.by))
            parts.append(f"    {who}: <font color='{colour}'>{html.escape(how_text(k))}</font>{lag}")
        parts.append("")
    return "<br>".join(parts) or "<i>No fact was learned by any seat.</i>"


class JointDebriefScene(Scene):
    name = "joint_debrief"

    def enter(self) -> None:
        self.link: SeatLink = self.ctx.link
        self.tab = "joint"
        self.record: Optional[dict] = None
        self.problem = ""
        self.film: Optional[JointFilm] = None  # made when the replay is first opened
        self.replay: Optional[ReplayPanel] = None
        self.replay_view = self.link.seat if self.link.role == "agency" else "trainer"
        self.replay_t = 0.0
        path = self.link.record_path
        try:
            self.record = records.load(path)
            self.ctx.record, self.ctx.record_path = self.record, Path(path)
        except Exception as exc:  # the host may be on another machine: say where the record is
            self.problem = f"The run record is on the host, at {path} ({type(exc).__name__})."
        self.build()

    def build(self) -> None:
        w, h = self.window.size
        self.replay_button = UIButton(pygame.Rect(w - 636, 12, 170, 38), "Replay", self.manager)
        self.own_button = UIButton(pygame.Rect(w - 460, 12, 170, 38), "Our debrief", self.manager)
        self.joint_button = UIButton(pygame.Rect(w - 284, 12, 170, 38), "Joint view", self.manager)
        self.quit_button = UIButton(pygame.Rect(w - 108, 12, 96, 38), "Close", self.manager)
        self.boxes: list = []
        self.map_rect = None
        if self.record is None:
            return
        spec, events = self.link.scenario.spec, self.record["events"]
        body = pygame.Rect(12, 70, w - 24, h - 82)
        self.replay = None
        if self.tab == "replay":
            if self.film is None:
                self.film = joint_film(self.link.scenario, self.record)
            self.panels = []
            self.replay = ReplayPanel(body, self.film, self.link, self.manager, view=self.replay_view, t=self.replay_t)
        elif self.tab == "joint":
            left = pygame.Rect(body.left, body.top, int(body.width * 0.56), body.height)
            right = pygame.Rect(left.right + 10, body.top, body.right - left.right - 10, body.height)
            self.panels = [(left, "Who knew what, when, and how"), (right, "Messages: sent → arrived")]
            messages = message_lines(spec, events)
            self.boxes = [
                UITextBox(joint_view_html(spec, events, self.link), left.inflate(-12, -40).move(0, 14), self.manager),
                UITextBox("<br>".join(html.escape(m) for m in messages) or "<i>No messages were sent.</i>",
                          right.inflate(-12, -40).move(0, 14), self.manager)]
        else:
            left = pygame.Rect(body.left, body.top, 400, body.height)
            right = pygame.Rect(body.right - 420, body.top, 420, body.height)
            centre = pygame.Rect(left.right + 10, body.top, right.left - left.right - 20, body.height)
            self.map_rect = centre
            self.panels = [(left, "Score card (the whole team)"), (centre, "Your last picture"),
                           (right, "Your timeline")]
            lines = []
            for e in seat_events(events, self.link):
                words = feed_words(e, self.link)
                if words:
                    lines.append(f"<font color='#9aa0a6'>{clock(e['t'])}</font> {html.escape(words)}")
            self.boxes = [UITextBox(scorecard_html(self.record["metrics"], names=people_names(spec)),
                                    left.inflate(-12, -40).move(0, 14), self.manager),
                          UITextBox("<br>".join(lines) or "<i>Nothing.</i>", right.inflate(-12, -40).move(0, 14),
                                    self.manager)]

    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.replay_button:
                self.show("replay")
            elif event.ui_element is self.own_button:
                self.show("own")
            elif event.ui_element is self.joint_button:
                self.show("joint")
            elif event.ui_element is self.quit_button:
                return Next.QUIT
        elif self.replay is not None and event.type == pygame_gui.UI_HORIZONTAL_SLIDER_MOVED \
                and event.ui_element is self.replay.slider:
            self.scrub(float(event.value))
        elif self.replay is not None and event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED \
                and event.ui_element is self.replay.view_menu:
            self.choose_view(event.text)
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_TAB:
            self.show({"joint": "own", "own": "replay", "replay": "joint"}[self.tab])
        elif event.type == pygame.KEYDOWN and self.replay is not None and event.key in (pygame.K_LEFT, pygame.K_RIGHT):
            self.scrub(self.replay_t + (10 if event.key == pygame.K_RIGHT else -10))
        return None

    def scrub(self, t: float) -> None:
        """The replay at exercise time t."""
        if self.replay is not None:
            self.replay.scrub(t)
            self.replay_t = self.replay.t

    def choose_view(self, label: str) -> None:
        """The replay in another seat's picture (or all-seeing)."""
        if self.replay is not None:
            self.replay.choose_view(label)
            self.replay_view = self.replay.view

    def show(self, tab: str) -> None:
        self.tab = tab
        self.manager.clear_and_reset()
        self.build()

    def draw(self, surface: pygame.Surface) -> None:
        w, _ = surface.get_size()
        pygame.draw.rect(surface, (30, 34, 42), pygame.Rect(0, 0, w, 62))
        title = {"joint": "Debrief: joint view", "own": "Debrief: your agency", "replay": "Debrief: replay"}[self.tab]
        text(surface, title, (14, 8), size=26, bold=True, colour=ACCENT)
        end = self.record.get("end_reason", "") if self.record else ""
        text(surface, f"{self.link.scenario.spec.title}  ·  {end}", (14, 40), size=14, colour=MUTED)
        if self.record is None:
            text(surface, self.problem, (w // 2, 300), size=18, colour=TEXT, anchor="center")
            return
        if self.replay is not None:
            self.replay.draw(surface)
            return
        for rect, title in self.panels:
            panel(surface, rect, title)
        if self.tab == "joint":
            x = self.panels[0][0].right - 12
            for how, colour in reversed(list(HOW_COLOURS.items())):  # the key, each word in its colour
                x = text(surface, how, (x, self.panels[0][0].top + 9), size=14, bold=True,
                         colour=pygame.Color(colour), anchor="topright").left - 12
        if self.map_rect is not None:
            snap = self.link.snapshot()
            if snap is not None:
                inner = self.map_rect.inflate(-24, -44).move(0, 10)
                render.draw_snapshot(surface, render.view_for(self.link.scenario, inner), self.link.scenario, snap)

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Tab", "next tab: joint view, your debrief, replay"), ("← →", "replay: 10 s back or on"),
                ("?", "show or hide this help")]
