"""The controller's room: a row a seat (who plays it, connected, ready, heard from when,
round-trip time), the warnings of seats that dropped or came back, and a button to hand a
dropped seat to the plan or back to its player. The host keeps the roster; this draws it.
"""
from __future__ import annotations

from typing import Optional

import pygame
from pygame_gui.elements import UIButton

from sim.engine.narrate import clock
from ui.style.fonts import cut_to_width
from ui.style.palette import GREEN, VERMILLION
from ui.widgets import MUTED, TEXT, panel, text

ROW = 58
BUTTON_WIDTH = 112


def order_words(order: dict, names: dict[str, str]) -> str:
    """One planned order as the controller reads it."""
    def name(ident):
        return names.get(ident, str(ident).replace("_", " ")).split(" (")[0]
    target = next((order[k] for k in ("to", "door", "room", "target", "victim", "perpetrator", "item") if k in order), None)
    words = f"{name(order['unit'])}: {order['do'].replace('_', ' ')}" + (f" {name(target)}" if target else "")
    if order.get("method"):
        words += f" by {order['method'].replace('_', ' ')}"
    if order.get("at") is not None:
        words += f" at T+{float(order['at']):g} s"
    elif order.get("when") or order.get("on"):
        words += f" when {' '.join(name(w) for w in str(order.get('when') or order.get('on')).split())}"
    return words


def room_height(seats: int) -> int:
    return 30 + ROW * seats + 44


class RoomPanel:
    def __init__(self, rect: pygame.Rect, link, manager):
        self.rect, self.link = rect, link
        inner_right = rect.right - 8
        self.buttons: dict[UIButton, str] = {}
        self.rows_top = rect.top + 30
        seats = [s.id for s in link.scenario.spec.seats]
        # a row a seat, shorter (one line of details) when many seats share the panel
        self.row = max(38, min(ROW, (rect.height - 30 - 24) // max(1, len(seats))))
        for i, seat in enumerate(seats):
            b = UIButton(pygame.Rect(inner_right - BUTTON_WIDTH, self.rows_top + self.row * i + 2, BUTTON_WIDTH, 24),
                         "Hand to plan", manager, tool_tip_text="The plan takes this seat's decisions until "
                         "you hand it back to its player")
            b.hide()
            self.buttons[b] = seat

    def seat_at(self, pos) -> Optional[str]:
        """The seat whose row is under `pos` (not its button), or None."""
        if not self.rect.collidepoint(pos) or any(b.visible and b.rect.collidepoint(pos) for b in self.buttons):
            return None
        i = (pos[1] - self.rows_top) // self.row
        seats = [s.id for s in self.link.scenario.spec.seats]
        return seats[i] if 0 <= i < len(seats) and pos[1] >= self.rows_top else None

    def plan_lines(self, seat: str) -> list[str]:
        """The orders a seat queued before the start, in words ('EU entry team: stack Iron security gate')."""
        row = self._rows().get(seat) or {}
        return [order_words(o, self.link.names) for o in row.get("planned", [])]

    def action_for(self, button) -> Optional[dict]:
        """The controller's action a button press means, from the seat's row as it is now."""
        seat = self.buttons.get(button)
        row = self._rows().get(seat)
        if row is None:
            return None
        return {"do": "hand_back" if row["played"] == "plan" else "hand_to_plan", "seat": seat}

    def _rows(self) -> dict[str, dict]:
        return {r["seat"]: r for r in self.link.room.get("seats", [])}

    def update(self, people: tuple[str, ...]) -> None:
        """A button on a seat a person plays: 'Hand to plan' once it has dropped, 'Hand back' after."""
        rows = self._rows()
        for b, seat in self.buttons.items():
            row = rows.get(seat)
            shown = row is not None and seat in people and (row["played"] == "plan" or not row["connected"])
            if not shown:
                if b.visible:
                    b.hide()
                continue
            words = "Hand back" if row["played"] == "plan" else "Hand to plan"
            if b.text != words:
                b.set_text(words)
            if not b.visible:
                b.show()

    def draw(self, surface: pygame.Surface) -> None:
        inner = panel(surface, self.rect, "The room: seats and connections")
        x, w = inner.left, inner.width
        rows = self._rows()
        y = self.rows_top
        for seat in (s.id for s in self.link.scenario.spec.seats):
            row = rows.get(seat)
            if row is None:
                continue
            button = next(b for b, s in self.buttons.items() if s == seat)
            room_for_name = w - (BUTTON_WIDTH + 8 if button.visible else 0) - 16
            if row["played"] == "plan" and not row["connected"]:
                dot, colour = "◆", MUTED
            elif row["connected"]:
                dot, colour = "●", GREEN
            else:
                dot, colour = "○", VERMILLION if row.get("dropped_at") is not None else MUTED
            text(surface, dot, (x, y + 1), size=14, colour=colour)
            text(surface, cut_to_width(self.link.seat_name(seat), room_for_name, 15, True), (x + 16, y), size=15, bold=True)
            lines = self.details(row).split("\n")[:1 if self.row < ROW else 2]
            for i, line in enumerate(lines):
                text(surface, cut_to_width(line, w - 16, 13), (x + 16, y + 19 + 17 * i), size=13,
                     colour=VERMILLION if row.get("dropped_at") is not None and not row["connected"] else MUTED)
            y += self.row
        warnings = self.link.room.get("warnings", [])[-2:]
        for i, w_ in enumerate(reversed(warnings)):
            words = f"{clock(w_['t'])}  {w_['text']}"
            text(surface, cut_to_width(words, w, 14, True), (x, y + 4 + 19 * i), size=14, bold=True,
                 colour=VERMILLION if "dropped" in w_["text"] else TEXT)

    @staticmethod
    def details(row: dict) -> str:
        """'played by Anna · ready · 4 orders planned' and, below, 'heard 3 s ago · 12 ms'"""
        if row["played"] == "plan":
            who = "played by the plan" + (" (its player is back)" if row["connected"] else "")
        else:
            who = f"played by {row['player']}" if row.get("player") else "a person's seat"
        if not row["connected"]:
            state = f"dropped at {clock(row['dropped_at'])}" if row.get("dropped_at") is not None else \
                ("" if row["played"] == "plan" else "not joined yet")
            return " · ".join(p for p in (state, who) if p)
        parts = [who, "ready" if row["ready"] else "not ready"]
        if row.get("planned"):
            parts.append(f"{len(row['planned'])} orders planned")
        link = []
        if row.get("silent") is not None:
            link.append(f"last heard {row['silent']} s ago")
        link.append(f"round trip {row['rtt_ms']:.0f} ms" if row.get("rtt_ms") is not None else "round trip not measured yet")
        return " · ".join(parts) + "\n" + " · ".join(link)
