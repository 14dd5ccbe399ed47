"""Perception: what the units see of the world, and when they look.

Units look once a simulated second while anything moves or hangs on chance (an unaware
perpetrator in sight of police, a panicking victim). While the world stands still they
do not look again until something changes (a second later, as a person would notice) or
a deadline comes: the idle minutes of a run, waiting for the consul, then cost almost
nothing. What the last look saw stays in sight.

A look is also where the police's presence acts on people: a perpetrator in sight may
notice them, and officers in a room calm the women there and make them safe.

This is the engine's largest cost, so a look works out again only what can have changed
since the last one (tests compare it with a look from scratch).
"""
from __future__ import annotations

from typing import Callable, Generator, Optional

import simpy

from .agents.base import Agent
from .agents.unit import Unit
from .world import World

TICK_SECONDS = 1.0  # units look once a simulated second while anything moves
SPOT_RANGE_CELLS = 20  # a map block: only units in the same or a next block can see someone
CALMING_PER_SECOND = 0.005  # how fast officers with her lower a victim's fear


class Perception:
    def __init__(self, world: World):
        self.world = world
        self.env = world.env
        self.everyone: list[Agent] = list(world.agents.values())
        self.signature_seen: Optional[tuple] = None  # where everyone was at the last look
        self.pairs: tuple[list, list] = ([], [])  # (person, unit) and (item, unit) seen then
        self.seer: dict[str, Unit] = {}  # who first sees each person, as of the last look
        self.item_seer: dict[str, Unit] = {}
        self._unit_order = {u.id: i for i, u in enumerate(world.scenario.spec.units)}
        rows, cols = world.scenario.grid.shape
        self._small_floor = (rows - 1) // SPOT_RANGE_CELLS <= 1 and (cols - 1) // SPOT_RANGE_CELLS <= 1
        self._waiting: Optional[simpy.Event] = None  # the wait while the world stands still
        self._deadline: Optional[tuple[float, simpy.Event]] = None
        self._change_noticed: Optional[simpy.Event] = None  # the wait a change will end
        self.after_look: Optional[Callable[[list, list], None]] = None  # a joint run's seats look too

    # -- when to look ------------------------------------------------------------------
    def standing_still(self) -> bool:
        """Nothing will change unless something happens: no one in sight who may notice the
        police any second, no one panicking. Asked just after a look, which moves nobody
        (a test holds the engine to that), so what the look saw is still so."""
        if self.signature_seen is None:
            return False  # it has not looked yet
        people, _ = self.pairs
        if any(a.kind == "perpetrator" and a.state == "unaware" for a, _ in people):
            return False  # a perpetrator who can see police may notice them any second
        return not any(v.state == "panicked" for v in self.world.people("victim"))

    def wait_for_change(self, deadline: float) -> Generator:
        """Wait until the world changes (and a second more) or `deadline` comes."""
        world = self.world
        self._waiting = self.env.event()
        world.on_change = self._changed
        self.wake_by(deadline)
        yield self._waiting
        world.on_change = None

    def _changed(self) -> None:
        """The world changed while perception waits: look a second later, as a person would,
        whatever deadline falls in between."""
        self.world.on_change = None  # one wake-up is enough
        waiting = self._waiting
        self._change_noticed = waiting
        self.env.timeout(TICK_SECONDS).callbacks.append(lambda _: self._wake(waiting))

    @staticmethod
    def _wake(waiting: simpy.Event) -> None:
        if not waiting.triggered:
            waiting.succeed()

    def wake_by(self, t: float) -> None:
        """Perception must look by time t even if nothing changes. One timeout serves every
        wait until then: a quiet spell of many short waits costs one event, not one each."""
        if self._deadline is not None and self._deadline[0] == t and not self._deadline[1].processed:
            return
        deadline = self.env.timeout(max(0.0, t - self.env.now))
        self._deadline = (t, deadline)
        deadline.callbacks.append(self._deadline_passed)

    def _deadline_passed(self, deadline: simpy.Event) -> None:
        # only the latest deadline counts, and not for a wait that a change will end anyway
        waiting = self._waiting
        if self._deadline is not None and self._deadline[1] is deadline and waiting is not None \
                and self._change_noticed is not waiting:
            self._wake(waiting)

    # -- what a look sees ----------------------------------------------------------------
    def signature(self) -> tuple:
        # where everyone is (or is not): the sight lines change only when this does
        # (a woman who stops hiding is seen again: hidden is part of where she "is")
        return (self.world._door_version,
                tuple([(a.cell, a.present, a.outside_at, getattr(a, "hidden", False)) for a in self.everyone]))

    def in_sight(self) -> set[str]:
        """Ids of the people and items some unit saw at the last look. While the world
        stands still perception does not look again, and they are still in sight."""
        people, items = self.pairs
        return {thing.id for thing, _ in people} | {thing.id for thing, _ in items}

    def sightings(self, units: list, others: list) -> tuple[list, list]:
        """(person, first unit that sees them) and (item, unit) pairs.

        Worked out again only for what can have changed since the last look: the people
        who moved, and the people and items near a unit that moved. A changed door means
        a full look, as every sight line may cross it."""
        signature = self.signature()
        previous = self.signature_seen
        if signature == previous:
            return self.pairs
        block = SPOT_RANGE_CELLS
        # On a floor no more than two blocks each way every block is next to every other, so
        # every unit is near everyone; on a larger one, units are bucketed by block.
        small = self._small_floor
        buckets: dict[tuple[int, int], list] = {}  # units by map block: only near ones can see
        for unit in units if not small else ():
            buckets.setdefault((unit.cell[0] // block, unit.cell[1] // block), []).append(unit)
        evidence = self.world.evidence
        if previous is None or previous[0] != signature[0]:
            self.seer, self.item_seer = {}, {}
            people_to_look_at, items_to_look_at = others, list(evidence.values())
        else:
            moved, around, a_unit_moved = set(), set(), False
            for agent, before, after in zip(self.everyone, previous[1], signature[1]):
                if before == after:
                    continue
                moved.add(agent.id)
                if agent.kind == "unit":  # everyone near where it was or is now looks again
                    a_unit_moved = True
                    for r, c in (before[0], after[0]) if not small else ():
                        around.update((r // block + dr, c // block + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1))
            if small and a_unit_moved:
                people_to_look_at, items_to_look_at = others, list(evidence.values())
            else:
                people_to_look_at = [a for a in others
                                     if a.id in moved or (a.cell[0] // block, a.cell[1] // block) in around]
                items_to_look_at = [i for i in evidence.values()
                                    if (i.cell[0] // block, i.cell[1] // block) in around]
        can_see, order, near_block = self.world.can_see, self._unit_order, {}
        traced, _ = self.world.traced_lines()  # looked up here: a look asks thousands of times

        def first_to_see(cell) -> Optional[Unit]:
            """The first unit, in the scenario's order, within a block of `cell` that sees it."""
            if small:
                near = units  # already in the scenario's order
            else:
                near = near_block.get((cell[0] // block, cell[1] // block))
            if near is None:
                br, bc = cell[0] // block, cell[1] // block
                near = [u for dr in (-1, 0, 1) for dc in (-1, 0, 1) for u in buckets.get((br + dr, bc + dc), ())]
                near.sort(key=lambda u: order[u.id])
                near_block[(br, bc)] = near
            for unit in near:
                seen = traced.get((unit.cell, cell))
                if seen is None:
                    seen = can_see(unit.cell, cell)
                if seen:
                    return unit
            return None

        for agent in people_to_look_at:
            self.seer[agent.id] = first_to_see(agent.cell)
        for item in items_to_look_at:
            self.item_seer[item.id] = first_to_see(item.cell)
        people = [(a, self.seer[a.id]) for a in others if self.seer.get(a.id) is not None]
        items = [(i, u) for i in evidence.values() if (u := self.item_seer.get(i.id)) is not None]
        self.signature_seen = signature
        self.pairs = (people, items)
        return self.pairs

    # -- a look ------------------------------------------------------------------------
    def look(self, elapsed: float = TICK_SECONDS) -> None:
        world, now = self.world, self.env.now
        # a unit covering a window from outside neither sees in nor is seen from inside
        units = [u for u in world.people("unit") if u.present and u.outside_at is None]
        # a woman hiding is not seen until a search finds her
        others = [a for a in world.agents.values() if a.kind != "unit" and a.present and not getattr(a, "hidden", False)]
        people, items = self.sightings(units, others)
        for agent, unit in people:
            first = agent.id not in world.last_seen
            world.last_seen[agent.id] = (now, agent.cell, agent.label)
            if agent.kind == "victim" and not agent.found:
                agent.found = True
                agent.found_by = unit.id
                world.emit("victim_found", subject=agent.id, by=unit.id, room=world.room_of(agent.cell))
            elif agent.kind == "perpetrator":
                if not world.has_happened("perpetrator_seen", agent.id):
                    world.emit("perpetrator_seen", subject=agent.id, by=unit.id)
                if agent.state == "unaware" and world.streams.chance(
                        f"{agent.id}:spot", 0.3 + 0.7 * agent.vigilance):
                    agent.saw_police(unit.id)
            elif first:
                world.emit("seen", subject=agent.id, by=unit.id)
        for item, unit in items:
            if item.id not in world.last_seen:
                world.emit("seen", subject=item.id, by=unit.id)
            world.last_seen[item.id] = (now, item.cell, item.state)
        if self.after_look is not None:
            self.after_look(units, others)
        self._officers_calm(units, elapsed)

    def _officers_calm(self, units: list, elapsed: float) -> None:
        """Who is in which room, once per look: officers calm victims and make them safe."""
        world = self.world
        officers_in: dict[str, list] = {}
        for unit in units:
            officers_in.setdefault(world.room_of(unit.cell), []).append(unit.id)
        free_in: set = {world.room_of(p.cell) for p in world.people("perpetrator") if p.present and not p.controlled}
        for victim in world.people("victim"):
            if not victim.present or victim.handed_over:
                continue
            room = world.room_of(victim.cell)
            officers = officers_in.get(room) if room else None
            if not officers:
                continue
            if victim.hidden:
                continue
            if victim.fear > 0.0:  # most women the officers are with are calm already
                victim.change_fear(-CALMING_PER_SECOND * elapsed, "officers with her")
            if not victim.safe and not victim.hostage_of and room not in free_in:
                victim.make_safe(min(officers))
