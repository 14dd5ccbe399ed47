"""A frightened victim: she freezes (and may panic), hides, or flees, as her scenario's
`fear_reaction` says, once, when her fear is high and danger is close. (The victim agent
calls these; they take her as an Agent, so the two modules do not import each other.)

- **Hide**: units do not see her; a search finds her (certainly with the `search` skill,
  otherwise in 4 of 10 sweeps), as does a unit sent to her by name.
- **Flee**: she runs for the first route in her `flee_via` she can reach. A cordon there
  stops her and she is safe; out of a window she is on the ledge, where she may fall,
  until a unit comes to the window or its room; by an exit nobody covers she is gone,
  counted neither safe nor harmed. With no route she hides.
"""
from __future__ import annotations

from typing import Generator

import simpy

from .base import Agent, Blocked


FRIGHT_FEAR = 0.6  # below this she stays where she is
CLIMB_OUT_SECONDS = 20.0
LEDGE_CHECK_SECONDS = 30.0
LEDGE_FALL = 0.06  # each half minute on the ledge alone
COAX_SECONDS = {True: 30.0, False: 90.0}  # talked back in, in her language or not
SEARCH_FINDS = 0.4  # a sweep without the search skill finds a hiding woman


def frightened(victim: "Agent", cause: str, *, seen: bool) -> None:
    world = victim.world
    if (victim.reacted or victim.safe or victim.hostage_of or victim.fear < FRIGHT_FEAR
            or "restrained" in victim.spec.condition or not victim.present):
        return
    victim.reacted = True
    reaction = world.streams.choose(f"{victim.id}:fright", victim.reactions)
    if reaction == "freeze" or not reaction:
        return
    world.emit("victim_reaction", subject=victim.id, reaction=reaction, cause=cause)
    if reaction == "hide" and not seen:
        hide(victim)
    elif reaction == "flee":
        victim.state = "fleeing"
        victim.flight = world.env.process(_flee(victim))


def hide(victim: "Agent") -> None:
    victim.hidden = True
    victim.world.emit("victim_hid", subject=victim.id, room=victim.world.room_of(victim.cell))


def searched(victim: "Agent", unit) -> None:
    """A unit sweeps her room: does it find her where she hides?"""
    world = victim.world
    if not victim.hidden:
        return
    if "search" in unit.spec.skills or world.streams.chance(f"{victim.id}:search:{unit.id}", SEARCH_FINDS):
        found(victim, unit.id)


def found(victim: "Agent", unit_id: str) -> None:
    world = victim.world
    victim.hidden = False
    world.poke()
    if not victim.found:
        victim.found = True
        victim.found_by = unit_id
        world.emit("victim_found", subject=victim.id, by=unit_id, room=world.room_of(victim.cell))


def _flee(victim: "Agent") -> Generator:
    world = victim.world
    try:
        for route in victim.spec.flee_via:
            try:
                # to the cell by a window (she climbs from there), or onto an exit
                yield from victim.walk(world.targets_of(route), stop_before=world.scenario.kind_of(route) == "window")
            except Blocked:
                continue
            window = world.scenario.kind_of(route) == "window"
            if window:
                yield world.env.timeout(world.streams.lognormal(f"{victim.id}:climb", CLIMB_OUT_SECONDS, 0.3))
            guard = world.cordons.get(route)
            if guard is not None:
                victim.state = "captive"
                world.emit("victim_stopped", subject=victim.id, by=guard, at=route)
                found(victim, guard)
                victim.make_safe(guard)
                return
            ledge = window and next(w for w in world.scenario.spec.floor_plan.windows if w.id == route).escape == "ledge"
            if ledge:
                yield from _on_ledge(victim, route)
            else:  # an exit, or a window onto the ground, a roof or next door: she is away
                victim.present = False
                victim.fled = True
                victim.state = "fled"
                world.poke()
                world.emit("victim_fled", subject=victim.id, via=route)
            return
        victim.state = "captive"
        hide(victim)
    except simpy.Interrupt:  # officers reached her on her way
        victim.release_door()
        victim.state = "captive"


def _on_ledge(victim: "Agent", window: str) -> Generator:
    world = victim.world
    victim.on_ledge = window
    victim.present = False
    victim.state = "on the ledge"
    world.poke()
    world.emit("victim_on_ledge", subject=victim.id, window=window)
    rooms = [r for r in world.grid.neighbours_of(window) if world.scenario.kind_of(r) == "room"]
    out_at = world.now
    while True:
        yield world.env.timeout(LEDGE_CHECK_SECONDS)
        helper = world.cordons.get(window)
        if helper is None:
            near = sorted(u.id for r in rooms for u in world.in_room(r, "unit"))
            helper = near[0] if near else None
        if helper is not None:
            unit = world.agents[helper]
            yield world.env.timeout(world.streams.lognormal(
                f"{victim.id}:coax", COAX_SECONDS[victim.shares_language(unit)], 0.3))
            victim.on_ledge = None
            victim.present = True
            victim.state = "captive"
            world.emit("victim_brought_in", subject=victim.id, by=helper, window=window)
            found(victim, helper)
            victim.make_safe(helper)
            return
        if not victim.injured and world.streams.chance(f"{victim.id}:fall", LEDGE_FALL):
            victim.injured = True
            world.emit("victim_injured", subject=victim.id, why="slipped on the ledge", window=window,
                       alone_s=round(world.now - out_at, 1),
                       cause=f"slipped on the ledge after {world.now - out_at:.0f} s out there alone; no unit "
                             f"covered {window} or came into its room")
