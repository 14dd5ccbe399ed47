"""A perpetrator: unaware until alerted (noise, sight of police, a lookout's warning),
then, after the time he needs to act, reacting as the scenario's probabilities weighed
by his situation say (`reactions.py`): flee, barricade, destroy evidence, take or move a
victim, surrender or resist. Reactions escalate: resisting with a victim within reach
becomes a human shield, a flight blocked at a cordon a barricade.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Generator, Optional

import numpy as np
import simpy

from sim.engine.challenge import perpetrator_behaviour
from sim.engine.world import notice_probability
from . import reactions
from .base import Agent, Blocked

if TYPE_CHECKING:
    from sim.format.spec import Perpetrator as PerpetratorSpec
    from sim.engine.world import World
    from .victim import Victim

CLIMB_OUT_SECONDS = 20.0  # out of a window onto a ledge or fire escape
LOOKOUT_CALL_SECONDS = 10.0  # a phone call or shout to warn the others
BARRICADE_SECONDS = 25.0
# How likely a struggle hurts an officer, by the perpetrator's weapon.
OFFICER_INJURY = {"none": 0.04, "blunt": 0.12, "knife": 0.2, "firearm": 0.3}
HOSTAGE_HARM = {"none": 0.1, "blunt": 0.25, "knife": 0.35, "firearm": 0.5}
CAUGHT_BEFORE_ACTING_YIELDS = 0.85  # alerted, but the police reached him before he could act
PANIC_INJURY_IN_STRUGGLE = 0.15  # a panicking woman close by hurts herself in a struggle
STRUGGLE_REACH_M = 3.0


class Perpetrator(Agent):
    kind = "perpetrator"

    def __init__(self, world: "World", spec: "PerpetratorSpec", cell):
        super().__init__(world, spec.id, spec.name, cell, spec.languages)
        self.spec = spec
        self.state = "unaware"
        self.reaction: Optional[str] = None
        self.arrested = False
        self.fled = False
        self.hostage: Optional["Victim"] = None
        self.held_by: Optional[str] = None  # the unit arresting him, while it does
        self.custody: Optional[simpy.Event] = None
        self.alerted = world.env.event()
        self.alerted_by = ""
        self.reactions, values = perpetrator_behaviour(world.scenario.spec.challenge, spec)
        self.vigilance = values.pop("vigilance")
        self.escalation = values
        self.process = world.env.process(self.run())

    @property
    def controlled(self) -> bool:
        return self.arrested or self.fled

    @property
    def label(self) -> str:
        return self.state

    # -- becoming alerted ----------------------------------------------------------------
    def alert(self, why: str) -> None:
        if self.state != "unaware" or self.controlled:
            return
        self.state = "alerted"
        self.alerted_by = why
        self.world.emit("perpetrator_alerted", subject=self.id, why=why)
        self.alerted.succeed()

    def hear(self, level_db: float, cause: str) -> None:
        if self.state == "unaware" and not self.controlled:
            p = notice_probability(level_db, self.vigilance)
            if p > 0 and self.world.streams.chance(f"{self.id}:hear", p):
                self.alert(f"heard {cause}")

    def saw_police(self, unit_id: str) -> None:
        self.alert(f"saw {unit_id}")

    # -- the reaction ------------------------------------------------------------------
    def run(self) -> Generator:
        world = self.world
        try:
            yield self.alerted
            if self.spec.role == "lookout":
                world.env.process(self._warn_others())
            yield world.env.timeout(world.streams.lognormal(f"{self.id}:think", self.spec.act_seconds, 0.4))
            weights, situation = reactions.situated(self, self.reactions, self.alerted_by)
            self.reaction = world.streams.choose(f"{self.id}:reaction", weights)
            world.emit("perpetrator_reaction", subject=self.id, reaction=self.reaction, **situation)
            yield from self._react(self.reaction)
        except simpy.Interrupt:
            self.release_door()

    def _warn_others(self) -> Generator:
        yield self.world.env.timeout(LOOKOUT_CALL_SECONDS)
        if self.arrested:
            return
        for other in self.world.people("perpetrator"):
            if other is not self:
                other.alert(f"warned by {self.id}")

    def _react(self, reaction: str) -> Generator:
        if reaction == "flee":
            fled = yield from self._flee()
            if not fled:
                yield from self._blocked("no route he can reach")
        elif reaction == "barricade":
            yield from self._barricade()
        elif reaction == "destroy_evidence":
            yield from self._destroy_evidence()
        elif reaction in ("take_hostage", "move_victim"):
            yield from self._seize_victim(move=reaction == "move_victim")
        elif reaction == "surrender":
            self.state = "surrendering"
        else:
            self.state = "resisting"

    def _flee(self) -> Generator:
        world = self.world
        self.state = "fleeing"
        for route in self.spec.flee_via:
            try:
                yield from self.walk(world.targets_of(route))
            except Blocked:
                continue
            if world.scenario.kind_of(route) == "window":
                yield world.env.timeout(world.streams.lognormal(f"{self.id}:climb", CLIMB_OUT_SECONDS, 0.3))
            guard = world.cordons.get(route)
            if guard is not None and world.streams.chance(f"{self.id}:blocked", self.escalation["blocked_to_barricade"]):
                world.emit("flight_blocked", subject=self.id, via=route, by=guard)
                if world.room_of(self.cell) is None and getattr(self, "previous_cell", None) is not None:
                    self.cell = self.previous_cell  # back in from the window or the exit
                    world.poke()
                yield from self._barricade()
                return True
            if guard is not None:
                self.state = "arrested"
                self.arrested = True
                world.emit("perpetrator_arrested", subject=self.id, by=guard, where=route, force="none")
                return True
            self.fled = True
            self.present = False
            self.state = "fled"
            world.emit("perpetrator_fled", subject=self.id, via=route)
            return True
        return False

    def _blocked(self, why: str) -> Generator:
        """His flight is blocked: a barricade (escalation), or resistance if armed, or giving up."""
        self.world.emit("flight_blocked", subject=self.id, why=why)
        if self.world.streams.chance(f"{self.id}:blocked", self.escalation["blocked_to_barricade"]):
            yield from self._barricade()
        else:
            self.state = "resisting" if self.spec.armed != "none" else "surrendering"

    def _barricade(self) -> Generator:
        world = self.world
        room = world.room_of(self.cell)
        doors = [d for d in world.grid.neighbours_of(room) if d in world.doors] if room else []
        doors = [d for d in doors if world.doors[d].kind != "doorway"]
        if not doors:
            self.state = "resisting"
            return
        units = [u.cell for u in world.people("unit") if u.present]

        def threat(door_id: str) -> float:  # the door nearest the police
            cell = world.doors[door_id].cells[0]
            return min((np.hypot(cell[0] - u[0], cell[1] - u[1]) for u in units), default=0.0)

        door_id = min(sorted(doors), key=threat)
        door = world.doors[door_id]
        self.state = "barricading"
        try:
            yield from self.walk(door.cells, stop_before=True)
        except Blocked:
            pass
        yield world.env.timeout(world.streams.lognormal(f"{self.id}:barricade", BARRICADE_SECONDS, 0.3))
        if not door.broken:
            door.open = False
            door.barricaded = True
            world.door_changed()
            world.emit("barricade_built", subject=door_id, by=self.id)
        self.state = "barricaded"

    def _destroy_evidence(self) -> Generator:
        world = self.world
        while True:
            intact = [e for e in world.evidence.values() if e.state == "intact"]
            if not intact:
                break
            field = {e.id: world.distance_to((e.cell,))[self.cell] for e in intact}
            reachable = sorted((d, i) for i, d in field.items() if np.isfinite(d))
            if not reachable:
                break
            item = world.evidence[reachable[0][1]]
            self.state = "destroying evidence"
            try:
                yield from self.walk((item.cell,))
            except Blocked:
                break
            if item.state != "intact":
                continue
            item.state = "destroying"
            item.destroyer = self.id
            world.emit("evidence_destruction_started", subject=item.id, by=self.id)
            try:
                yield world.env.timeout(item.destroy_seconds)
            except simpy.Interrupt:
                if item.state == "destroying":
                    item.state = "intact"  # stopped in time; what is left can be secured
                raise
            item.state = "destroyed"
            world.emit("evidence_destroyed", subject=item.id, by=self.id)
        self.state = "waiting"

    def _seize_victim(self, *, move: bool) -> Generator:
        world = self.world
        candidates = [v for v in world.people("victim")
                      if v.present and not v.safe and v.hostage_of is None and v.state != "fleeing"]
        if not candidates:
            self.state = "resisting"
            return
        target = min(candidates, key=lambda v: (np.hypot(v.cell[0] - self.cell[0], v.cell[1] - self.cell[1]), v.id))
        self.state = "going for a victim"
        try:
            yield from self.walk((target.cell,), stop_before=True)
        except Blocked:
            self.state = "resisting"
            return
        if target.safe or target.hostage_of:
            self.state = "resisting"
            return
        target.hostage_of = self.id
        self.hostage = target
        target.change_fear(0.2, "seized")
        world.emit("hostage_taken", subject=target.id, by=self.id, room=world.room_of(self.cell))
        self.state = "holding a hostage"
        if move:
            rooms = [r.id for r in world.scenario.spec.floor_plan.rooms
                     if r.kind not in ("corridor", "landing", "stairwell", "lift", "street", "staging")
                     and not world.in_room(r.id, "unit")]
            if rooms:
                dest = max(sorted(rooms), key=lambda r: len(world.grid.cells.get(r, ())) and
                           world.distance_to(world.grid.cells[r])[self.cell])
                try:
                    yield from self.walk(world.grid.cells[dest], follower=target)
                except Blocked:
                    pass

    # -- meeting the police ------------------------------------------------------------
    def _grab_shield(self, unit: Agent) -> None:
        """Escalation: resisting as the police come in, he seizes a woman within reach as a shield."""
        world = self.world
        victim = reactions.victim_in_reach(self, reactions.SHIELD_REACH_M)
        if victim is None or not world.streams.chance(f"{self.id}:shield", self.escalation["resist_to_hostage"]):
            return
        victim.hostage_of = self.id
        self.hostage = victim
        victim.change_fear(0.2, "seized")
        world.emit("hostage_taken", subject=victim.id, by=self.id, room=world.room_of(self.cell), how="human shield")
        self.state = "holding a hostage"

    def confront(self, unit: Agent, *, negotiated: bool = False) -> Generator:
        """Run inside the unit's process: the arrest, peaceful or with a struggle."""
        world = self.world
        if self.controlled or not self.present:
            return
        if self.held_by is not None:  # another unit is already arresting him: wait, don't fight twice
            yield self.custody
            return
        self.held_by = unit.id
        self.custody = world.env.event()
        if self.process.is_alive and self.process is not world.env.active_process:
            self.process.interrupt("police")
        self.release_door()
        surprised = self.state == "unaware"
        if self.state == "resisting" and self.hostage is None and not negotiated:
            self._grab_shield(unit)
        if surprised:
            yielding = True
        elif self.state == "surrendering" or negotiated:
            yielding = True
        elif self.state == "alerted":  # reached before he could act
            yielding = world.streams.chance(f"{self.id}:yield", CAUGHT_BEFORE_ACTING_YIELDS)
        else:
            chance = 0.15 if self.state in ("resisting", "holding a hostage") else 0.5
            if "arrest" not in unit.spec.skills:
                chance *= 0.7  # officers not trained to arrest give him more chances to fight
            yielding = world.streams.chance(f"{self.id}:yield", chance)
        force = "none"
        if yielding:
            yield world.env.timeout(world.streams.lognormal(f"{self.id}:cuff", 10.0, 0.3))
        else:
            force = "struggle"
            world.emit("struggle", subject=self.id, by=unit.id, armed=self.spec.armed)
            world.emit("force_used", subject=self.id, by=unit.id, force="struggle")
            yield world.env.timeout(world.streams.lognormal(f"{self.id}:struggle", 20.0, 0.4))
            risk = OFFICER_INJURY[self.spec.armed] * (0.5 if "shields" in getattr(unit, "equipment", ()) else 1)
            if world.streams.chance(f"{self.id}:injures_officer", risk):
                world.emit("officer_injured", subject=unit.id, by=self.id, armed=self.spec.armed)
            if self.hostage is not None and world.streams.chance(f"{self.id}:harms_hostage",
                                                                 HOSTAGE_HARM[self.spec.armed]):
                self.hostage.injured = True
                world.emit("victim_injured", subject=self.hostage.id, by=self.id)
            room = world.room_of(self.cell)
            for victim in sorted(world.in_room(room, "victim") if room else (), key=lambda v: v.id):
                close = np.hypot(victim.cell[0] - self.cell[0], victim.cell[1] - self.cell[1]) * world.grid.cell_size
                if victim.state == "panicked" and victim is not self.hostage and close <= STRUGGLE_REACH_M and \
                        world.streams.chance(f"{victim.id}:panic_injury", PANIC_INJURY_IN_STRUGGLE):
                    victim.injured = True
                    world.emit("victim_injured", subject=victim.id, by=self.id, why="hurt in a panic during a struggle")
        if self.hostage is not None:
            victim = self.hostage
            victim.hostage_of = None
            self.hostage = None
            how = "negotiation" if negotiated else "surrender" if self.state == "surrendering" else "entry"
            world.emit("hostage_released", subject=victim.id, by=unit.id, how=how)
        self.arrested = True
        self.state = "arrested"
        world.emit("perpetrator_arrested", subject=self.id, by=unit.id, force=force,
                   room=world.room_of(self.cell))
        self.custody.succeed()
