"""A unit the trainee commands: it works through its orders one after another.

An order may wait for its trigger (`at`, `on`, `when`). A trainee's order given during
the operation goes first and replaces what the unit is doing. A decision's orders go
first too, but the order the unit is carrying out is finished (a clearance under way
completes), and they replace only the unit's waiting orders that do the same thing to
the same target. Orders to another agency's unit pass through the liaison and arrive after
that agency's coordination delay, because that is what a joint operation costs.

Every order that is dropped (replaced, or impossible) is logged with why:
`order_interrupted` or `order_failed`, each with `unit`, `order` (in words) and `reason`.

With no order, a unit follows standing rules of engagement: it arrests a perpetrator who
has given up within reach (or any free one in its own room), guards a woman it found who
is not yet safe, and reports that it is idle. (A perpetrator fleeing past a unit is
stopped by the perpetrator agent, which knows when he passes.)
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generator, Optional

import numpy as np
import simpy

from sim.engine import entry
from sim.format.catalogue import language_name
from sim.format.orders import Arrest, Order, describe
from . import fright
from .base import ESCORT_FACTOR, TACTICAL_FACTOR, Agent, Blocked
from .facts import clock, noisy_or

if TYPE_CHECKING:
    from sim.format.spec import Unit as UnitSpec
    from sim.engine.world import World
    from .perpetrator import Perpetrator
    from .victim import Victim

SHOUT_DB = 85.0  # "Police! Get down!" on entering a room
CALM_DB = 70.0  # "Police, stay where you are" in a level voice
CALM_SWEEP_FACTOR = 1.3
SHOUTING_TRUST_LOSS = 0.05
HANDCUFF_TRUST_LOSS = 0.3
FIRST_AID_SECONDS = 60.0
PANIC_HURT = {"calm": 0.0, "dynamic": 0.03, "hard": 0.3}  # a panicking woman hurts herself as officers come in
REFUSE_CHECK, REFUSE_CHECK_UNDERSTOOD = 0.4, 0.15  # x (1 - trust): she will not be examined
RELAY_SPREAD = 0.25  # log-spread of the time an order takes through another agency's liaison
CUFF_SEARCH_SECONDS_PER_M2 = 0.8
OUTSIDE_DETOUR_SECONDS = 60.0  # round the building or into the next flat to cover a window
INTERVIEW_SECONDS = 150.0
INTERVIEW_NO_LANGUAGE_SECONDS = 240.0
TREAT_SECONDS = {"injured": 300.0, "well": 120.0}
HANDOVER_SECONDS = 60.0
SEIZE_SECONDS = 40.0
NEGOTIATE_SECONDS = 180.0
MEDICAL_SKILLS = {"first_aid", "trauma_care"}
BREACH_ATTEMPTS = 4
STANDING_REACH_M = 15.0  # a unit with no order goes this far (walking) to arrest a man who gave up
GUARD_REACH_M = 25.0  # ... or to stay with a woman it found who is not yet safe
GUARD_LOOK_SECONDS = 5.0
ARRESTING_KINDS = {"entry_team", "perimeter", "detectives"}
UNATTENDED_ORDER = "not carried out"


class OrderFailed(Exception):
    pass


@dataclass
class Queued:
    order: Order
    source: str  # plan, decision, trainee, standing
    started: bool = False
    batch: int = 0  # orders given together pass the liaison together


def same_task(a: Order, b: Order) -> bool:
    """Whether two orders do the same thing to the same target (a decision's order replaces
    a waiting order of the unit's that it repeats)."""
    if a.do != b.do:
        return False
    fa, fb = a.__dict__, b.__dict__
    return all(fa.get(k) == fb.get(k) for k in ("to", "door", "room", "target", "victim"))


class Unit(Agent):
    kind = "unit"

    def __init__(self, world: "World", spec: "UnitSpec", cell, lead_agency: str, delay: float):
        super().__init__(world, spec.id, spec.name, cell, spec.languages, present=False, size=spec.size)
        self.spec = spec
        self.equipment = spec.equipment
        self.lead = spec.agency == lead_agency
        self.coordination_delay = 0.0 if self.lead else delay
        self.queue: deque[Queued] = deque()
        self.current: Optional[Queued] = None
        self.activity = "not yet on scene"
        self.cordoning: Optional[str] = None
        self.outside_at: Optional[tuple[int, int]] = None  # covering a window from outside
        self.arrived = world.env.event()
        # when it is due on scene: its arrival time, or, on request, once it is requested
        self.due_at: Optional[float] = None if spec.on_request else float(spec.arrives)
        self._batches = 0
        self._relayed: set[int] = set()
        self._wake = world.env.event()
        self.guarding: Optional[str] = None  # a woman it stays with by the standing rules
        self._idle_reported = False
        self.process = world.env.process(self.run())

    @property
    def idle(self) -> bool:
        """On scene with nothing started and nothing queued."""
        return self.present and not self.queue and (self.current is None or not self.current.started)

    def has_pending_work(self) -> bool:
        """Work that will happen without anyone deciding anything: an order under way, one
        waiting for a time, one passing through liaison, or orders for a unit on its way."""
        current = self.current
        if current is not None and (current.started or self.activity.startswith("order passing")):
            return True
        if self.guarding is not None:
            return True
        if current is None and not self.queue:
            return False
        waiting = ([current] if current else []) + list(self.queue)
        now = self.world.env.now
        if any(q.order.at is not None and q.order.at > now for q in waiting):
            return True
        on_its_way = not self.present and (not self.spec.on_request or getattr(self, "requested", False))
        return bool(waiting) and on_its_way

    @property
    def label(self) -> str:
        return self.activity

    # -- the queue ---------------------------------------------------------------------
    def arrive(self) -> None:
        if self.present:
            return
        self.present = True
        self.arrived_at = self.world.now
        self.activity = "idle"
        self.world.emit("unit_arrived", subject=self.id, at=self.spec.at)
        self.arrived.succeed()

    def enqueue(self, order: Order, source: str) -> None:
        self.queue.append(Queued(order, source))
        self._poke()

    def preempt(self, orders: list[Order], source: str, reason: str = "") -> None:
        """Orders given now (by the trainee): they go first, and what the unit was doing is
        dropped (logged with `reason`); an order not yet begun is kept for later."""
        current = self.current
        self._batches += 1
        new = [Queued(o, source, batch=self._batches) for o in orders]
        if current is not None and not current.started:
            new.append(current)  # it had not begun; keep it for later
        self.queue.extendleft(reversed(new))
        if current is not None:
            self.current = None
            self.process.interrupt(("replaced", current, reason or f"replaced by a new order from the {source}"))
        else:
            self._stop_guarding()
            self._poke()

    def take_decision(self, orders: list[Order], reason: str) -> None:
        """A decision's orders: they come next, after the order the unit is carrying out
        (which it finishes), and replace only its waiting orders that they repeat. An
        open-ended hold is what a decision ends, so it is replaced."""
        world = self.world
        current = self.current
        self._batches += 1
        new = [Queued(o, "decision", batch=self._batches) for o in orders]
        waiting = ([current] if current is not None and not current.started else []) + list(self.queue)
        kept = []
        for queued in waiting:
            if any(same_task(queued.order, o) for o in orders):
                self._dropped("order_interrupted", queued, reason)
            else:
                kept.append(queued)
        self.queue.clear()
        self.queue.extend(new + kept)
        if current is None:
            self._stop_guarding()
            self._poke()
        elif not current.started:
            self.current = None
            self.process.interrupt(("requeued", current, ""))  # it waits again, behind the new orders
        elif current.order.do == "hold" and current.order.__dict__.get("seconds") is None:
            self.current = None
            self.process.interrupt(("replaced", current, reason))
        world.watcher.recheck()

    def _dropped(self, kind: str, queued: Queued, reason: str) -> None:
        order = queued.order
        self.world.emit(kind, subject=self.id, unit=self.id, order=describe(order), do=order.do,
                        source=queued.source, reason=reason)

    def abandon_orders(self, why_prefix: str = UNATTENDED_ORDER) -> None:
        """At the end of the exercise: every order still waiting is logged, with why it never ran."""
        current = self.current
        waiting = ([current] if current is not None and not current.started else []) + list(self.queue)
        for i, queued in enumerate(waiting):
            if not self.present:
                why = ("the unit was never requested" if self.spec.on_request and not getattr(self, "requested", False)
                       else "the unit had not arrived")
            elif i == 0:
                trigger = self.world.watcher.trigger_of(queued.order)
                if self.activity == "order passing through liaison":
                    why = "it was still passing through the liaison"
                elif trigger is not None:
                    why = f"still waiting for {trigger} when the exercise ended"
                else:
                    why = "the exercise ended first"
            else:
                why = f"still behind '{describe(waiting[0].order)}' when the exercise ended"
            self._dropped("order_failed", queued, f"{why_prefix}: {why}")
        self.queue.clear()

    def _stop_guarding(self) -> None:
        if self.guarding is not None and self.process.is_alive and self.process is not self.world.env.active_process:
            self.process.interrupt(("guard", None, ""))

    def _poke(self) -> None:
        if not self._wake.triggered:
            self._wake.succeed()

    def run(self) -> Generator:
        world = self.world
        while True:
            if not self.queue:
                if self.present and self._standing_rules():
                    continue
                if self.guarding is not None:
                    yield from self._guard()
                    continue
                self._report_idle()
                self._wake = world.env.event()
                try:
                    yield self._wake
                except simpy.Interrupt:
                    pass
                continue
            queued = self.queue.popleft()
            self.current = queued
            self._idle_reported = False
            try:
                yield from self._carry_out(queued)
            except simpy.Interrupt as stop:
                cause = stop.cause if isinstance(stop.cause, tuple) else ("replaced", queued, "")
                what, dropped, reason = cause
                if what == "replaced" and dropped is not None and dropped.started:
                    self._dropped("order_interrupted", dropped, reason or "replaced by a new order")
            except (Blocked, OrderFailed, entry.BreachFailed) as failure:
                self._dropped("order_failed", queued, _plain(str(failure)))
                self.activity = f"failed: {failure}"
            finally:
                self.release_door()
                if self.current is queued:
                    self.current = None
                world.watcher.recheck()  # `when: unit_idle` may hold now

    # -- standing rules of engagement (no order) ------------------------------------------
    def _standing_rules(self) -> bool:
        """With no order: arrest a man who gave up within reach, or any free one in this
        unit's room; then guard a woman it found who is not yet safe. True if it took up
        an arrest (queued as a standing order)."""
        world = self.world
        if self.cordoning or self.outside_at is not None or self.activity == "holding":
            return False
        can_arrest = "arrest" in self.spec.skills or self.spec.kind in ARRESTING_KINDS
        here = world.room_of(self.cell)
        if can_arrest:
            for perp in world.people("perpetrator"):
                if perp.controlled or not perp.present or perp.held_by is not None or perp.hostage is not None:
                    continue
                in_room = here is not None and world.room_of(perp.cell) == here
                gave_up = perp.state == "surrendering"
                if not (in_room or (gave_up and self._within(perp.cell, STANDING_REACH_M))):
                    continue
                why = (f"{perp.id} has given up" if gave_up else f"{perp.id} is free in {here}")
                order = Arrest(unit=self.id, do="arrest", target=perp.id)
                self.queue.append(Queued(order, "standing"))
                world.emit("order_issued", subject=self.id, order="arrest", source="standing rules",
                           target=perp.id, reason=f"no order; {why}")
                return True
        if self.guarding is None:
            for victim in world.people("victim"):
                if getattr(victim, "found_by", None) != self.id or not self._needs_guard(victim):
                    continue
                if not self._within(victim.cell, GUARD_REACH_M):
                    continue
                room = world.room_of(victim.cell)
                if not can_arrest and any(not p.controlled for p in world.in_room(room, "perpetrator")):
                    continue  # not a unit to walk in on a free perpetrator
                self.guarding = victim.id
                why = "panicking" if victim.state == "panicked" else "not yet safe"
                world.emit("unit_guarding", subject=self.id, unit=self.id, victim=victim.id,
                           reason=f"no order; {victim.id}, whom it found, is {why}")
                break
        return False

    @staticmethod
    def _needs_guard(victim) -> bool:
        return (victim.present and not victim.safe and victim.hostage_of is None and not victim.fled
                and not victim.hidden and victim.state != "fleeing" and not victim.on_ledge)

    def _within(self, cell, metres: float) -> bool:
        world = self.world
        straight = float(np.hypot(cell[0] - self.cell[0], cell[1] - self.cell[1])) * world.grid.cell_size
        if straight > metres:
            return False
        return world.way_to((cell,), self.cell).distance(self.cell) <= metres

    def _guard(self) -> Generator:
        """Stay with the woman until she is safe (officers with her calm her), or until an order comes."""
        world = self.world
        victim = world.agents[self.guarding]
        self.activity = f"guarding {victim.id}"
        try:
            if world.room_of(self.cell) != world.room_of(victim.cell):
                yield from self._go(victim.id)
            while self._needs_guard(victim) and not self.queue:
                self._wake = world.env.event()
                yield self._wake | world.env.timeout(GUARD_LOOK_SECONDS)
        except (Blocked, simpy.Interrupt):
            self.release_door()
        finally:
            self.guarding = None
            if self.activity.startswith("guarding"):
                self.activity = "idle"

    def _report_idle(self) -> None:
        if not self.present or self._idle_reported or self.cordoning or self.activity == "holding":
            return
        self._idle_reported = True
        self.world.emit("unit_idle", subject=self.id, unit=self.id, room=self.world.room_of(self.cell),
                        reason="no order left: awaiting orders")

    def wake_if_idle(self) -> None:
        """Something happened that the standing rules may answer: look again if idle."""
        if self.present and not self.queue and self.current is None and self.guarding is None:
            self._poke()

    def _carry_out(self, queued: Queued) -> Generator:
        world = self.world
        order = queued.order
        if not self.present:
            yield self.arrived
        trigger = world.watcher.trigger_of(order)
        if trigger is not None:
            self.activity = f"waiting: {trigger}"
            yield world.watcher.event_for(trigger)
        if queued.source not in ("plan", "standing") and self.coordination_delay > 0 and queued.batch not in self._relayed:
            self._relayed.add(queued.batch)
            self.activity = "order passing through liaison"
            delay = world.streams.lognormal(f"{self.id}:relay", self.coordination_delay, RELAY_SPREAD)
            yield world.env.timeout(delay)
            world.emit("order_relayed", subject=self.id, order=order.do, delay=round(delay, 3))
        queued.started = True
        if self.cordoning:
            world.cordons.pop(self.cordoning, None)
            self.cordoning = None
        if self.outside_at is not None:  # back from covering a window outside: the same detour
            self.activity = "coming back in"
            yield world.env.timeout(OUTSIDE_DETOUR_SECONDS)
            self.cell, self.outside_at = self.outside_at, None
            world.poke()
        self.speed_factor = 1.0
        world.emit("order_started", subject=self.id, order=order.do, **_targets(order))
        yield from getattr(self, f"_do_{order.do}")(order)
        world.emit("order_done", subject=self.id, order=order.do, **_targets(order))
        if not self.cordoning and self.activity != "holding":
            self.activity = "idle"

    # -- helpers ---------------------------------------------------------------------
    def _go(self, ident: str, *, stop_before: Optional[bool] = None, follower=None,
            force_doors: bool = False) -> Generator:
        """Walk to a thing by id; inner wooden doors on the way are forced if allowed."""
        world = self.world
        kind = world.scenario.kind_of(ident)
        if stop_before is None:
            stop_before = kind in ("door", "window", "victim", "perpetrator", "unit")
        while True:
            targets = world.targets_of(ident)
            try:
                yield from self.walk(targets, stop_before=stop_before, follower=follower)
                return
            except Blocked as blocked:
                door = world.doors.get(blocked.door or "")
                if not (force_doors and door is not None and door.kind in ("wooden", "fire_door")):
                    raise
                self.release_door()
                yield from self.walk(door.cells, stop_before=True)
                method = "manual_ram" if "manual_ram" in self.equipment else "halligan"
                if method not in self.equipment:
                    raise
                yield from self._force(door, method)

    def _agent(self, ident: str):
        return self.world.agents[ident]

    def _contact(self, room: Optional[str], approach: str = "dynamic") -> Generator:
        """Enter a room as police: announce (shouting unless calm), control anyone hostile,
        find victims; a hard approach handcuffs everyone in the room."""
        world = self.world
        if room is None:
            return
        world.emit("room_entered", subject=room, by=self.id)
        if approach == "calm":
            world.make_noise(self.cell, CALM_DB, "announcing 'Police'")
        else:
            world.make_noise(self.cell, SHOUT_DB, "shouting 'Police!'")
        harm = world.scenario.spec.causes.victim_harm
        for victim in world.in_room(room, "victim"):
            victim.officers_burst_in(self.id, approach, self)
            if victim.hidden or victim.state == "fleeing":
                continue
            if victim.state == "panicked" and world.streams.chance(f"{victim.id}:panic_hurt:{self.id}",
                                                                   getattr(harm.panic_hurt, approach)):
                victim.injured = True
                cuffed = " and handcuffed her" if approach == "hard" else ""
                world.emit("victim_injured", subject=victim.id, by=self.id, approach=approach,
                           fear=round(victim.fear, 2),
                           why="hurt in a panic as officers came in" + cuffed,
                           cause=f"panicking (fear {victim.fear:.2f}) as {self.id} came in ({approach} entry){cuffed}")
            if approach == "hard" and not victim.identified:
                victim.change_fear(0.15, "handcuffed")
                victim.lose_trust(HANDCUFF_TRUST_LOSS, f"handcuffed by {self.id}")
                victim.handcuff(self.id)
                world.emit("victim_handcuffed", subject=victim.id, by=self.id)
            if approach != "calm":
                victim.shouted_at(self.id)
                if approach != "hard":
                    victim.lose_trust(SHOUTING_TRUST_LOSS, f"shouted at by {self.id}")
        for perp in sorted(world.in_room(room, "perpetrator"), key=lambda p: p.id):
            self.activity = f"arresting {perp.id}"
            yield from perp.confront(self)

    # -- the verbs ---------------------------------------------------------------------
    def _do_move(self, order) -> Generator:
        self.activity = f"moving to {order.to}"
        yield from self._go(order.to, force_doors=False)
        self.world.emit("unit_in_position", subject=self.id, at=order.to)

    def _do_stack(self, order) -> Generator:
        self.activity = f"stacking at {order.door}"
        self.speed_factor = TACTICAL_FACTOR
        yield from self._go(order.door, stop_before=True)
        self.world.emit("unit_in_position", subject=self.id, at=order.door)
        self.activity = f"stacked at {order.door}"

    def _do_breach(self, order) -> Generator:
        door = self.world.doors[order.door]
        self.speed_factor = TACTICAL_FACTOR
        self.activity = f"moving to {order.door}"
        yield from self._go(order.door, stop_before=True)
        yield from self._force(door, order.method)

    def _force(self, door, method: str) -> Generator:
        """Open a door by `method`. A forced entry that fails is pressed home, with a better
        tool if the team has one; a key, a knock or a ruse that fails needs a new decision."""
        for attempt in range(BREACH_ATTEMPTS):
            self.activity = f"breaching {door.id} ({method.replace('_', ' ')})"
            try:
                yield from entry.breach(self.world, self.id, door, method)
                return
            except entry.BreachFailed:
                if method not in entry.FORCED or attempt == BREACH_ATTEMPTS - 1:
                    raise
                method = entry.best_tool(self.equipment, door.kind) or method

    def _do_clear(self, order) -> Generator:
        world = self.world
        self.speed_factor = TACTICAL_FACTOR
        self.activity = f"clearing {order.room}"
        yield from self._go(order.room, force_doors=True)
        yield from self._contact(order.room, order.approach)
        sweep = 5.0 + CUFF_SEARCH_SECONDS_PER_M2 * world.room_area.get(order.room, 10.0)
        yield world.env.timeout(sweep * (CALM_SWEEP_FACTOR if order.approach == "calm" else 1.0))
        for victim in sorted(world.in_room(order.room, "victim"), key=lambda v: v.id):
            fright.searched(victim, self)
        # anyone who came in meanwhile
        for perp in sorted(world.in_room(order.room, "perpetrator"), key=lambda p: p.id):
            yield from perp.confront(self)
        world.cleared_rooms.add(order.room)
        world.emit("room_cleared", subject=order.room, by=self.id)

    def _do_cordon(self, order) -> Generator:
        world = self.world
        target = order.target
        self.activity = f"moving to cover {target}"
        if world.scenario.kind_of(target) == "window":
            # Covered from outside (the street, the next flat, the ledge): the unit leaves
            # by the nearest exit and takes up position after the detour.
            exits = [e.id for e in world.scenario.spec.floor_plan.exits]
            field = min((world.distance_to(world.targets_of(e))[self.cell], e) for e in exits)
            if np.isfinite(field[0]):
                yield from self._go(field[1], stop_before=False)
            yield world.env.timeout(OUTSIDE_DETOUR_SECONDS)
            self.outside_at = self.cell  # where it left the plan, to come back the same way
            self.cell = world.targets_of(target)[0]
        else:
            yield from self._go(target)
        world.cordons[target] = self.id
        self.cordoning = target
        self.activity = f"cordon on {target}"
        world.emit("cordon_set", subject=target, by=self.id)

    def _do_hold(self, order) -> Generator:
        self.activity = "holding"
        if order.seconds is not None:
            yield self.world.env.timeout(order.seconds)
            self.activity = "idle"
        else:
            yield self.world.env.event()  # until another order replaces this one

    def _do_negotiate(self, order) -> Generator:
        world = self.world
        target = order.target
        if world.scenario.kind_of(target) == "room":
            doors = sorted(d for d in world.grid.neighbours_of(target) if d in world.doors)
            if not doors:
                raise OrderFailed(f"no door into {target}")
            here = {d: world.distance_to(world.doors[d].cells, optimistic=True)[self.cell] for d in doors}
            door_id = min(doors, key=lambda d: here[d])
            rooms = {target}
        else:
            door_id = target
            rooms = {r for r in world.grid.neighbours_of(door_id) if world.scenario.kind_of(r) == "room"}
        self.activity = f"moving to negotiate at {door_id}"
        yield from self._go(door_id, stop_before=True)
        rooms.discard(world.room_of(self.cell))
        behind = sorted((p for r in rooms for p in world.in_room(r, "perpetrator") if not p.controlled),
                        key=lambda p: p.id)
        for victim in (v for r in rooms for v in world.in_room(r, "victim")):
            victim.spoken_to(self)
        self.activity = f"negotiating at {door_id}"
        skill = 0.6 if "negotiation" in self.spec.skills else 1.0
        for perp in behind:
            language = 1.0 if self.shares_language(perp) else 1.8
            seconds = world.streams.lognormal(f"{perp.id}:negotiation", NEGOTIATE_SECONDS, 0.5) * skill * language
            yield world.env.timeout(seconds)
            if perp.controlled or not perp.present:
                continue  # arrested by someone else, or gone, while the talking went on
            willing = (0.75 if self.shares_language(perp) else 0.4) * (0.9 if perp.hostage else 1.0)
            if world.streams.chance(f"{perp.id}:talked_out", willing):
                perp.state = "surrendering"
                perp.alert(f"negotiation by {self.id}")
                world.emit("perpetrator_reaction", subject=perp.id, reaction="surrender", by=self.id)
                door = world.doors[door_id]
                if not (door.open or door.broken):
                    entry.open_door(world, door, self.id, how="opened from inside")
                yield from self._go(perp.id)
                yield from perp.confront(self, negotiated=True)
        if not behind:
            yield world.env.timeout(30.0)

    def _do_arrest(self, order) -> Generator:
        world = self.world
        target = order.target
        if world.scenario.kind_of(target) == "room":
            self.activity = f"arresting in {target}"
            yield from self._go(target, force_doors=True)
            yield from self._contact(target)
            return
        perp: "Perpetrator" = self._agent(target)
        self.activity = f"arresting {target}"
        while not perp.controlled:
            if not perp.present:
                raise OrderFailed(f"{target} is gone")
            yield from self._go(target, force_doors=True)
            if max(abs(perp.cell[0] - self.cell[0]), abs(perp.cell[1] - self.cell[1])) <= 2:
                yield from self._contact(world.room_of(perp.cell))
                if not perp.controlled:
                    yield from perp.confront(self)

    def _do_secure_evidence(self, order) -> Generator:
        world = self.world
        target = order.target
        if world.scenario.kind_of(target) == "room":
            items = sorted(e.id for e in world.evidence.values() if world.room_of(e.cell) == target)
        else:
            items = [target]
        speed = 0.6 if "evidence" in self.spec.skills else 1.0
        if len(items) == 1 and world.evidence[items[0]].state == "destroyed":
            raise OrderFailed(f"{items[0]} was destroyed before it could be secured")
        for item_id in items:
            item = world.evidence[item_id]
            if item.state in ("secured", "destroyed"):
                continue
            self.activity = f"securing {item_id}"
            yield from self._go(item_id, stop_before=False, force_doors=True)
            destroyer = getattr(item, "destroyer", None)
            if item.state == "destroying" and destroyer:
                yield from world.agents[destroyer].confront(self)
            if item.state in ("destroyed", "seizing", "secured"):
                continue
            item.state = "seizing"  # in police hands now: nobody can start destroying it
            try:
                yield world.env.timeout(world.streams.lognormal(f"{item_id}:seize", SEIZE_SECONDS * speed, 0.3))
            except simpy.Interrupt:
                item.state = "intact"
                raise
            item.state = "secured"
            world.emit("evidence_secured", subject=item_id, by=self.id)

    def _reach_victim(self, victim: "Victim") -> Generator:
        if victim.fled or victim.on_ledge:
            raise OrderFailed(f"{victim.id} is {victim.label}")
        yield from self._go(victim.id, force_doors=True)
        if victim.hidden:
            fright.found(victim, self.id)
        if victim.hostage_of:
            raise OrderFailed(f"{victim.id} is held hostage by {victim.hostage_of}")
        if not victim.safe:
            room = self.world.room_of(victim.cell)
            free = [p for p in self.world.in_room(room, "perpetrator") if not p.controlled] if room else []
            if free:
                raise OrderFailed(f"{victim.id} is not safe yet ({free[0].id} is with her)")
            if not victim.found:
                victim.officers_burst_in(self.id, "dynamic", self)
            victim.make_safe(self.id)

    def _do_escort(self, order) -> Generator:
        victim: "Victim" = self._agent(order.victim)
        self.activity = f"going to {victim.id}"
        yield from self._reach_victim(victim)
        victim.spoken_to(self, care=self.spec.kind == "victim_care")
        self.activity = f"escorting {victim.id} to {order.to}"
        self.speed_factor = ESCORT_FACTOR
        victim.with_unit = self.id
        yield from self._go(order.to, stop_before=False, follower=victim)

    def _do_interview(self, order) -> Generator:
        world = self.world
        victim: "Victim" = self._agent(order.victim)
        self.activity = f"going to {victim.id}"
        yield from self._reach_victim(victim)
        self.activity = f"interviewing {victim.id}"
        interpreter = None if self.shares_language(victim) else self._interpreter_for(victim)
        shared = self.shares_language(victim) or interpreter is not None
        victim.spoken_to(interpreter or self, care=self.spec.kind == "victim_care")
        median = INTERVIEW_SECONDS if shared else INTERVIEW_NO_LANGUAGE_SECONDS
        if "sedated" in victim.spec.condition:
            median *= 1.5
        yield world.env.timeout(world.streams.lognormal(f"{victim.id}:interview_time:{self.id}", median, 0.3))
        victim.interviewed = True
        draw = world.streams(f"{victim.id}:interview:{self.id}").random()
        coached = world.streams(f"{victim.id}:coached:{self.id}").random() < victim.coached
        in_language = (0.55 + 0.45 * victim.trust) * self._interview_factor(victim)
        indicators = {} if shared else self._indicators(victim, coached)
        chance = in_language if shared else in_language * noisy_or(indicators.values())
        language = (next(lang for lang in victim.languages if lang in (interpreter or self).languages) if shared
                    else (self.languages[0] if self.languages else None))
        facts = {"interviewed_at": round(world.now, 3), "language": language, "interpreter":
                 interpreter.id if interpreter else None}
        if not victim.identified and draw < chance:
            victim.identified = True
            how = "in her language" if shared else "from indicators: " + ", ".join(indicators)
            world.emit("victim_identified", subject=victim.id, by=self.id, how=how, **facts)
            outcome = "identified as a victim" + ("" if shared else f" ({how})")
        elif victim.identified:
            outcome = "inconclusive"
        else:
            if shared and coached:
                world.emit("victim_false_identity", subject=victim.id, by=self.id)
            causes = victim.offender_causes(shared=shared, coached_story=coached)
            taken = (1 - victim.trust) * noisy_or(causes.values())
            if causes and world.streams.chance(f"{victim.id}:taken_in:{self.id}", taken):
                spoken = language_name(language) if language else "no language"
                where = (f"interviewed at T+{clock(world.now)} by {self.id} in {spoken}"
                         + ("" if shared else ", which she does not speak"))
                victim.treated_as_offender(self.id, {where: taken, **causes}, **facts)
                outcome = "treated as an offender"
            elif shared and coached:
                outcome = "gave the false identity she was coached to give"
            else:
                outcome = "refused to speak" if shared else "no shared language"
        world.emit("interview_done", subject=victim.id, by=self.id, outcome=outcome)

    def _indicators(self, victim: "Victim", coached: bool) -> dict[str, float]:
        """Signs of trafficking an interviewer can go by without her language, with their strengths."""
        world = self.world
        strength = world.scenario.spec.causes.identification
        found: dict[str, float] = {}
        kinds = {e.kind for e in world.evidence.values() if e.state == "secured"}
        if "passports" in kinds:
            found["withheld passports"] = strength.passports
        if "ledger" in kinds:
            found["a debt ledger"] = strength.ledger
        if victim.locked_in:
            found["kept behind a locked door"] = strength.locked_room
        if coached and "interview" in self.spec.skills:
            found["a coached story that fell apart"] = strength.story
        return found

    def _interpreter_for(self, victim: "Victim") -> Optional["Unit"]:
        """A unit with the interpreting skill, in the room, who speaks her language."""
        room = self.world.room_of(victim.cell)
        for unit in self.world.in_room(room, "unit") if room else ():
            if unit is not self and "interpreting" in unit.spec.skills and unit.shares_language(victim):
                return unit
        return None

    def _interview_factor(self, victim: "Victim") -> float:
        """How her state and the interviewer's skills change the chance she is identified."""
        factor = 1.0 if "interview" in self.spec.skills else 0.8
        condition = victim.spec.condition
        if "sedated" in condition:
            factor *= 0.5  # drugged: a confused account
        if "minor" in condition and not ("victim_support" in self.spec.skills or self.spec.kind == "victim_care"):
            factor *= 0.6
        if "traumatised" in condition:
            factor *= 0.9
        return factor

    def _do_treat(self, order) -> Generator:
        world = self.world
        if not (MEDICAL_SKILLS & set(self.spec.skills)) and self.spec.kind != "medic":
            raise OrderFailed(f"{self.id} has no medical skill")
        victim: "Victim" = self._agent(order.victim)
        self.activity = f"going to {victim.id}"
        yield from self._reach_victim(victim)
        if victim.needs_care and "medical_kit" not in self.equipment:
            self.activity = f"first aid for {victim.id}"
            yield world.env.timeout(world.streams.lognormal(f"{victim.id}:first_aid", FIRST_AID_SECONDS, 0.3))
            world.emit("first_aid_given", subject=victim.id, by=self.id, why="no medical kit for what she needs")
            return
        understood = self.shares_language(victim) or self._interpreter_for(victim) is not None
        refusal = (REFUSE_CHECK_UNDERSTOOD if understood else REFUSE_CHECK) * (1 - victim.trust)
        if world.streams.chance(f"{victim.id}:refuses_check:{self.id}", refusal):
            world.emit("medical_check_refused", subject=victim.id, by=self.id, understood=understood)
            return
        self.activity = f"treating {victim.id}"
        median = TREAT_SECONDS["injured" if victim.needs_care else "well"]
        yield world.env.timeout(world.streams.lognormal(f"{victim.id}:treat", median, 0.3))
        victim.treated = True
        world.emit("victim_treated", subject=victim.id, by=self.id, injured=victim.injured)

    def _do_hand_over(self, order) -> Generator:
        world = self.world
        victim: "Victim" = self._agent(order.victim)
        receiver: "Unit" = self._agent(order.to)
        if not receiver.present:
            self.activity = f"waiting for {receiver.id} to arrive"
            yield receiver.arrived
        self.activity = f"going to {victim.id}"
        yield from self._reach_victim(victim)
        victim.spoken_to(self)
        self.activity = f"taking {victim.id} to {receiver.id}"
        self.speed_factor = ESCORT_FACTOR
        yield from self._go(receiver.id, follower=victim)
        yield world.env.timeout(world.streams.lognormal(f"{victim.id}:handover", HANDOVER_SECONDS, 0.3))
        victim.handed_over = True
        victim.with_unit = receiver.id
        victim.spoken_to(receiver, care=receiver.spec.kind == "victim_care")
        world.emit("victim_handed_over", subject=victim.id, by=self.id, to=receiver.id)


_TARGET_FIELDS = ("to", "door", "room", "target", "victim", "method")


def _plain(reason: str) -> str:
    """An engine failure in plain words."""
    if reason.endswith(" is locked") or reason.endswith(" is barricaded") or reason.endswith(" is closed"):
        return f"the way is blocked: {reason}"
    return reason


def _targets(order: Order) -> dict:
    # read from the model's own fields: getattr on a field a verb lacks goes through
    # pydantic's slow path and an exception
    fields = order.__dict__
    return {k: fields[k] for k in _TARGET_FIELDS if fields.get(k) is not None}
