"""The facts behind a bad outcome, for its event's `cause`: how far the police were, and
which shut doors stood between (the agents import this; it imports only the world's types)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.format import floorplan

if TYPE_CHECKING:
    from sim.engine.world import World


def clock(t: float) -> str:
    t = int(round(t))
    return f"{t // 60:02d}:{t % 60:02d}"


def police_approach(world: "World", cell: tuple[int, int]) -> tuple[float, list[str]]:
    """(metres of walking from the nearest officer inside the building to `cell`, through any
    door, and the doors on that way that are shut to them: locked or barricaded). Asked only
    when something bad happens, so one whole-floor field is affordable."""
    units = [u for u in world.people("unit") if u.present and u.outside_at is None]
    if not units:
        return float("inf"), []
    field = world.distance_to((cell,), optimistic=True)
    nearest = min(units, key=lambda u: (field[u.cell], u.id))
    metres = float(field[nearest.cell])
    if not math.isfinite(metres):
        return metres, []
    doors: list[str] = []
    here = nearest.cell
    rows, cols = field.shape
    for _ in range(field.size):
        door_id = world.door_at.get(here)
        if door_id and not world.doors[door_id].passable and door_id not in doors:
            doors.append(door_id)
        r, c = here
        options = [((r + dr, c + dc), field[r + dr, c + dc]) for dr, dc, _ in floorplan.NEIGHBOURS
                   if 0 <= r + dr < rows and 0 <= c + dc < cols]
        nxt, value = min(options, key=lambda o: (o[1], o[0]))
        if not value < field[here]:
            break
        here = nxt
    return round(metres, 1), doors


def noisy_or(chances) -> float:
    """The chance that at least one of several independent causes acts."""
    keep = 1.0
    for p in chances:
        keep *= 1.0 - p
    return 1.0 - keep

