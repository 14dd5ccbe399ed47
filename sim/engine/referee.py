"""The referee: decides when an exercise is over, and says why.

It is over when nothing is left to do: every victim safe (or gone beyond reach), every
perpetrator arrested or gone, every evidence item secured or destroyed, and every safe
woman handed over to those who care for her (when some unit can receive her), with no
unit busy for half a minute ("operation complete"). It is not over while a unit is on its
way or an objective can still be reached: an operation that has stalled with something
left to do goes on until the time limit (kept by `Exercise`), and the reason names what
was left. Only when what is left can no longer be reached by anyone does a stall of five
minutes end it.
"""
from __future__ import annotations

import math
from typing import Optional

from .world import World

COMPLETE_AFTER_IDLE = 30.0
STALLED_AFTER_IDLE = 300.0
QUIET_TICK_SECONDS = 60.0  # perception looks at least this often: a safety net
RECEIVER_KINDS = {"victim_care", "consular_officer", "liaison_officer"}


class Referee:
    def __init__(self, world: World):
        self.world = world
        self.idle_since: Optional[float] = 0.0  # since when nobody has had anything to do
        self._receivers = [u for u in world.people("unit") if u.spec.kind in RECEIVER_KINDS]

    def on_their_way(self) -> list:
        """Units coming (not on request, or requested) that have not arrived."""
        return [u for u in self.world.people("unit")
                if not u.present and (not u.spec.on_request or getattr(u, "requested", False))]

    def open_objectives(self) -> tuple[list[str], list[str]]:
        """(what is left that some unit can still reach, what is left out of anyone's reach)."""
        world = self.world
        reachable: list[str] = []
        beyond: list[str] = []
        for victim in world.people("victim"):
            if victim.fled or getattr(victim, "moved_away", False):
                continue
            if not victim.safe:
                where = victim.label if victim.label != "captive" else "not yet with the police"
                reachable.append(f"{victim.id} not safe ({where})")
            elif not victim.handed_over and self._receivers:
                reachable.append(f"{victim.id} not handed over")
        for perp in world.people("perpetrator"):
            if not perp.controlled:
                (reachable if perp.present else beyond).append(f"{perp.id} free ({perp.state})")
        for item in world.evidence.values():
            if item.state in ("intact", "destroying", "seizing"):
                reachable.append(f"{item.id} not secured")
        return reachable, beyond

    def judge(self, decision_open: bool) -> Optional[str]:
        """Why the exercise ends now, or None while it goes on. Asked after every look."""
        world = self.world
        busy = (decision_open or any(u.has_pending_work() for u in world.people("unit"))
                or bool(self.on_their_way()))
        if busy:
            self.idle_since = None
            return None
        now = world.env.now
        if self.idle_since is None:
            self.idle_since = now
        idle_for = now - self.idle_since + 1e-9  # a deadline met to the last bit counts
        if idle_for < COMPLETE_AFTER_IDLE:
            return None
        reachable, beyond = self.open_objectives()
        if not reachable and not beyond:
            return "operation complete"
        if not reachable and idle_for >= STALLED_AFTER_IDLE:
            return "no unit could do more; out of reach: " + "; ".join(beyond)
        return None

    def time_limit_reason(self) -> str:
        reachable, beyond = self.open_objectives()
        left = reachable + beyond
        minutes = self.world.env.now / 60
        return f"time limit reached ({minutes:.0f} min)" + (f"; still to do: {'; '.join(left)}" if left else "")

    def next_deadline(self) -> float:
        """When perception must look even if nothing changes: the referee's next deadline,
        or the next whole minute at the latest."""
        now = self.world.env.now
        due = [(math.floor(now / QUIET_TICK_SECONDS) + 1) * QUIET_TICK_SECONDS]
        if self.idle_since is not None:
            due += [self.idle_since + t for t in (COMPLETE_AFTER_IDLE, STALLED_AFTER_IDLE)
                    if self.idle_since + t > now + 1e-9]  # met already, to the last bit or not
        return min(due)
