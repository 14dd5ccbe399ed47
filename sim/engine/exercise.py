"""The Exercise: one run of a scenario, driven by orders. The only door into the engine.

    exercise = Exercise(scenario, seed=7, plan=scenario.spec.doctrine_plan)
    exercise.run_until_decision_or_end()
    exercise.decide("gate_entry", "key")
    exercise.advance(30)
    picture = exercise.snapshot("trainee")
    record = exercise.record()

The headless runner, the window, batches and replays all drive this same class.
Every input (an order or a decision) is appended to `inputs` as it is applied, with
its simulated time, so a run can be resumed or replayed exactly.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Generator, Optional

import simpy

from .agents.perpetrator import Perpetrator
from .agents.unit import Unit
from .agents.victim import Victim
from .conditions import Watcher
from .injects import OpenDecision, run_decision, run_inject
from sim.format.orders import Order
from .rng import Streams
from sim.format.scenario import Scenario
from .snapshot import Snapshot, take_snapshot
from sim.format.spec import Plan
from .world import World

TICK_SECONDS = 1.0  # perception and the referee look at the world once a simulated second
SPOT_RANGE_CELLS = 20
COMPLETE_AFTER_IDLE = 30.0
STALLED_AFTER_IDLE = 300.0
CALMING_PER_SECOND = 0.005
QUIET_TICK_SECONDS = 60.0  # a safety net: every change wakes perception anyway


class Exercise:
    def __init__(self, scenario: Scenario, seed: int = 0, plan: Optional[Plan] = None, *,
                 interactive: bool = False, trainee: Optional[str] = None,
                 on_input: Optional[Callable[[dict], None]] = None):
        self.scenario = scenario
        self.seed = int(seed)
        self.plan = plan if plan is not None else Plan(name="no plan")
        self.interactive = interactive
        self.trainee = trainee
        self.inputs: list[dict] = []
        self.steps = 0
        self._on_input = on_input
        self.env = simpy.Environment()
        self.world = World(self.env, scenario, Streams(self.seed))
        self.world.exercise = self
        self.world.watcher = Watcher(self.world)
        self.open_decisions: list[OpenDecision] = []  # oldest first; two may overlap
        self.decided: dict[str, dict] = {}
        self.finished = False
        self.end_reason = ""
        self.time_limit = float(max(1800, scenario.spec.estimated_minutes * 60 * 2))
        self._idle_since: Optional[float] = 0.0
        self._sight_signature: Optional[tuple] = None
        self._waiting: Optional[simpy.Event] = None  # perception's wait while the world stands still
        self._deadline: Optional[tuple[float, simpy.Event]] = None
        self._change_noticed: Optional[simpy.Event] = None  # the wait a change will end
        self._sight_pairs: tuple[list, list] = ([], [])
        self._seer: dict[str, Unit] = {}  # who first sees each person and item, as of the last look
        self._item_seer: dict[str, Unit] = {}
        self._unit_order = {u.id: i for i, u in enumerate(scenario.spec.units)}
        self._build()
        self._everyone = list(self.world.agents.values())
        rows, cols = scenario.grid.shape
        self._small_floor = (rows - 1) // SPOT_RANGE_CELLS <= 1 and (cols - 1) // SPOT_RANGE_CELLS <= 1

    # -- set-up ------------------------------------------------------------------------
    def _build(self) -> None:
        world, spec = self.world, self.scenario.spec
        starts = world.starts
        agencies = {a.id: a for a in spec.agencies}
        for v in spec.victims:
            world.agents[v.id] = Victim(world, v, starts[v.id])
        for p in spec.perpetrators:
            world.agents[p.id] = Perpetrator(world, p, starts[p.id])
        for u in spec.units:
            unit = Unit(world, u, starts[u.id], spec.lead_agency, agencies[u.agency].coordination_delay)
            world.agents[u.id] = unit
            if not u.on_request:
                self.env.process(self._arrival(unit, u.arrives))
        world.emit("exercise_started", scenario=spec.id, seed=self.seed, plan=self.plan.name)
        for inject in spec.injects:
            self.env.process(run_inject(world, inject))
        for decision in spec.decisions:
            self.env.process(run_decision(world, decision, opened=self._opened,
                                          planned=self.plan.decisions.get(decision.id),
                                          interactive=self.interactive))
        for order in self.plan.orders:
            self._issue(order, "plan")
        self.env.process(self._tick())

    def _arrival(self, unit: Unit, delay: float) -> Generator:
        yield self.env.timeout(delay)
        while getattr(unit, "extra_delay", 0.0) > 0:  # an inject held the unit up
            extra, unit.extra_delay = unit.extra_delay, 0.0
            yield self.env.timeout(extra)
        unit.arrive()

    def _opened(self, state: OpenDecision) -> None:
        self.open_decisions.append(state)

    @property
    def pending_decision(self) -> Optional[OpenDecision]:
        """The decision the trainee should answer now: the oldest one open."""
        return self.open_decisions[0] if self.open_decisions else None

    # -- inputs ------------------------------------------------------------------------
    def _issue(self, order: Order, source: str, *, now: bool = False) -> None:
        world = self.world
        unit = world.agents.get(order.unit)
        if not isinstance(unit, Unit):
            raise ValueError(f"unknown unit {order.unit!r}")
        world.emit("order_issued", subject=order.unit, order=order.do, source=source)
        if order.do == "request_unit":
            self.env.process(self._request(order, unit))
        elif now:
            unit.preempt([order], source)
        else:
            unit.enqueue(order, source)

    def _request(self, order: Order, unit: Unit) -> Generator:
        yield self.world.watcher.event_for(self.world.watcher.trigger_of(order))
        if unit.present or getattr(unit, "requested", False):
            return
        unit.requested = True
        self.world.emit("unit_requested", subject=unit.id, arrives_in=unit.spec.arrives + unit.coordination_delay)
        yield from self._arrival(unit, unit.spec.arrives + unit.coordination_delay)

    def _log_input(self, entry: dict) -> None:
        self.inputs.append(entry)
        if self._on_input is not None:
            self._on_input(entry)

    def apply(self, order: Order, *, queue: bool = False) -> None:
        """A trainee's order, now. It replaces what the unit is doing unless `queue`."""
        if self.finished:
            raise RuntimeError("the exercise is over")
        self._issue(order, "trainee", now=not queue)
        self._log_input({"t": self.env.now, "step": self.steps, "type": "order", "queue": queue,
                         "order": order.model_dump(exclude_none=True)})

    def decide(self, decision_id: str, option_id: str, *, how: str = "chosen",
               is_input: bool = True) -> None:
        """Answer the open decision point; `how` is chosen, planned or defaulted.

        The engine's own calls (a planned choice, a running clock's default) are not inputs:
        a replay makes them again by itself.
        """
        state = next((d for d in self.open_decisions if d.id == decision_id), None)
        if state is None:
            raise ValueError(f"decision {decision_id!r} is not open")
        options = {o.id: o for o in state.decision.options}
        if option_id not in options:
            raise ValueError(f"decision {decision_id!r} has no option {option_id!r}")
        self.open_decisions.remove(state)
        self.decided[decision_id] = {"option": option_id, "how": how, "t": round(self.env.now, 3)}
        self.world.emit("decision_made", subject=decision_id, option=option_id, how=how,
                        took=round(self.env.now - state.opened_at, 3))
        if is_input:
            self._log_input({"t": self.env.now, "step": self.steps, "type": "decision",
                             "decision": decision_id, "option": option_id, "how": how})
        by_unit: dict[str, list[Order]] = {}
        for order in options[option_id].orders:
            if order.do == "request_unit":
                self._issue(order, "decision")
            else:
                by_unit.setdefault(order.unit, []).append(order)
        for unit_id, orders in by_unit.items():
            self.world.emit("order_issued", subject=unit_id, order=",".join(o.do for o in orders),
                            source="decision")
            self.world.agents[unit_id].preempt(orders, "decision")

    # -- time ----------------------------------------------------------------------------
    @property
    def now(self) -> float:
        return self.env.now

    @property
    def clock_stopped(self) -> bool:
        return any(d.paused for d in self.open_decisions)

    def advance(self, seconds: float) -> None:
        """Run the simulation for `seconds` (less if it ends or a paused decision opens)."""
        self._run_to(self.env.now + max(0.0, float(seconds)))

    def run_until_decision_or_end(self, limit: Optional[float] = None) -> Optional[OpenDecision]:
        """Run until a decision is open or the exercise ends; returns the open decision."""
        end = self.time_limit if limit is None else min(self.time_limit, self.env.now + limit)
        env = self.env
        while not self.finished and self.pending_decision is None:
            if env.peek() > end:
                self._run_to(end)
                break
            self._step()
        return self.pending_decision

    def _step(self) -> None:
        # Every input records how many events had been processed when it was applied, so a
        # replay applies it at exactly the same point, however the run was driven.
        self.env.step()
        self.steps += 1

    def run_to_step(self, step: int, t: float) -> None:
        """Replay helper: process events until `step` of them are done, then reach time t."""
        while self.steps < step and not self.finished:
            self._step()
        if self.env.now < t and self.env.peek() > t:
            self._clock_to(t)

    def _clock_to(self, t: float) -> None:
        # Move the clock to t when nothing happens before it. Not env.run(until=t): SimPy
        # leaves its stop event in the queue, an extra step that would shift the step count
        # by which inputs are replayed.
        assert self.env.peek() > t >= self.env.now
        self.env._now = t

    def _run_to(self, t_end: float) -> None:
        env = self.env
        t_end = min(t_end, self.time_limit)
        while not self.finished and not self.clock_stopped:
            if env.peek() > t_end:
                if env.now < t_end:
                    self._clock_to(t_end)
                break
            self._step()
        if not self.finished and self.env.now >= self.time_limit:
            self._end("time limit reached")

    def run_to_end(self) -> None:
        """Headless: run until the end, letting open decisions run out to their defaults."""
        while not self.finished:
            state = self.run_until_decision_or_end()
            if state is not None and state.paused:
                self.decide(state.id, state.decision.default, how="defaulted")
            elif state is not None:
                self._step_past_decision(state)

    def _step_past_decision(self, state: OpenDecision) -> None:
        env = self.env
        while state in self.open_decisions and not self.finished:
            self._step()

    # -- the world, once a second (or when it changes) -------------------------------------
    def _tick(self) -> Generator:
        """Perception and the referee. Every second while anything moves or hangs on chance;
        while the world stands still, only when something changes (or the referee's next
        deadline comes), which is most of a run's idle minutes."""
        env, world = self.env, self.world
        last = 0.0
        while not self.finished:
            if self._standing_still():
                self._waiting = env.event()
                world.on_change = self._changed
                self._wake_by(self._next_deadline())
                yield self._waiting
                world.on_change = None
            else:
                yield env.timeout(TICK_SECONDS)
            self._perceive(env.now - last)
            last = env.now
            self._referee()

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

    def _wake_by(self, t: float) -> None:
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

    def _standing_still(self) -> bool:
        """Nothing will change unless something happens: no one in sight who may notice the
        police any second, no one panicking. Asked just after a look, which moves nobody
        (a test holds the engine to that), so what the look saw is still so."""
        world = self.world
        if self._sight_signature is None:
            return False  # it has not looked yet
        people, _ = self._sight_pairs
        if any(a.kind == "perpetrator" and a.state == "unaware" for a, _ in people):
            return False  # a perpetrator who can see police may notice them any second
        return not any(v.state == "panicked" for v in world.people("victim"))

    def _next_deadline(self) -> float:
        """When a look is due with nothing changing: the referee's next deadline, or the
        next whole minute at the latest."""
        now = self.env.now
        due = [(math.floor(now / QUIET_TICK_SECONDS) + 1) * QUIET_TICK_SECONDS]
        if self._idle_since is not None:
            due += [self._idle_since + t for t in (COMPLETE_AFTER_IDLE, STALLED_AFTER_IDLE)
                    if self._idle_since + t > now + 1e-9]  # met already, to the last bit or not
        return min(due)

    def _signature(self) -> tuple:
        # where everyone is (or is not): the sight lines change only when this does
        return (self.world._door_version,
                tuple([(a.cell, a.present, a.outside_at) for a in self._everyone]))

    def _sightings(self, units: list, others: list) -> tuple[list, list]:
        """(person, first unit that sees them) and (item, unit) pairs.

        Worked out again only for what can have changed since the last look: the people
        who moved, and the people and items near a unit that moved. A changed door means
        a full look, as every sight line may cross it."""
        signature = self._signature()
        previous = self._sight_signature
        if signature == previous:
            return self._sight_pairs
        block = SPOT_RANGE_CELLS
        # On a floor no more than two blocks each way every block is next to every other, so
        # every unit is near everyone; on a larger one, units are bucketed by block.
        small = self._small_floor
        buckets: dict[tuple[int, int], list] = {}  # units by map block: only near ones can see
        for unit in units if not small else ():
            buckets.setdefault((unit.cell[0] // block, unit.cell[1] // block), []).append(unit)
        if previous is None or previous[0] != signature[0]:
            self._seer, self._item_seer = {}, {}
            people_to_look_at, items_to_look_at = others, list(self.world.evidence.values())
        else:
            moved, around, a_unit_moved = set(), set(), False
            for agent, before, after in zip(self._everyone, previous[1], signature[1]):
                if before == after:
                    continue
                moved.add(agent.id)
                if agent.kind == "unit":  # everyone near where it was or is now looks again
                    a_unit_moved = True
                    for r, c in (before[0], after[0]) if not small else ():
                        around.update((r // block + dr, c // block + dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1))
            if small and a_unit_moved:
                people_to_look_at, items_to_look_at = others, list(self.world.evidence.values())
            else:
                people_to_look_at = [a for a in others
                                     if a.id in moved or (a.cell[0] // block, a.cell[1] // block) in around]
                items_to_look_at = [i for i in self.world.evidence.values()
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
            self._seer[agent.id] = first_to_see(agent.cell)
        for item in items_to_look_at:
            self._item_seer[item.id] = first_to_see(item.cell)
        people = [(a, self._seer[a.id]) for a in others if self._seer.get(a.id) is not None]
        items = [(i, u) for i in self.world.evidence.values() if (u := self._item_seer.get(i.id)) is not None]
        self._sight_signature = signature
        self._sight_pairs = (people, items)
        return self._sight_pairs

    def _perceive(self, elapsed: float = TICK_SECONDS) -> None:
        world, now = self.world, self.env.now
        # a unit covering a window from outside neither sees in nor is seen from inside
        units = [u for u in world.people("unit") if u.present and u.outside_at is None]
        others = [a for a in world.agents.values() if a.kind != "unit" and a.present]
        people, items = self._sightings(units, others)
        for agent, unit in people:
            first = agent.id not in world.last_seen
            world.last_seen[agent.id] = (now, agent.cell, agent.label)
            if agent.kind == "victim" and not agent.found:
                agent.found = True
                world.emit("victim_found", subject=agent.id, by=unit.id, room=world.room_of(agent.cell))
            elif agent.kind == "perpetrator":
                if not world.has_happened("perpetrator_seen", agent.id):
                    world.emit("perpetrator_seen", subject=agent.id, by=unit.id)
                if agent.state == "unaware" and world.streams.chance(
                        f"{agent.id}:spot", 0.3 + 0.7 * agent.spec.vigilance):
                    agent.saw_police(unit.id)
            elif first:
                world.emit("seen", subject=agent.id, by=unit.id)
        for item, unit in items:
            if item.id not in world.last_seen:
                world.emit("seen", subject=item.id, by=unit.id)
            world.last_seen[item.id] = (now, item.cell, item.state)
        # who is in which room, once per look: officers calm victims and make them safe
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
            if victim.fear > 0.0:  # most women the officers are with are calm already
                victim.change_fear(-CALMING_PER_SECOND * elapsed, "officers with her")
            if not victim.safe and not victim.hostage_of and room not in free_in:
                victim.make_safe(min(officers))

    def _referee(self) -> None:
        world = self.world
        busy = bool(self.open_decisions) or any(u.has_pending_work() for u in world.people("unit"))
        if busy:
            self._idle_since = None
            return
        if self._idle_since is None:
            self._idle_since = self.env.now
        idle_for = self.env.now - self._idle_since + 1e-9  # a deadline met to the last bit counts
        resolved = (all(v.safe for v in world.people("victim"))
                    and all(p.controlled for p in world.people("perpetrator")))
        if resolved and idle_for >= COMPLETE_AFTER_IDLE:
            self._end("operation complete")
        elif idle_for >= STALLED_AFTER_IDLE:
            self._end("no unit had anything left to do")

    def _end(self, reason: str) -> None:
        if self.finished:
            return
        self.finished = True
        self.end_reason = reason
        self.world.emit("exercise_ended", reason=reason)

    # -- what the outside sees ---------------------------------------------------------
    @property
    def events(self) -> list[dict]:
        return self.world.log.events

    def in_sight(self) -> set[str]:
        """Ids of the people and items some unit saw at the last look. While the world
        stands still perception does not look again, and they are still in sight."""
        people, items = self._sight_pairs
        return {thing.id for thing, _ in people} | {thing.id for thing, _ in items}

    def snapshot(self, view: str = "trainee") -> Snapshot:
        if view not in ("trainee", "trainer"):
            raise ValueError("view is 'trainee' or 'trainer'")
        return take_snapshot(self, view)

    def record(self) -> dict[str, Any]:
        from sim.evaluation.record import make_record
        return make_record(self)
