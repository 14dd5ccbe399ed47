"""A seat's own briefing and plan at a joint exercise, kept apart from pygame.

The seat sees the scenario as far as it is its own: its units (and when they arrive), its
channels to each other seat (and their delays), the shared intelligence and objectives.
It plans with the trainee's planning screen on that slice. Its plan goes to the host as
queued orders (inputs like any other, journalled and verified) when the seat says it is
ready; orders that wait for another seat's go are held by the window and given when that
seat's go arrives by its channel ("on HK command's go").
"""
from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass, field
from typing import Optional

from sim.format.joint import channels_linking
from sim.format.orders import Order
from sim.format.scenario import Scenario
from ui.planning_model import PlanDraft

GO_WORD = "GO"  # a message that starts with it, from the seat a plan waits on, is its go
ENTRY = ("breach", "clear", "negotiate", "arrest")


def seat_scenario(scenario: Scenario, seat: str) -> Scenario:
    """The scenario with only this seat's units, for the planning screen."""
    spec = scenario.spec
    agencies = next(s.agencies for s in spec.seats if s.id == seat)
    mine = tuple(u for u in spec.units if u.agency in agencies)
    return dataclasses.replace(scenario, spec=spec.model_copy(update={"units": mine}))


def channel_delay(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def seat_briefing_html(scenario: Scenario, seat: str) -> str:
    """The seat's briefing: situation, intelligence, objectives, its needs, and who it can reach how fast."""
    from ui.scenes.briefing import briefing_html
    spec = scenario.spec
    me = next(s for s in spec.seats if s.id == seat)
    parts = [briefing_html(spec)]
    needs = ", ".join(me.needs) or "nothing in particular"
    parts.append(f"<br><b>YOUR SEAT</b><br>{html.escape(me.name)}: you command "
                 f"{', '.join(html.escape(_agency_name(spec, a)) for a in me.agencies)}. "
                 f"Your job needs you to know of: {html.escape(needs)}.<br>")
    if spec.lead_agency in me.agencies:
        parts.append("You lead the operation: intelligence with no addressee comes to you, and the other "
                     "seats may wait for your go.<br>")
    parts.append("<br><b>YOUR CHANNELS</b> (what you send arrives after the delay)<br>")
    for other in spec.seats:
        if other.id == seat:
            continue
        links = channels_linking(spec.seats, spec.channels, seat, other.id)
        words = "; ".join(f"{html.escape(c.name)} ({channel_delay(c.delay)}"
                          + (f", needs {html.escape(c.requires_unit)} on scene" if c.requires_unit else "") + ")"
                          for c in links) or "<i>no channel: pass it through another seat</i>"
        parts.append(f"• to {html.escape(other.name.split(' (')[0])}: {words}<br>")
    return "".join(parts)


def _agency_name(spec, agency_id: str) -> str:
    return next((a.name for a in spec.agencies if a.id == agency_id), agency_id)


@dataclass
class SeatPlan:
    """What the seat planned: orders to queue now, and orders held for another seat's go."""
    seat: str
    now: list[Order] = field(default_factory=list)
    on_go_of: Optional[str] = None  # the seat whose go the held orders wait for
    held: list[Order] = field(default_factory=list)

    @classmethod
    def from_draft(cls, seat: str, draft: PlanDraft, on_go_of: Optional[str]) -> "SeatPlan":
        """From the planning screen's draft: with a go signal, everything from the first
        entry order on waits for it, staging (moves, stacks, cordons) going at once; a seat
        whose units do not enter holds all its orders for the go."""
        orders = list(draft.build(name=f"{seat} plan").orders)
        if on_go_of is None:
            return cls(seat, orders)
        first = next((i for i, o in enumerate(orders) if o.do in ENTRY), 0)
        return cls(seat, orders[:first], on_go_of, orders[first:])

    def is_go(self, event: dict) -> bool:
        """A delivered message that is the go this plan waits for."""
        return (self.on_go_of is not None and event.get("kind") == "message_delivered"
                and event.get("sender") == self.on_go_of
                and str(event.get("text") or "").strip().upper().startswith(GO_WORD))
