"""Pressures: what waiting costs. Things on the timeline that happen whatever the police do
(the scenario's `pressures`), each logged as a `pressure` event with what came of it.

- **watch**: someone inside keeps an eye on some rooms (a door camera, a peephole). Each
  officer waiting there is noticed at the scenario's chance per minute, so the longer and
  the more officers wait in sight, the likelier the flat is warned (one exponential draw of
  how much exposure it takes, then exposure is added up every few seconds).
- **rounds**: a lookout looks at the rooms at a time and then every so often.
- **client**: a client comes up through the rooms; seeing police there, he phones the flat.
- **phone_call**: a call warns the flat at a time.
- **move_victims**: at a time, a perpetrator takes women away to another place, unless the
  police are with them or on the way out, where he runs into them and the flat is warned.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Generator

from .agents.facts import clock

if TYPE_CHECKING:
    from sim.format.spec import Pressure
    from .world import World

WATCH_TICK_SECONDS = 5.0


def run_pressure(world: "World", pressure: "Pressure") -> Generator:
    env = world.env
    yield env.timeout(pressure.at)
    if pressure.kind == "watch":
        yield from _watch(world, pressure)
    elif pressure.kind in ("rounds", "client"):
        while _someone_to_warn(world, pressure):
            _look(world, pressure)
            if pressure.every is None:
                return
            yield env.timeout(pressure.every)
    elif pressure.kind == "phone_call":
        if _someone_to_warn(world, pressure):
            _warn(world, pressure, "a phone call warned the flat")
        else:
            pass  # too late to warn anyone
    else:
        _move_victims(world, pressure)


def _targets(world: "World", pressure: "Pressure") -> list:
    if pressure.alerts == "all":
        return list(world.people("perpetrator"))
    return [world.agents[pressure.alerts]]


def _someone_to_warn(world: "World", pressure: "Pressure") -> bool:
    return any(p.state == "unaware" and not p.controlled and p.present for p in _targets(world, pressure))


def _officers_in(world: "World", rooms: tuple[str, ...]) -> dict[str, int]:
    """Officers present in each of `rooms` (units covering a window from outside are not there)."""
    out: dict[str, int] = {}
    for unit in world.people("unit"):
        if unit.present and unit.outside_at is None:
            room = world.room_of(unit.cell)
            if room in rooms:
                out[room] = out.get(room, 0) + unit.size
    return out


def _log(world: "World", pressure: "Pressure", outcome: str, **facts) -> None:
    world.emit("pressure", subject=pressure.id, pressure=pressure.kind, outcome=outcome,
               message=pressure.message, **facts)


def _warn(world: "World", pressure: "Pressure", outcome: str, **facts) -> None:
    _log(world, pressure, outcome, **facts)
    for perp in _targets(world, pressure):
        perp.alert(f"pressure {pressure.id}: {outcome}")


def _watch(world: "World", pressure: "Pressure") -> Generator:
    env = world.env
    needed = float(world.streams(f"pressure:{pressure.id}").exponential(1.0))
    per_officer_second = -math.log(1.0 - min(pressure.chance, 0.999999)) / 60.0
    exposure = 0.0
    waited: dict[str, float] = {}
    while _someone_to_warn(world, pressure):
        officers = _officers_in(world, pressure.watches)
        for room, n in officers.items():
            waited[room] = waited.get(room, 0.0) + n * WATCH_TICK_SECONDS
        exposure += sum(officers.values()) * per_officer_second * WATCH_TICK_SECONDS
        if exposure >= needed:
            room = max(sorted(officers), key=lambda r: officers[r]) if officers else pressure.watches[0]
            minutes = waited.get(room, 0.0) / 60.0
            _warn(world, pressure, f"police waiting in {room} were noticed", room=room, officers=officers.get(room, 0),
                  officer_minutes=round(minutes, 1),
                  cause=f"{officers.get(room, 0)} officers in sight in {room}; {minutes:.0f} officer-minutes "
                        f"waited there by T+{clock(world.now)}")
            return
        yield env.timeout(WATCH_TICK_SECONDS)


def _look(world: "World", pressure: "Pressure") -> None:
    officers = _officers_in(world, pressure.watches)
    who = "a lookout on his rounds" if pressure.kind == "rounds" else "a client coming up"
    if officers and world.streams.chance(f"pressure:{pressure.id}:{world.now:.0f}", pressure.chance):
        room = max(sorted(officers), key=lambda r: officers[r])
        _warn(world, pressure, f"{who} saw police in {room}", room=room, officers=officers[room],
              cause=f"{who} saw {officers[room]} officers waiting in {room} at T+{clock(world.now)}")
    # seeing nothing, nothing happens (and nothing is logged)


def _move_victims(world: "World", pressure: "Pressure") -> None:
    perp = world.agents[pressure.by]
    if perp.controlled or not perp.present or perp.state != "unaware" or perp.hostage is not None:
        return  # the police are in, or he is busy with them: too late to move anyone
    police_rooms = {world.room_of(u.cell) for u in world.people("unit") if u.present and u.outside_at is None}
    if world.room_of(perp.cell) in police_rooms:
        return
    women = [world.agents[v] for v in pressure.victims]
    women = [v for v in women if v.present and not v.safe and v.hostage_of is None and not v.fled
             and world.room_of(v.cell) not in police_rooms]
    if not women:
        return
    officers = _officers_in(world, pressure.watches)
    if officers:
        room = max(sorted(officers), key=lambda r: officers[r])
        _warn(world, pressure, f"{perp.id}, taking the women out, ran into police in {room}", room=room,
              cause=f"police were waiting in {room} on the way out at T+{clock(world.now)}")
        return
    names = [v.id for v in women]
    _log(world, pressure, f"{perp.id} took {', '.join(names)} away to another place", victims=names,
         cause=f"the police had not reached them by T+{clock(world.now)}")
    for victim in women:
        victim.present = False
        victim.moved_away = True
        victim.state = "moved away"
        world.emit("victim_moved_away", subject=victim.id, by=perp.id,
                   cause=f"taken away by {perp.id} at T+{clock(world.now)}, before the police reached her "
                         f"({pressure.id})")
    perp.present = False
    perp.fled = True
    perp.state = "fled"
    if perp.process.is_alive:
        perp.process.interrupt("gone")
    world.emit("perpetrator_fled", subject=perp.id, via="moved away", cause=f"left with {', '.join(names)} at "
               f"T+{clock(world.now)} before the police came in ({pressure.id})")
    world.poke()
