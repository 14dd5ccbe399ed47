"""(Called by the perpetrator agent; people are typed as Agent so the modules do not
import each other.)

How a perpetrator's situation shapes his reaction: the scenario gives the probabilities,
and what he sees when he acts weighs them.

- **Escape route open**: flight needs a route he can reach that no unit covers; without
  one, flight turns into a barricade (his `blocked_to_barricade`) or into the others.
- **A victim within reach** (8 m of walking): without one, taking a hostage is not an
  option; with one and no way out, he is cornered and twice as likely to seize her.
- **Officers seen**: four or more in sight make surrender twice as likely, resistance half.
- **Armed**: an unarmed man is half as likely to resist or seize a hostage.
- **Warning**: alerted from a distance (noise through walls, a lookout, a pressure such as
  a client who saw the police) he has time: flight, destroying evidence and seizing a woman
  count the scenario's `causes.hostage.distant_warning` (1.5x); with police within 5 m when
  he acts he has none (they count `close_warning`, half).
"""
from __future__ import annotations

from typing import Optional

import numpy as np

from .base import Agent


REACH_M = 8.0  # a victim he can get to before the police get to him
SHIELD_REACH_M = 2.5  # a victim he can grab as police come through the door
MANY_OFFICERS = 4
CLOSE_M = 5.0


def open_route(perp: "Agent") -> Optional[str]:
    """The first route in his flee_via that he can reach and no unit covers."""
    world = perp.world
    for route in perp.spec.flee_via:
        if route in world.cordons:
            continue
        if np.isfinite(world.distance_to(world.targets_of(route))[perp.cell]):
            return route
    return None


def victim_in_reach(perp: "Agent", metres: float = REACH_M) -> Optional["Agent"]:
    """The nearest victim he can get to (walking distance within `metres`), ties by id.

    A bounded search: only victims within the reach as the crow flies are looked at, each
    by a distance field in a window round him (World.distances_near), never the whole floor.
    The distance is compared as it always was, metres times the cell size (so the reach
    is `metres / cell_size` metres of walking): kept as it is, so event logs do not change."""
    world = perp.world
    size = world.grid.cell_size
    reach = metres / (size * size)  # the longest way, in cells, that counts
    victims = [v for v in world.people("victim")
               if v.present and not v.safe and v.hostage_of is None and v.state != "fleeing"]
    best = None
    for victim, d in zip(victims, world.distances_near(perp.cell, [v.cell for v in victims], reach)):
        d *= size
        if d <= metres and (best is None or (d, victim.id) < best[0]):
            best = ((d, victim.id), victim)
    return best[1] if best else None


def officers_in_sight(perp: "Agent") -> tuple[int, float]:
    """(officers he can see, metres to the nearest)."""
    world = perp.world
    count, nearest = 0, float("inf")
    for unit in world.people("unit"):
        if unit.present and unit.outside_at is None and world.can_see(perp.cell, unit.cell):
            count += unit.size
            nearest = min(nearest, float(np.hypot(unit.cell[0] - perp.cell[0], unit.cell[1] - perp.cell[1]))
                          * world.grid.cell_size)
    return count, nearest


DISTANT_WARNINGS = ("heard", "warned", "pressure", "inject")


def situated(perp: "Agent", weights: dict[str, float], why: str, causes=None) -> tuple[dict[str, float], dict]:
    """The weights as his situation makes them, and the situation (for the event log).
    `causes`: the scenario's `causes.hostage` (reach and the weight of warning)."""
    w = dict(weights)
    route = open_route(perp)
    reach = causes.reach_m if causes is not None else REACH_M
    close, distant = (causes.close_warning, causes.distant_warning) if causes is not None else (0.5, 1.5)
    victim = victim_in_reach(perp, reach)
    seen, nearest = officers_in_sight(perp)
    armed = perp.spec.armed != "none"
    if route is None and w.get("flee", 0) > 0:
        flee = w.pop("flee")
        to_barricade = flee * perp.escalation["blocked_to_barricade"]
        w["barricade"] = w.get("barricade", 0) + to_barricade
        w["resist" if armed else "surrender"] = w.get("resist" if armed else "surrender", 0) + flee - to_barricade
    if victim is None:
        for name in ("take_hostage", "move_victim"):
            if w.get(name, 0) > 0:
                w["resist" if armed else "surrender"] = w.get("resist" if armed else "surrender", 0) + w.pop(name)
    elif route is None:
        w["take_hostage"] = w.get("take_hostage", 0) * 2
    if seen >= MANY_OFFICERS:
        w["surrender"] = w.get("surrender", 0) * 2
        w["resist"] = w.get("resist", 0) * 0.5
    if not armed:
        w["resist"] = w.get("resist", 0) * 0.5
        w["take_hostage"] = w.get("take_hostage", 0) * 0.5
    if nearest <= CLOSE_M:
        time_factor = close
    elif why.startswith(DISTANT_WARNINGS):
        time_factor = distant
    else:
        time_factor = 1.0
    for name in ("flee", "destroy_evidence", "take_hostage", "move_victim"):
        if name in w:
            w[name] *= time_factor
    if sum(w.values()) <= 0:
        w = {"surrender": 1.0}
    situation = {"route_open": route is not None, "victim_in_reach": victim.id if victim else None,
                 "officers_seen": seen, "armed": armed, "warned_by": why,
                 "warning": "close" if nearest <= CLOSE_M else "distant" if why.startswith(DISTANT_WARNINGS) else "near"}
    return w, situation
