"""Opening or forcing a door: how long each method takes on each kind of door, how
often it works, and how loud it is.

Times are medians of a log-normal spread (sigma 0.35), from public descriptions of
method-of-entry training: a ram opens an ordinary wooden door in seconds but is poor
against a steel gate; a hydraulic spreader is the tool for gates and steel frames.
These are exercise values for a trainer to tune, not measurements.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Generator

if TYPE_CHECKING:
    from .world import DoorState, World

SIGMA = 0.35
# method -> door kind -> (median seconds, probability it works)
ENTRY_TIMES: dict[str, dict[str, tuple[float, float]]] = {
    "manual_ram": {"wooden": (8, 0.97), "fire_door": (12, 0.95), "reinforced": (30, 0.85), "iron_gate": (120, 0.5)},
    "halligan": {"wooden": (20, 0.95), "fire_door": (25, 0.9), "reinforced": (45, 0.8), "iron_gate": (150, 0.5)},
    "hydraulic_spreader": {"wooden": (25, 0.97), "fire_door": (25, 0.97), "reinforced": (30, 0.95), "iron_gate": (40, 0.93)},
    "angle_grinder": {"wooden": (60, 0.95), "fire_door": (70, 0.9), "reinforced": (90, 0.9), "iron_gate": (75, 0.95)},
    "key": {"wooden": (10, 0.6), "fire_door": (10, 0.6), "reinforced": (12, 0.6), "iron_gate": (15, 0.6)},
}
FORCED = {"manual_ram", "halligan", "hydraulic_spreader", "angle_grinder"}
NOISE_DB = {"manual_ram": 100, "halligan": 85, "hydraulic_spreader": 80, "angle_grinder": 95,
            "key": 40, "knock_and_announce": 75, "ruse": 45}
BARRICADE_SLOWDOWN = 1.8
NOISE_EVERY = 15.0  # a long forced entry keeps making noise
ANSWER_SECONDS = 45.0  # how long to wait for someone to open after a knock
RUSE_SECONDS = 30.0


class BreachFailed(Exception):
    pass


def breach(world: "World", by: str, door: "DoorState", method: str) -> Generator:
    """Run inside the process of unit `by`, standing next to the door. Raises BreachFailed."""
    env, streams = world.env, world.streams
    if door.open or door.broken:
        return
    if not door.locked and not door.barricaded:  # nothing to breach: just open it
        yield env.timeout(2.0)
        door.open = True
        world.door_changed()
        world.emit("door_opened", subject=door.id, by=by, how="opened")
        return
    world.emit("breach_started", subject=door.id, by=by, method=method)
    world.make_noise(door.cells[0], NOISE_DB[method], method.replace("_", " "))
    stream = f"{door.id}:{method}"
    if method == "knock_and_announce":
        yield env.timeout(streams.lognormal(stream + ":wait", ANSWER_SECONDS, 0.4))
        opener = _someone_who_opens(world, door)
        if opener is None:
            world.emit("breach_failed", subject=door.id, by=by, method=method, reason="no answer")
            raise BreachFailed(f"nobody opened {door.id}")
        open_door(world, door, by, how=f"opened by {opener}")
        return
    if method == "ruse":
        yield env.timeout(streams.lognormal(stream + ":wait", RUSE_SECONDS, 0.4))
        alerted = any(p.state != "unaware" for p in world.people("perpetrator") if p.present)
        works = world.scenario.spec.causes.entry.ruse_works
        if alerted or door.barricaded or not streams.chance(stream + ":works", works):
            world.emit("breach_failed", subject=door.id, by=by, method=method, reason="ruse not taken")
            raise BreachFailed(f"the ruse did not open {door.id}")
        open_door(world, door, by, how="ruse")
        return
    median, works = ENTRY_TIMES[method].get(door.kind, (20, 0.9))
    if door.barricaded:
        median, works = median * BARRICADE_SLOWDOWN, works * 0.9
    seconds = streams.lognormal(stream + ":time", median, SIGMA)
    while seconds > NOISE_EVERY and method in FORCED:
        yield env.timeout(NOISE_EVERY)
        seconds -= NOISE_EVERY
        world.make_noise(door.cells[0], NOISE_DB[method], method.replace("_", " "))
    yield env.timeout(seconds)
    if not streams.chance(stream + ":works", works):
        reason = "the key did not fit" if method == "key" else "the door held"
        world.emit("breach_failed", subject=door.id, by=by, method=method, reason=reason)
        raise BreachFailed(f"{door.id}: {reason}")
    if method in FORCED:
        door.broken = True
        world.emit("force_used", subject=door.id, by=by, force="forced_entry", method=method)
    open_door(world, door, by, how=method)


def best_tool(equipment: tuple[str, ...], door_kind: str) -> str | None:
    """The forced-entry tool in `equipment` most likely to open this kind of door quickly."""
    tools = [m for m in ("hydraulic_spreader", "manual_ram", "halligan", "angle_grinder") if m in equipment]
    if not tools:
        return None
    return max(tools, key=lambda m: ENTRY_TIMES[m].get(door_kind, (20, 0.9))[1] /
               ENTRY_TIMES[m].get(door_kind, (20, 0.9))[0])


def _someone_who_opens(world: "World", door: "DoorState"):
    for perp in sorted(world.people("perpetrator"), key=lambda p: p.id):
        if perp.present and not perp.controlled and perp.state == "surrendering":
            return perp.id
    return None


def open_door(world: "World", door: "DoorState", by: str, how: str) -> None:
    door.open = True
    door.locked = False
    door.barricaded = False
    world.door_changed()
    world.emit("door_opened", subject=door.id, by=by, how=how)
