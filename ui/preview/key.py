"""The panels below the preview's plan: the key, the units by agency, the people and evidence.

Each panel is a list of column-wide blocks (a `Block` each, cropped to its content) that
the page (`ui.preview`) flows into columns. The key lists only the symbols the plan used.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style import palette  # noqa: E402
from ui.style.fonts import MIN_TEXT, draw_lines, draw_text, font, wrap  # noqa: E402
from ui.style.key_symbols import KEY_TEXT, draw_key_symbol  # noqa: E402
from ui.style.markers import draw_marker  # noqa: E402
from ui.preview.words import arrives_later, duration, languages, place_name, unit_codes, weapon  # noqa: E402

KEY_GROUPS = (("People and items", ("victim", "perpetrator", "armed:knife", "armed:blunt", "armed:firearm", "unit",
                                    "unit:later", "evidence")),
              ("Doors and windows", ("door:doorway", "door:wooden", "door:reinforced", "door:iron_gate",
                                     "door:fire_door", "door:open", "locked", "window", "window:grille",
                                     "window:escape")),
              ("Building", ("stairs", "lift", "exit", "wall", "outside")))
KEY_WORDING = {"unit": "Unit on scene at the start (# = its number in Units by agency)",
               "locked": "Locked door or gate (padlock beside it)"}


def panels(spec, used: Iterable[str], width: int) -> list[pygame.Surface]:
    """The blocks of the key (of the `used` symbols), the units and the people, in order."""
    return key_blocks(used, width) + unit_blocks(spec, width) + people_blocks(spec, width)


class Block:
    """A column-wide strip of text and symbols, drawn top-down and cropped to what was used."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.surface = pygame.Surface((width, 600))
        self.surface.fill(palette.PAPER)
        self.y = 0

    def _room_for(self, height: int) -> None:
        if self.y + height > self.surface.get_height():
            bigger = pygame.Surface((self.width, 2 * (self.y + height)))
            bigger.fill(palette.PAPER)
            bigger.blit(self.surface, (0, 0))
            self.surface = bigger

    def heading(self, words: str) -> None:
        self._room_for(40)
        rect = draw_text(self.surface, words.upper(), (0, self.y), size=17, colour=palette.BAND, bold=True)
        pygame.draw.line(self.surface, palette.ORANGE, (0, rect.bottom + 3), (self.width, rect.bottom + 3), 2)
        self.y = rect.bottom + 12

    def text(self, words: str, *, x: int = 0, size: int = 15, colour=palette.INK, bold: bool = False) -> None:
        for line in wrap(words, self.width - x, size, bold):
            self._room_for(font(size, bold).get_linesize())
            draw_text(self.surface, line, (x, self.y), size=size, colour=colour, bold=bold)
            self.y += font(size, bold).get_linesize()

    def row(self, icon: Callable[[pygame.Surface, pygame.Rect], None], title: str, detail: str = "", *,
            icon_w: int = 30, min_h: int = 26) -> None:
        self._room_for(min_h + 6)
        top = self.y
        x = icon_w + 10
        if detail:
            self.text(title, x=x)
            self.text(detail, x=x, size=MIN_TEXT, colour=palette.MUTED_INK)
        else:
            lines = wrap(title, self.width - x, 15)
            height = max(min_h, font(15).get_linesize() * len(lines))
            self._room_for(height + 6)
            draw_lines(self.surface, lines, pygame.Rect(x, top, self.width - x, height), size=15, align="left")
            self.y = top + height
        first_line = font(15).get_linesize()
        icon(self.surface, pygame.Rect(0, top, icon_w, max(first_line, min_h if not detail else first_line)))
        self.y = max(self.y, top + min_h) + 6

    def done(self) -> pygame.Surface:
        self._room_for(0)
        return self.surface.subsurface(pygame.Rect(0, 0, self.width, max(1, self.y - 6))).copy()

    def subheading(self, words: str) -> None:
        self.text(words, bold=True, colour=palette.MUTED_INK)
        self.y += 4


def _next_block(blocks: list[pygame.Surface], width: int, heading: str) -> Block:
    """A new block for a panel; the panel's first block opens with its heading."""
    block = Block(width)
    if not blocks:
        block.heading(heading)
    return block


