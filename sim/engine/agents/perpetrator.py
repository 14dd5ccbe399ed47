"""A perpetrator: unaware until alerted (noise, sight of police, a lookout's warning, a
pressure such as a client who saw the police), then, after the time he needs to act,
reacting as the scenario's probabilities weighed by his situation say (`reactions.py`):
flee, barricade, destroy evidence, take or move a victim, surrender or resist. Reactions
escalate: resisting with a victim within reach becomes a human shield, a flight blocked
at a cordon a barricade. A man who waits for the police (barricaded, resisting) destroys
what is at hand meanwhile, as the scenario's `causes.evidence.at_hand` says.

Whether he gets a woman before the police get him is a race: his warning (from when he
was alerted) against the time the police need to reach him. Every bad outcome he causes
is logged with its cause: what warned him and when, what he needed, how far the police
were.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Generator, Optional

import numpy as np
import simpy

from sim.engine.challenge import perpetrator_behaviour
from sim.engine.world import notice_probability
from . import reactions
from .base import Agent, Blocked
from .facts import clock, police_approach

if TYPE_CHECKING:
    from sim.format.spec import Perpetrator as PerpetratorSpec
    from sim.engine.world import World
    from .victim import Victim

CLIMB_OUT_SECONDS = 20.0  # out of a window onto a ledge or fire escape
LOOKOUT_CALL_SECONDS = 10.0  # a phone call or shout to warn the others
BARRICADE_SECONDS = 25.0
HOSTAGE_HARM = {"none": 0.1, "blunt": 0.25, "knife": 0.35, "firearm": 0.5}
CAUGHT_BEFORE_ACTING_YIELDS = 0.85  # alerted, but the police reached him before he could act
STRUGGLE_REACH_M = 3.0
STOP_REACH_M = 1.5  # a unit he runs past within this distance may stop him


class Stopped(Exception):
    """A unit he ran past stopped him."""

    def __init__(self, unit):
        super().__init__(unit.id)
        self.unit = unit


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
        self.alerted_at: Optional[float] = None
        self.causes = world.scenario.spec.causes
        self._passed: set[str] = set()  # units he ran past that did not stop him
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
        self.alerted_at = self.world.now
        self.world.emit("perpetrator_alerted", subject=self.id, why=why)
        self.alerted.succeed()

    def hear(self, level_db: float, cause: str) -> None:
        if self.state == "unaware" and not self.controlled:
            p = notice_probability(level_db, self.vigilance)
            if p > 0 and self.world.streams.chance(f"{self.id}:hear", p):
                self.alert(f"heard {cause}")

    def saw_police(self, unit_id: str) -> None:
        self.alert(f"saw {unit_id}")

    def warning(self) -> dict:
        """What warned him and when, and how long ago (for the cause of what he does)."""
        if self.alerted_at is None:
            return {}
        return {"warned_by": self.alerted_by, "warned_at": round(self.alerted_at, 3),
                "warning_s": round(self.world.now - self.alerted_at, 1)}

    def warning_words(self) -> str:
        if self.alerted_at is None:
            return "he had no warning"
        return f"warned ({self.alerted_by}) at T+{clock(self.alerted_at)}"

    # -- the reaction ------------------------------------------------------------------
    def run(self) -> Generator:
        world = self.world
        try:
            yield self.alerted
            if self.spec.role == "lookout":
                world.env.process(self._warn_others())
            yield world.env.timeout(world.streams.lognormal(f"{self.id}:think", self.spec.act_seconds, 0.4))
            weights, situation = reactions.situated(self, self.reactions, self.alerted_by, self.causes.hostage)
            self.reaction = world.streams.choose(f"{self.id}:reaction", weights)
            world.emit("perpetrator_reaction", subject=self.id, reaction=self.reaction, **situation)
            yield from self._react(self.reaction)
        except simpy.Interrupt:
            self.release_door()

    def _warn_others(self) -> Generator:
        yield self.world.env.timeout(LOOKOUT_CALL_SECONDS)
        if self.arrested or self.held_by is not None:
            return  # police who reached him before he could call have hold of him (and his phone)
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
            yield from self._destroy_at_hand("resisting")

    def _flee(self) -> Generator:
        world = self.world
        self.state = "fleeing"
        for route in self.spec.flee_via:
            try:
                yield from self.walk(world.targets_of(route))
            except Blocked:
                continue
            except Stopped as stop:
                yield from self._stopped(stop.unit)
                return True
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
            covered = [r for r in self.spec.flee_via if r in world.cordons]
            world.emit("perpetrator_fled", subject=self.id, via=route, **self.warning(),
                       cordoned=covered,
                       cause=f"no cordon on the {route}; {self.id} left by it at T+{clock(world.now)}; "
                             f"{self.warning_words()}")
            return True
        return False

    def _step(self, nxt, follower) -> Generator:
        yield from super()._step(nxt, follower)
        if self.state == "fleeing":
            self._check_passing()

    def _check_passing(self) -> None:
        """Running past a unit (within 1.5 m, in its sight), he may be stopped: a standing rule."""
        world = self.world
        for unit in world.people("unit"):
            if not unit.present or unit.outside_at is not None or unit.id in self._passed:
                continue
            metres = float(np.hypot(unit.cell[0] - self.cell[0], unit.cell[1] - self.cell[1])) * world.grid.cell_size
            if metres > STOP_REACH_M or not world.can_see(unit.cell, self.cell):
                continue
            self._passed.add(unit.id)
            if world.streams.chance(f"{self.id}:stopped:{unit.id}", self.causes.escape.stopped_in_passing):
                raise Stopped(unit)

    def _stopped(self, unit) -> Generator:
        world = self.world
        self.release_door()
        world.emit("perpetrator_stopped", subject=self.id, by=unit.id, unit=unit.id,
                   reason=f"no order; {self.id} ran past {unit.id}")
        yield from self.confront(unit)

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
        yield from self._destroy_at_hand("barricaded")

    def _destroy_at_hand(self, then: str) -> Generator:
        """Waiting for the police, he destroys what is in his own room, as the scenario says."""
        world = self.world
        room = world.room_of(self.cell)
        at_hand = [e for e in world.evidence.values() if e.state == "intact" and room and world.room_of(e.cell) == room]
        if at_hand and world.streams.chance(f"{self.id}:at_hand", self.causes.evidence.at_hand):
            yield from self._destroy_evidence(room=room)
        self.state = then

    def _destroy_evidence(self, room: Optional[str] = None) -> Generator:
        world = self.world
        while True:
            intact = [e for e in world.evidence.values() if e.state == "intact"
                      and (room is None or world.room_of(e.cell) == room)]
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
            metres, doors = police_approach(world, item.cell)
            behind = f" behind {', '.join(doors)}" if doors else ""
            world.emit("evidence_destroyed", subject=item.id, by=self.id, **self.warning(),
                       police_m=metres, doors_between=doors,
                       cause=f"destroyed by {self.id}, {self.warning_words()}; the nearest officers were "
                             f"{metres:.0f} m away{behind}")
        if room is None:
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
        metres, doors = police_approach(world, self.cell)
        warned = self.warning()
        behind = f" behind {', '.join(doors)}" if doors else ""
        world.emit("hostage_taken", subject=target.id, by=self.id, room=world.room_of(self.cell), **warned,
                   needed_s=warned.get("warning_s"), police_m=metres, doors_between=doors,
                   cause=f"{self.warning_words()}; he had her {warned.get('warning_s', 0):.0f} s later, "
                         f"while the nearest officers were {metres:.0f} m away{behind}")
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
        victim = reactions.victim_in_reach(self, self.causes.hostage.shield_reach_m)
        if victim is None or not world.streams.chance(f"{self.id}:shield", self.escalation["resist_to_hostage"]):
            return
        victim.hostage_of = self.id
        self.hostage = victim
        victim.change_fear(0.2, "seized")
        world.emit("hostage_taken", subject=victim.id, by=self.id, room=world.room_of(self.cell), how="human shield",
                   **self.warning(), police_m=0.0, doors_between=[],
                   cause=f"{self.warning_words()}; resisting as {unit.id} reached him, he seized {victim.id}, "
                         f"who was within {self.causes.hostage.shield_reach_m:g} m, as a human shield")
        self.state = "holding a hostage"

    def _officers_here(self, unit: Agent) -> int:
        world = self.world
        room = world.room_of(self.cell)
        others = sum(u.size for u in world.in_room(room, "unit") if u is not unit and u.outside_at is None) if room else 0
        return unit.size + others

    @staticmethod
    def _approach_of(unit: Agent) -> str:
        current = getattr(unit, "current", None)
        order = current.order if current is not None else None
        return order.__dict__.get("approach", "dynamic") if order is not None and order.do == "clear" else "dynamic"

    def _yield_chance(self, unit: Agent, chance: float) -> float:
        """Numbers and the method change his odds of giving up rather than fighting."""
        injury = self.causes.officer_injury
        odds = chance / (1 - chance) if chance < 1 else float("inf")
        odds *= 1 + injury.numbers * max(0, self._officers_here(unit) - 1)
        fight = getattr(injury.approach, self._approach_of(unit))
        odds = odds / fight if fight > 0 else float("inf")
        return 1.0 if odds == float("inf") else odds / (1 + odds)

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
            yielding = world.streams.chance(f"{self.id}:yield", self._yield_chance(unit, chance))
        force = "none"
        if yielding:
            yield world.env.timeout(world.streams.lognormal(f"{self.id}:cuff", 10.0, 0.3))
        else:
            force = "struggle"
            world.emit("struggle", subject=self.id, by=unit.id, armed=self.spec.armed)
            world.emit("force_used", subject=self.id, by=unit.id, force="struggle")
            yield world.env.timeout(world.streams.lognormal(f"{self.id}:struggle", 20.0, 0.4))
            injury = self.causes.officer_injury
            shields = "shields" in getattr(unit, "equipment", ())
            risk = getattr(injury.weapon, self.spec.armed) * (injury.shields if shields else 1)
            if world.streams.chance(f"{self.id}:injures_officer", risk):
                officers = self._officers_here(unit)
                world.emit("officer_injured", subject=unit.id, by=self.id, armed=self.spec.armed, shields=shields,
                           officers=officers, approach=self._approach_of(unit), **self.warning(),
                           cause=f"hurt in a struggle with {self.id} ({self.spec.armed.replace('none', 'unarmed')}), "
                                 f"{'with' if shields else 'without'} shields, {officers} officers in the room, "
                                 f"{self._approach_of(unit)} entry; {self.warning_words()}")
            if self.hostage is not None and world.streams.chance(f"{self.id}:harms_hostage",
                                                                 HOSTAGE_HARM[self.spec.armed]):
                self.hostage.injured = True
                world.emit("victim_injured", subject=self.hostage.id, by=self.id, why="hurt as a hostage in a struggle",
                           cause=f"hurt as the hostage of {self.id} in his struggle with {unit.id}")
            room = world.room_of(self.cell)
            hurt = world.scenario.spec.causes.victim_harm.struggle_hurt
            for victim in sorted(world.in_room(room, "victim") if room else (), key=lambda v: v.id):
                close = np.hypot(victim.cell[0] - self.cell[0], victim.cell[1] - self.cell[1]) * world.grid.cell_size
                if victim.state == "panicked" and victim is not self.hostage and close <= STRUGGLE_REACH_M and \
                        world.streams.chance(f"{victim.id}:panic_injury", hurt):
                    victim.injured = True
                    world.emit("victim_injured", subject=victim.id, by=self.id, why="hurt in a panic during a struggle",
                               fear=round(victim.fear, 2), metres=round(float(close), 1),
                               cause=f"panicking (fear {victim.fear:.2f}) {close:.0f} m from the struggle between "
                                     f"{unit.id} and {self.id}")
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
