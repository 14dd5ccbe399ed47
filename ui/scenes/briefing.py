"""The briefing: situation, intelligence with its source and age, objectives, the map as
far as it is known, and the units available by agency."""
from __future__ import annotations

import html
import re
from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UITextBox

from ui import render
from ui.preview.words import languages
from ui.scenes.base import Next, Scene
from ui.widgets import ACCENT, MUTED, panel, text

CONFIDENCE = {"confirmed": "confirmed", "probable": "probably true", "possible": "possibly true",
              "doubtful": "doubtful"}
CHANNEL = {"direct_liaison": "direct police liaison", "formal_request": "formal request",
           "informant": "informant", "surveillance": "surveillance", "victim_message": "message from a victim",
           "hotline": "hotline", "ngo": "NGO", "open_source": "open source"}


def paragraphs(words: str) -> str:
    """Text from a YAML `|` block as HTML: a blank line is a paragraph break; a single line
    break only wraps the source, so it is a space."""
    paras = [" ".join(p.split()) for p in re.split(r"\n\s*\n", words.strip())]
    return "<br><br>".join(html.escape(p) for p in paras if p)


def briefing_html(spec) -> str:
    b = spec.briefing
    parts = [f"<b>SITUATION</b><br>{paragraphs(b.situation)}<br><br>{html.escape(spec.challenge.briefing_line())}<br><br><b>INTELLIGENCE</b><br>"]
    for item in b.intelligence:
        age = f"{item.age_hours:g} h old" if item.age_hours else "fresh"
        source = f"{html.escape(item.source)}, " if item.source else ""
        parts.append(f"• {html.escape(item.text)}<br><i>{source}{CHANNEL[item.channel]}; "
                     f"{CONFIDENCE[item.confidence]}; {age}</i><br>")
    parts.append("<br><b>OBJECTIVES</b><br>")
    parts += [f"{i}. {html.escape(o)}<br>" for i, o in enumerate(b.objectives, 1)]
    return "".join(parts)


def units_html(spec) -> str:
    agencies = {a.id: a for a in spec.agencies}
    parts = []
    for agency in spec.agencies:
        units = [u for u in spec.units if u.agency == agency.id]
        if not units:
            continue
        delay = " (lead)" if agency.id == spec.lead_agency else f" (orders take {agency.coordination_delay:g} s)"
        parts.append(f"<b>{html.escape(agency.name)}</b>{delay}<br>")
        for u in units:
            # a unit on request comes as the engine brings it: arrives + its agency's coordination delay
            after = u.arrives + (0.0 if agency.id == spec.lead_agency else agency.coordination_delay)
            when = (f"on request, arrives {after:g} s after it" if u.on_request
                    else "on scene" if u.arrives == 0 else f"arrives T+{u.arrives:g} s")
            langs = languages(u.languages) or "-"
            parts.append(f"  • {html.escape(u.name)}: {u.kind.replace('_', ' ')}, {u.size} "
                         f"{'officer' if u.size == 1 else 'officers'}; languages: {langs}; {when}<br>")
    del agencies
    return "".join(parts)


class BriefingScene(Scene):
    name = "briefing"

    def build(self) -> None:
        w, h = self.window.size
        spec = self.ctx.scenario.spec
        self.text_rect = pygame.Rect(20, 70, int(w * 0.42), h - 150)
        self.map_rect = pygame.Rect(self.text_rect.right + 20, 70, w - self.text_rect.right - 40, int((h - 150) * 0.6))
        self.units_rect = pygame.Rect(self.map_rect.left, self.map_rect.bottom + 12, self.map_rect.width,
                                      h - 80 - self.map_rect.bottom - 12)
        self.brief_box = UITextBox(briefing_html(spec), self.text_rect, self.manager)
        self.units_box = UITextBox(units_html(spec), self.units_rect, self.manager)
        self.next_button = UIButton(pygame.Rect(w - 260, h - 60, 240, 44), "Plan the operation  >", self.manager)
        self.back_button = UIButton(pygame.Rect(20, h - 60, 140, 44), "<  Menu", self.manager)

    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.next_button:
                return self.go_on()
            if event.ui_element is self.back_button:
                return self.back()
        elif event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE:
                return self.back()
            if event.key == pygame.K_RETURN:
                return self.go_on()
        return None

    def go_on(self) -> Next:
        return Next.PLANNING

    def back(self) -> Next:
        return Next.MENU

    def draw(self, surface: pygame.Surface) -> None:
        spec = self.ctx.scenario.spec
        text(surface, spec.title, (20, 18), size=26, bold=True, colour=ACCENT)
        text(surface, f"BRIEFING  ·  {spec.difficulty}  ·  about {spec.estimated_minutes} min  ·  storey "
                      f"{spec.floor_plan.storey}", (20, 46), size=15, colour=MUTED)
        inner = panel(surface, self.map_rect, "Floor plan as known")
        view = render.view_for(self.ctx.scenario, inner)
        render.draw_plan(surface, view, self.ctx.scenario)
        render.draw_pointer_name(surface, view, self.ctx.scenario)
        w, h = surface.get_size()
        text(surface, "Enter: plan the operation   ·   ?: help", (w // 2, h - 38), size=15, colour=MUTED,
             anchor="center")

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Enter", "go on to planning"), ("Esc", "back to the menu"), ("?", "show or hide this help")]
