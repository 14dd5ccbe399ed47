"""Turns trigger texts (`at`, `on`, `when`) into SimPy events that fire at the right moment.

`on EVENT [id]` fires once that event has happened; `when CONDITION [id]` fires once the
condition holds. Both are re-checked after every logged event, which is when the world
changes, so no polling is needed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Optional

import simpy

from sim.format import triggers
from sim.format.triggers import Trigger

if TYPE_CHECKING:
    from .world import World


class Watcher:
    def __init__(self, world: "World"):
        self.world = world
        self._waiting: list[tuple[Callable[[], bool], simpy.Event]] = []
        world.log.listen(self._check)

    def trigger_of(self, item) -> Optional[Trigger]:
        """The trigger of an order, inject or decision (None if it has none)."""
        if getattr(item, "at", None) is not None:
            return Trigger("at", "", None, float(item.at))
        for kind in ("on", "when"):
            text = getattr(item, kind, None)
            if text is not None:
                return triggers.parse(kind, text)
        return None

    def trigger_of_text(self, kind: str, text: str) -> Trigger:
        return triggers.parse(kind, text)

    def event_for(self, trigger: Optional[Trigger]) -> simpy.Event:
        env = self.world.env
        if trigger is None:
            return env.timeout(0)
        if trigger.kind == "at":
            return env.timeout(max(0.0, trigger.seconds - env.now))
        test = self.test(trigger)
        event = env.event()
        if test():
            event.succeed()
        else:
            self._waiting.append((test, event))
        return event

    def test(self, trigger: Trigger) -> Callable[[], bool]:
        if trigger.kind == "on":
            return lambda: self.world.has_happened(trigger.name, trigger.argument)
        return lambda: self.holds(trigger.name, trigger.argument)

    def holds(self, name: str, argument: Optional[str]) -> bool:
        world = self.world
        agents = world.agents
        if name == "door_open":
            door = world.doors.get(argument)
            return bool(door and (door.open or door.broken))
        if name == "room_cleared":  # without an id: any room
            return argument in world.cleared_rooms if argument else bool(world.cleared_rooms)
        if name == "unit_arrived":
            if not argument:
                return any(u.present for u in world.people("unit"))
            return bool(agents.get(argument) and agents[argument].present)
        if name == "unit_idle":
            unit = agents.get(argument)
            return bool(unit and unit.idle)
        if name == "perpetrator_alerted":
            perps = [agents[argument]] if argument else list(world.people("perpetrator"))
            return any(p.state != "unaware" for p in perps)
        if name == "all_victims_safe":
            return all(v.safe for v in world.people("victim"))
        if name == "all_perpetrators_controlled":
            return all(p.controlled for p in world.people("perpetrator"))
        if name == "evidence_secured":
            items = [world.evidence[argument]] if argument else list(world.evidence.values())
            return any(e.state == "secured" for e in items)
        victims = [agents[argument]] if argument else list(world.people("victim"))
        attribute = {"victim_found": "found", "victim_safe": "safe", "victim_identified": "identified",
                     "victim_treated": "treated"}[name]
        return any(getattr(v, attribute) for v in victims)

    def recheck(self) -> None:
        """Re-test waiting conditions after a change that logs no event."""
        self._check({})

    def _check(self, _event: dict) -> None:
        if not self._waiting:
            return
        still = []
        for test, event in self._waiting:
            if event.triggered:
                continue
            if test():
                event.succeed()
            else:
                still.append((test, event))
        self._waiting = still