def key_blocks(used: Iterable[str], width: int) -> list[pygame.Surface]:
    used = set(used)
    blocks = []
    for title, symbols in KEY_GROUPS:
        shown = [symbol for symbol in symbols if symbol in used]
        if not shown:
            continue
        block = _next_block(blocks, width, "Key")
        block.subheading(title)
        for symbol in shown:
            def icon(surface: pygame.Surface, rect: pygame.Rect, symbol=symbol) -> None:
                draw_key_symbol(surface, rect, symbol, cell=24, marker=10)
            block.row(icon, KEY_WORDING.get(symbol, KEY_TEXT[symbol]), icon_w=52, min_h=28)
        blocks.append(block.done())
    return blocks


def unit_blocks(spec, width: int) -> list[pygame.Surface]:
    codes = unit_codes(spec)
    by_agency: dict[str, list] = {}
    for unit in spec.units:
        by_agency.setdefault(unit.agency, []).append(unit)
    blocks = []
    for agency in spec.agencies:
        block = _next_block(blocks, width, "Units by agency")
        lead = " (lead agency)" if agency.id == spec.lead_agency else ""
        block.text(agency.name + lead, bold=True)
        detail = agency.country
        if agency.coordination_delay:
            detail += f" \u00b7 orders reach them after {duration(agency.coordination_delay)}"
        block.text(detail, size=MIN_TEXT, colour=palette.MUTED_INK)
        block.y += 6
        units = by_agency.get(agency.id, [])
        if not units:
            block.text("no units in this exercise", x=34, size=MIN_TEXT, colour=palette.MUTED_INK)
        for n, unit in enumerate(units):
            if n and n % 6 == 0:  # long lists continue in a new block, so columns balance
                blocks.append(block.done())
                block = Block(width)
            later = arrives_later(unit)
            where = place_name(spec.floor_plan, unit.at)
            if not later:
                when = f"on scene at the start, at {where}"
            elif unit.on_request:
                when = (f"on request: arrives {duration(unit.arrives)} after the call, at {where}"
                        if unit.arrives else f"on request: arrives at {where}")
            else:
                when = f"arrives at T+{duration(unit.arrives)}, at {where}"
            if unit.languages:
                when += f" \u00b7 speaks {languages(unit.languages)}"

            def icon(surface: pygame.Surface, rect: pygame.Rect, unit=unit, later=later) -> None:
                draw_marker(surface, "unit", (rect.centerx, rect.centery + 1), 11,
                                  code=codes[unit.id], hollow=later)
            block.row(icon, f"{unit.name}, {unit.size} {'person' if unit.size == 1 else 'people'}", when)
        blocks.append(block.done())
    return blocks


def people_blocks(spec, width: int) -> list[pygame.Surface]:
    groups = []
    for v in spec.victims:
        detail = f"{v.nationality}; speaks {languages(v.languages)}"
        if v.condition:
            detail += "; " + ", ".join(v.condition)
        groups.append(("victim", None, v.name, detail))
    for p in spec.perpetrators:
        armed = weapon(p)
        detail = p.role + (f"; armed: {armed}" if armed else "; unarmed")
        if p.languages:
            detail += f"; speaks {languages(p.languages)}"
        groups.append(("perpetrator", armed, p.name, detail))
    for e in spec.evidence:
        groups.append(("evidence", None, e.name,
                       f"{e.kind.replace('_', ' ')}; destroyed in {duration(e.destroy_seconds)} if not secured"))
    blocks = []
    titles = {"victim": "Victims", "perpetrator": "Perpetrators", "evidence": "Evidence"}
    for role in ("victim", "perpetrator", "evidence"):
        rows = [g for g in groups if g[0] == role]
        if not rows:
            continue
        block = _next_block(blocks, width, "People and evidence")
        block.subheading(titles[role])
        for _, armed, name, detail in rows:
            def icon(surface: pygame.Surface, rect: pygame.Rect, role=role, armed=armed) -> None:
                draw_marker(surface, role, (rect.centerx - (3 if armed else 0), rect.centery + 1), 10,
                                  armed=armed)
            block.row(icon, name, detail)
        blocks.append(block.done())
    return blocks
