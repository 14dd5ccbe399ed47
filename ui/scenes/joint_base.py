"""What every joint window shares: the clock bar, the seat's map, what it knows and its feed.

An agency seat, the controller and the observer differ only in their left-hand panel
(orders and messages, exercise control, observations); the subclasses build that panel.
Everything shown comes from the seat's latest picture (`ui.joint.client_view.SeatLink`),
read once a frame without waiting, so the window stays live while the host is away.
"""
from __future__ import annotations

import html
from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UITextBox

from sim.engine.narrate import clock, describe
from ui.order_choices import problem_line
from sim.engine.snapshot import Snapshot
from ui import render
from ui.joint.client_view import SeatLink
from ui.scenes.base import Next, Scene
from ui.style.fonts import cut_to_width
from ui.style.palette import SKY, VERMILLION
from ui.widgets import (ACCENT, MESSAGE_SPACE, MESSAGE_TEXT, MUTED, PANEL_EDGE, TEXT, YELLOW_TEXT, font, message_lines,
                        panel, text, wrap)

LEFT_WIDTH = 316
RIGHT_WIDTH = 400
KNOWN_ROW = 20
BOLD_KINDS = {"inject", "decision_opened", "message_delivered", "victim_safe", "hostage_taken",
              "perpetrator_arrested", "perpetrator_fled", "officer_injured", "seat_learned"}


def feed_words(event: dict, link: SeatLink) -> Optional[str]:
    """One feed line; the joint events (messages, what a seat was told) in a seat's words."""
    k, names = event["kind"], link.names
    who = link.seat_name
    if k == "message_sent":
        if link.role == "agency":
            return f"SENT to {who(event['to'])} by {names.get(event['via'], event['via'])}: {_said(event, names)}"
        return f"MESSAGE {who(event['sender'])} to {who(event['to'])} by {names.get(event['via'], event['via'])}: " \
               f"{_said(event, names)}"
    if k == "message_delivered":
        if link.role == "agency":
            return f"FROM {who(event['sender'])} by {names.get(event['via'], event['via'])}: {_said(event, names)}"
        return f"delivered to {who(event['to'])}: {_said(event, names)}"
    if k == "message_failed":
        return f"NOT DELIVERED by {names.get(event.get('via', ''), event.get('via'))}: {event.get('reason', '')}"
    if k == "seat_learned":
        if event.get("how") == "seen":
            return None
        subject = event.get("subject", "")
        thing = names.get(subject.split(" ")[-1], subject)
        by = names.get(event.get("by", ""), event.get("by", ""))
        how = f"told by {by} via {names.get(event['via'], event['via'])}" if event.get("how") == "told" \
            else f"{event.get('how')} from {by}"
        learner = "WE LEARNED of" if link.role == "agency" else f"{who(event['seat'])} learned of"
        return f"{learner} {thing}: {how}"
    if k == "decision_opened" and event.get("elsewhere"):  # another seat's: that it is taken, not what
        return f"{who(event['elsewhere'])} is taking a decision"
    if k == "decision_extended":
        return f"decision {event.get('subject', '')}: time extended"
    if k == "inject" and event.get("to"):
        return f"INJECT to {who(event['to'])}: {event.get('message', '')}"
    return problem_line(event, names) or describe(event, names)


def _said(event: dict, names: dict) -> str:
    words = event.get("text") or ""
    if event.get("about"):
        words += f" [sighting: {names.get(event['about'], event['about'])}]"
    if event.get("marker"):
        words += f" [map mark: {event['marker'].get('label', '')}]"
    return words.strip() or "(no text)"


