"""A seat plans its own units at a joint exercise with the trainee's planning screen (the
same scene, on the seat's slice of the scenario), sets when to go, at a time or on another
seat's go, shares that timing with the other seats by a channel (it arrives after the
channel's delay), and says it is ready: its plan goes to the host as queued orders."""
from __future__ import annotations

import dataclasses
from typing import Optional

import pygame
import pygame_gui
from pygame_gui.elements import UIButton

from sim.engine.narrate import names_of
from ui.joint.seat_plan import ENTRY, GO_WORD, SeatPlan, seat_scenario
from ui.planning_model import PlanDraft
from ui.scenes.base import Next
from ui.scenes.planning import PlanningScene
from ui.widgets import ACCENT, TEXT

GO_TIMES = (None, 30.0, 60.0, 120.0)


class JointPlanningScene(PlanningScene):
    name = "joint_planning"

    def enter(self) -> None:
        self.joint = self.window.ctx  # the window's context; the planning screen works on the seat's slice
        self.link = self.joint.link
        self.ctx = dataclasses.replace(self.joint, scenario=seat_scenario(self.joint.scenario, self.link.seat))
        spec = self.joint.scenario.spec
        lead = next(s.id for s in spec.seats if spec.lead_agency in s.agencies)
        self.lead = lead if lead != self.link.seat else None  # whose go the seat may wait for
        self.on_go_of: Optional[str] = None
        self.shared = 0
        super().enter()
        self.names = names_of(spec)  # the other seats' units named in a plan (a hand-over) too
        self._refresh()

    def build(self) -> None:
        super().build()
        w, h = self.window.size
        self.start_button.set_text("Ready  >")
        self.back_button.set_text("<  Briefing")
        self.share_button = UIButton(pygame.Rect(w - 540, h - 62, 270, 46), "Share the timing", self.manager,
                                     tool_tip_text="Send when you go to every seat you can reach, each by its "
                                                   "fastest channel that works before the start")

    def _refresh(self) -> None:
        super()._refresh()
        if self.on_go_of is not None:
            self.go_button.set_text(f"Go: on {self.link.seat_name(self.on_go_of)}'s go")

    def timing_words(self) -> str:
        if self.on_go_of is not None:
            return f"we go on {self.link.seat_name(self.on_go_of)}'s go"
        if self.draft.go_at is not None:
            return f"we go at T+{self.draft.go_at:g} s"
        return "we go on our own command"

    # -- commands ----------------------------------------------------------------------
    def handle_event(self, event: pygame.event.Event) -> Optional[Next]:
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el is self.go_button:
                self.next_go()
                return None
            if el is self.share_button:
                self.share_timing()
                return None
            if el is self.doctrine_button:  # the seat's share of the doctrine plan
                self.draft = PlanDraft.from_plan(self.ctx.scenario, self.ctx.scenario.spec.doctrine_plan)
                mine = {u.id for u in self.ctx.scenario.spec.units}
                self.draft.orders = [o for o in self.draft.orders if o.unit in mine]
                self._refresh()
                return None
            if el is self.back_button:
                return Next.JOINT_BRIEFING
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            return Next.JOINT_BRIEFING
        return super().handle_event(event)

    def next_go(self) -> None:
        """On command -> T+30 -> T+60 -> T+120 -> on the lead seat's go -> on command."""
        if self.on_go_of is not None:
            self.on_go_of, self.draft.go_at = None, None
        else:
            i = GO_TIMES.index(self.draft.go_at) + 1
            if i == len(GO_TIMES) and self.lead is not None:
                self.on_go_of, self.draft.go_at = self.lead, None
            else:
                self.draft.go_at = GO_TIMES[i % len(GO_TIMES)]
        self._refresh()

    def share_timing(self) -> list[int]:
        """The timing to every seat this seat can reach, each by its fastest channel."""
        refs = []
        words = f"PLAN from {self.link.seat_name(self.link.seat)}: {self.timing_words()}"
        for seat in self.link.recipients():
            channels = self.link.channels_to(seat)
            # before the start, a channel that needs a unit on scene cannot carry it yet
            ready = [c for c in channels if not getattr(self.link.channels.get(c), "requires_unit", None)]
            if ready or channels:
                refs.append(self.link.client.message(seat, (ready or channels)[0], words))
        self.shared += 1
        self.messages = [(f"Shared with {len(refs)} seats: {self.timing_words()}.", TEXT),
                         ("Each arrives after its channel's delay, once the clock runs.", TEXT)]
        return refs

    def start(self) -> Optional[Next]:
        """Ready: the plan (checked as the trainee's is, less what is not this seat's job)
        goes to the host as queued orders, and the controller sees the seat is ready."""
        errors, warnings = self.draft.check()
        has_entry = any(set(u.skills) & {"breach"} for u in self.ctx.scenario.spec.units)
        if not has_entry:  # entering is another seat's job
            errors = [e for e in errors if "enter the flat" not in e]
            warnings = [w for w in warnings if "no entry" not in w]
        if errors:
            self.messages = [(e, (240, 120, 100)) for e in errors]
            return None
        if warnings and not self.warned:
            self.messages = [(w, ACCENT) for w in warnings[:1]] + [("Press Ready again to go as planned.", TEXT)]
            self.warned = True
            return None
        plan = SeatPlan.from_draft(self.link.seat, self.draft, self.on_go_of)
        for order in plan.now:
            self.link.client.order(order.model_dump(exclude_none=True), queue=True)
        self.joint.seat_plan = plan
        self.link.client.ready(True)
        return Next.SEAT


__all__ = ["ENTRY", "GO_WORD", "JointPlanningScene"]
