"""The referee: decides when an exercise is over.

It is over when every victim is safe and every perpetrator under control, and nothing
has been left to do for half a minute; or when no unit has had anything to do for five
minutes (the operation stalled). The exercise's time limit is kept by `Exercise`.
"""
from __future__ import annotations

import math
from typing import Optional

from .world import World

COMPLETE_AFTER_IDLE = 30.0
STALLED_AFTER_IDLE = 300.0
QUIET_TICK_SECONDS = 60.0  # perception looks at least this often: a safety net


class Referee:
    def __init__(self, world: World):
        self.world = world
        self.idle_since: Optional[float] = 0.0  # since when nobody has had anything to do

    def judge(self, decision_open: bool) -> Optional[str]:
        """Why the exercise ends now, or None while it goes on. Asked after every look."""
        world = self.world
        busy = decision_open or any(u.has_pending_work() for u in world.people("unit"))
        if busy:
            self.idle_since = None
            return None
        now = world.env.now
        if self.idle_since is None:
            self.idle_since = now
        idle_for = now - self.idle_since + 1e-9  # a deadline met to the last bit counts
        resolved = (all(v.safe or v.fled for v in world.people("victim"))  # one who fled is not coming back
                    and all(p.controlled for p in world.people("perpetrator")))
        if resolved and idle_for >= COMPLETE_AFTER_IDLE:
            return "operation complete"
        if idle_for >= STALLED_AFTER_IDLE:
            return "no unit had anything left to do"
        return None

    def next_deadline(self) -> float:
        """When perception must look even if nothing changes: the referee's next deadline,
        or the next whole minute at the latest."""
        now = self.world.env.now
        due = [(math.floor(now / QUIET_TICK_SECONDS) + 1) * QUIET_TICK_SECONDS]
        if self.idle_since is not None:
            due += [self.idle_since + t for t in (COMPLETE_AFTER_IDLE, STALLED_AFTER_IDLE)
                    if self.idle_since + t > now + 1e-9]  # met already, to the last bit or not
        return min(due)