class JointScene(Scene):
    """The parts of a joint window common to every seat; subclasses fill the left panel."""
    name = "joint"
    view_title = "What your agency knows"

    def enter(self) -> None:
        self.link: SeatLink = self.ctx.link
        self.selected: Optional[str] = None  # a marker picked on the map or in the list
        self.message = ""
        self.message_is_error = False
        self.feed_key = None
        self.known_rows: list[tuple[pygame.Rect, str]] = []
        self.messages: dict[str, dict] = {}  # every message seen in the feed, kept past its length
        self.build()

    # -- layout ------------------------------------------------------------------------------
    def build(self) -> None:
        w, h = self.window.size
        self.top = pygame.Rect(0, 0, w, 64)
        self.left = pygame.Rect(10, 72, LEFT_WIDTH, h - 82)
        self.right = pygame.Rect(w - RIGHT_WIDTH - 10, 72, RIGHT_WIDTH, h - 82)
        self.map_rect = pygame.Rect(self.left.right + 10, 72, self.right.left - self.left.right - 20, h - 82)
        self.known_rect = pygame.Rect(self.right.left, self.right.top, self.right.width, int(self.right.height * 0.42))
        feed_rect = pygame.Rect(self.right.left, self.known_rect.bottom + 8, self.right.width,
                                self.right.bottom - self.known_rect.bottom - 8)
        self.feed_rect = feed_rect
        self.feed_box = UITextBox("", pygame.Rect(feed_rect.left + 6, feed_rect.top + 30, feed_rect.width - 12,
                                                  feed_rect.height - 36), self.manager)
        self.feed_key = None
        self.map_inner = self.map_area()
        self.build_left()

    def map_area(self) -> pygame.Rect:
        """The map at the top of its panel, as tall as its shape needs, so that the space
        below it (not the map) takes the decision, the banner and the status line."""
        rows, cols = self.link.scenario.grid.shape
        width = self.map_rect.width - 24
        most = self.map_rect.height - 42 - 150
        return pygame.Rect(self.map_rect.left + 12, self.map_rect.top + 32, width,
                           max(120, min(most, int(width * rows / cols) + 4)))

    def build_left(self) -> None:
        """The seat's own panel (orders, control, observations)."""

    # -- commands ------------------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for rect, ident in self.known_rows:
                if rect.collidepoint(event.pos):
                    self.select_marker(ident)
                    return None
            if self.map_inner.collidepoint(event.pos):
                self.click_map(event.pos)
        return None

    def click_map(self, pos) -> None:
        ident = self.marker_at(pos)
        if ident:
            self.select_marker(ident)

    def select_marker(self, ident: Optional[str]) -> None:
        self.selected = ident
        snap = self.link.snapshot()
        m = snap.marker(ident) if snap and ident else None
        if m is not None:
            self.say(self.link.known_line(m, snap.t) if m.kind != "unit" else f"{m.name}: {m.state}")

    def marker_at(self, pos, kinds: Optional[tuple[str, ...]] = None) -> Optional[str]:
        snap = self.link.snapshot()
        if snap is None:
            return None
        view = render.view_for(self.link.scenario, self.map_inner)
        best = None
        for m in snap.markers:
            if (kinds and m.kind not in kinds) or (not m.present and m.kind != "evidence"):
                continue
            x, y = view.centre(m.cell)
            d = ((x - pos[0]) ** 2 + (y - pos[1]) ** 2) ** 0.5
            if d <= max(10, view.scale * 1.2) and (best is None or d < best[0]):
                best = (d, m.id)
        return best[1] if best else None

    def say(self, words: str, *, error: bool = False) -> None:
        self.message, self.message_is_error = words, error

    # -- time ----------------------------------------------------------------------------------
    def update(self, dt: float) -> Optional[Next]:
        for words in self.link.new_errors():
            self.say(words, error=True)
        snap = self.link.snapshot()
        if snap is not None:
            self._track_messages(snap)
        if self.link.record_path:
            return Next.JOINT_DEBRIEF
        self.update_left()
        return None

    def update_left(self) -> None:
        """Keep the seat's own panel in step with the latest picture."""

    def _track_messages(self, snap: Snapshot) -> None:
        for e in snap.feed:
            if e["kind"] in ("message_sent", "message_delivered", "message_failed"):
                m = self.messages.setdefault(e.get("subject") or f"{e['t']}", {})
                m.setdefault("sent", e["t"] if e["kind"] != "message_delivered" else None)
                m.update({k: e[k] for k in ("sender", "to", "via", "text", "about", "delay") if e.get(k) is not None})
                if e["kind"] == "message_delivered":
                    m["arrived"] = e["t"]
                elif e["kind"] == "message_failed":
                    m["failed"] = e.get("reason", "not delivered")

    def message_lines(self, now: float) -> list[tuple[str, tuple]]:
        """Newest first: '→ Thai liaison · Phone · sent 01:35 · arrives in 62 s: text'."""
        out = []
        names, who, me = self.link.names, self.link.seat_name, self.link.seat
        for m in sorted(self.messages.values(), key=lambda m: -(m.get("sent") or m.get("arrived") or 0)):
            via = names.get(m.get("via", ""), m.get("via", "")).split(" (")[0]
            said = _said(m, names)
            if m.get("sender") == me or self.link.role != "agency":
                head = f"→ {who(m.get('to', ''))}" if self.link.role == "agency" else \
                    f"{who(m.get('sender', ''))} → {who(m.get('to', ''))}"
                if "failed" in m:
                    state, colour = f"not delivered: {m['failed']}", VERMILLION
                elif "arrived" in m:
                    state, colour = f"arrived {clock(m['arrived'])}", MUTED
                else:  # a sender sees no delivery, but the channel's delay is known
                    due = (m.get("sent") or now) + float(m.get("delay", 0))
                    state, colour = (f"on its way, arrives in {due - now:.0f} s", ACCENT) if due > now else \
                        (f"reached them {clock(due)}", MUTED)
                out.append((f"{head} · {via} · sent {clock(m.get('sent') or 0)} · {state}: {said}", colour))
            else:
                out.append((f"← from {who(m.get('sender', ''))} · {via} · {clock(m.get('arrived') or 0)}: {said}", SKY))
        return out

    # -- drawing -------------------------------------------------------------------------------
    def draw(self, surface: pygame.Surface) -> None:
        snap = self.link.snapshot()
        self.draw_top(surface)
        panel(surface, self.left, self.left_title())
        self.draw_left(surface, snap)
        panel(surface, self.map_rect, self.view_title)
        if snap is None:
            text(surface, "Waiting for the first picture from the host…", self.map_rect.center, size=20,
                 colour=MUTED, anchor="center")
        else:
            view = render.view_for(self.link.scenario, self.map_inner)
            render.draw_snapshot(surface, view, self.link.scenario, snap, selected=self.selected)
            render.draw_pointer_name(surface, view, self.link.scenario)
            self.draw_messages(surface, snap)
            self.draw_on_map(surface, view, snap)
            self.draw_known(surface, snap)
            self.draw_feed(snap)
        panel(surface, self.feed_rect, "Feed: what you hear, newest first")
        self.draw_banner(surface, snap)
        colour = VERMILLION if self.message_is_error else YELLOW_TEXT
        if self.message:  # wrapped onto a second line rather than cut (a third is cut with '…')
            width = self.map_rect.width - 16
            lines = message_lines(self.message, width - 12)
            height = font(MESSAGE_TEXT).get_linesize()
            box = pygame.Rect(self.map_rect.left + 8, 0, width, height * len(lines) + 6)
            box.bottom = self.map_rect.bottom - 6
            if self.message_is_error:
                pygame.draw.rect(surface, (60, 24, 16), box, border_radius=4)
            for i, line in enumerate(lines):
                text(surface, line, (box.left + 6, box.top + 3 + i * height), size=MESSAGE_TEXT, colour=colour)

    def left_title(self) -> str:
        return ""

    def draw_left(self, surface: pygame.Surface, snap: Optional[Snapshot]) -> None:
        pass

    def draw_on_map(self, surface, view, snap: Snapshot) -> None:
        pass

    def draw_top(self, surface: pygame.Surface) -> None:
        link = self.link
        pygame.draw.rect(surface, (30, 34, 42), self.top)
        pygame.draw.line(surface, PANEL_EDGE, self.top.bottomleft, self.top.bottomright)
        text(surface, link.time_text(), (14, 8), size=32, bold=True, colour=ACCENT)
        status = link.status_words()
        held = link.held if link.started and not link.paused else None
        text(surface, status, (172, 10), size=18, bold=True,
             colour=TEXT if status.startswith("RUNNING") and not held else YELLOW_TEXT)
        w = self.top.width
        if held:  # every seat is told why the clock is slower than the controller set it
            text(surface, cut_to_width(held.get("text", ""), w - 172 - 540, 15, True), (172, 36), size=15, bold=True,
                 colour=YELLOW_TEXT)
        else:
            text(surface, cut_to_width(link.scenario.spec.title, w - 172 - 540, 14), (172, 36), size=14, colour=MUTED)
        who = link.seat_names.get(link.seat, link.seat) + (f" · {link.client.name}" if link.client.name else "")
        text(surface, who, (w - 14, 8), size=18, bold=True, anchor="topright")
        state = link.state
        colour = (120, 200, 120) if state == "connected" else VERMILLION
        words = {"connected": "● connected to the host", "connecting": "○ connecting to the host…",
                 "reconnecting": "○ connection lost: reconnecting…"}.get(state, state)
        text(surface, cut_to_width(words, 520, 15), (w - 14, 36), size=15, colour=colour, anchor="topright")

    def draw_banner(self, surface: pygame.Surface, snap: Optional[Snapshot]) -> None:
        """Decisions that other seats are taking: everyone should know the team is waiting."""
        if snap is None or not snap.decisions_elsewhere:
            return
        _, seat = snap.decisions_elsewhere[0]
        who = (self.link.seat_name(seat) if seat in self.link.seat_names else seat).split(" (")[0]
        width = self.map_rect.width - 16
        lines = self._banner_lines(snap)
        box = pygame.Rect(self.map_rect.left + 8, 0, width, self._banner_height(snap))
        box.bottom = self.map_rect.bottom - MESSAGE_SPACE
        pygame.draw.rect(surface, (26, 52, 74), box, border_radius=4)
        pygame.draw.rect(surface, SKY, box, 1, border_radius=4)
        head = f"{who.upper()} IS TAKING A DECISION"
        if font(15, True).size(head + "  ·  the team waits on it")[0] < width - 16:
            head += "  ·  the team waits on it"
        text(surface, cut_to_width(head, width - 16, 15, True),
             (box.left + 8, box.top + 6), size=15, bold=True, colour=SKY)
        for i, line in enumerate(lines):
            text(surface, line, (box.left + 8, box.top + 28 + 19 * i), size=15, colour=TEXT)

    def draw_known(self, surface: pygame.Surface, snap: Snapshot) -> None:
        """The side list: each thing known with how the seat knows it and how old it is."""
        inner = panel(surface, self.known_rect, self.known_title())
        self.known_rows = []
        y = inner.top
        rows = self.link.known(snap)
        if not rows:
            text(surface, "Nothing seen or reported yet.", (inner.left, y), size=15, colour=MUTED)
        for m, line in rows:
            name, _, how = line.partition(" — ")
            how_lines = wrap(how, inner.width - 12, 14)[:2]
            height = KNOWN_ROW * (1 + len(how_lines))
            if y + height > inner.bottom:
                text(surface, f"… and {len(rows) - len(self.known_rows)} more", (inner.left, y), size=14, colour=MUTED)
                break
            rect = pygame.Rect(inner.left - 4, y - 1, inner.width + 8, height - 2)
            if m.id == self.selected:
                pygame.draw.rect(surface, (70, 64, 30), rect, border_radius=3)
            colour = MUTED if m.stale else TEXT
            text(surface, cut_to_width(name, inner.width, 15, bold=True),
                 (inner.left, y), size=15, bold=True, colour=colour)
            told = how.startswith("told") or how.startswith("intelligence")
            for i, words in enumerate(how_lines):  # how it is known is the point: never cut
                text(surface, words, (inner.left + 12, y + KNOWN_ROW * (i + 1) - 2), size=14,
                     colour=SKY if told else MUTED)
            self.known_rows.append((rect, m.id))
            y += height + 2

    def draw_messages(self, surface: pygame.Surface, snap: Snapshot) -> None:
        """Under the map: the messages sent and received, with those still on their way."""
        bottom = self.map_rect.bottom - MESSAGE_SPACE - (self._banner_height(snap) + 6 if snap.decisions_elsewhere else 0)
        area = pygame.Rect(self.map_inner.left, self.map_inner.bottom + 8, self.map_inner.width,
                           bottom - self.map_inner.bottom - 8)
        if area.height < 60:
            return
        title = "MESSAGES, SENT AND RECEIVED" if self.link.role == "agency" else "MESSAGES BETWEEN THE SEATS"
        text(surface, title, (area.left, area.top), size=14, colour=MUTED, bold=True)
        y = area.top + 22
        lines = self.message_lines(snap.t)
        if not lines:
            text(surface, "None yet.", (area.left, y), size=14, colour=MUTED)
        for words, colour in lines:
            wrapped = wrap(words, area.width - 4, 15)[:3]
            if y + 19 * len(wrapped) > area.bottom:
                break
            for line in wrapped:
                text(surface, line, (area.left, y), size=15, colour=colour)
                y += 19
            y += 5

    def _banner_height(self, snap: Snapshot) -> int:
        return 34 + 19 * len(self._banner_lines(snap)) - (8 if not self._banner_lines(snap) else 0)

    def _banner_lines(self, snap: Snapshot) -> list[str]:
        """The prompt of another seat's decision, where the host tells it (it may say only
        that a decision is being taken)."""
        prompt = snap.decisions_elsewhere[0][0] if snap.decisions_elsewhere else ""
        if prompt.strip().lower() in ("", "a decision"):
            return []
        return wrap(prompt, self.map_rect.width - 32, 15)[:3]

    def known_title(self) -> str:
        return "What we know, and how"

    def draw_feed(self, snap: Snapshot) -> None:
        key = (len(snap.feed), snap.feed[-1]["t"] if snap.feed else None)
        if key == self.feed_key:
            return
        self.feed_key = key
        lines = []
        for event in reversed(snap.feed):
            words = feed_words(event, self.link)
            if not words:
                continue
            bold = event["kind"] in BOLD_KINDS
            body = html.escape(words)
            lines.append(f"<font color='#9aa0a6'>{clock(event['t'])}</font> "
                         + (f"<b>{body}</b>" if bold else body))
        self.feed_box.set_text("<br>".join(lines) or "<i>Nothing reported yet.</i>")

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("click a marker", "select it: how you know it, and how old it is"),
                ("?", "show or hide this help")]

