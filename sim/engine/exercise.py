"""The Exercise: one run of a scenario, driven by orders. The only door into the engine.

    exercise = Exercise(scenario, seed=7, plan=scenario.spec.doctrine_plan)
    exercise.run_until_decision_or_end()
    exercise.decide("gate_entry", "key")
    exercise.advance(30)
    picture = exercise.snapshot("trainee")
    record = make_record(exercise)  # sim.evaluation.record: the engine knows no records

Perception (`perception.py`) and the referee (`referee.py`) are its helpers; the
headless runner, the window, batches and replays all drive this same class.
Every input (an order or a decision) is appended to `inputs` as it is applied, with
its simulated time, so a run can be resumed or replayed exactly.
"""
from __future__ import annotations

from typing import Callable, Generator, Optional

import simpy

from sim.format.orders import Order, describe
from sim.format.scenario import Scenario
from sim.format.spec import Plan
from .agents.perpetrator import Perpetrator
from .agents.unit import Unit
from .agents.victim import Victim
from .conditions import Watcher
from .handover import take_planned
from .injects import OpenDecision, run_decision, run_inject
from .joint_inputs import JointInputs
from .perception import TICK_SECONDS, Perception
from .pressures import run_pressure
from .referee import Referee
from .rng import Streams
from .seat_view import take_seat_snapshot
from .seats import Seats
from .snapshot import Snapshot, take_snapshot
from .world import World



# Events after which a unit with no order looks again at what its standing rules ask of it.
STANDING_CUES = {"perpetrator_reaction", "victim_found", "victim_panicked", "hostage_released",
                 "perpetrator_alerted", "room_cleared", "victim_calmed"}
STANDING_CUE_REACH_M = 25.0  # the standing rules reach no farther (see agents/unit.py)


class Exercise(JointInputs):
    def __init__(self, scenario: Scenario, seed: int = 0, plan: Optional[Plan] = None, *,
                 interactive: bool = False, trainee: Optional[str] = None,
                 on_input: Optional[Callable[[dict], None]] = None,
                 joint: Optional[tuple[str, ...]] = None):
        """`joint`: a joint run, with the seats that people play (the others play their
        share of `plan`); None for solo play, where one trainee commands every unit."""
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
        self.world.watcher = Watcher(self.world)
        self.joint = tuple(joint) if joint is not None else None
        if self.joint is not None and not scenario.spec.seats:
            raise ValueError(f"scenario {scenario.id!r} has no seats: it cannot be run as a joint exercise")
        self.seats: Optional[Seats] = Seats(self.world, self.joint) if self.joint is not None else None
        self.fired: set[str] = set()  # injects fired (by their trigger or by the controller)
        self.open_decisions: list[OpenDecision] = []  # oldest first; two may overlap
        self.decided: dict[str, dict] = {}
        self.finished = False
        self.end_reason = ""
        self.time_limit = float(max(1800, scenario.spec.estimated_minutes * 60 * 2))
        self._build()
        self.perception = Perception(self.world)  # before the first step: it needs everyone
        if self.seats is not None:
            self.perception.after_look = self.seats.look
        self.referee = Referee(self.world)

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
        world.emit("exercise_started", scenario=spec.id, seed=self.seed, plan=self.plan.name,
                   seats=list(self.joint) if self.joint is not None else None)
        plan = self.seats.seat_plan(self.plan) if self.seats is not None else self.plan
        channels = {c.id: c for c in spec.channels}
        for inject in spec.injects:
            route = plan.routes.get(inject.id, inject.channel)
            self.env.process(run_inject(world, inject, channel=channels.get(route) if route else None,
                                        seats=self.seats, fired=self.fired))
        for decision in spec.decisions:
            self.env.process(run_decision(world, decision, opened=self._opened, close=self._close,
                                          planned=plan.decisions.get(decision.id),
                                          interactive=self.interactive))
        for pressure in spec.pressures:
            self.env.process(run_pressure(world, pressure))
        self._requests: list[tuple[Order, str]] = []  # request_unit orders not yet carried out
        for order in plan.orders:
            self._issue(order, "plan")
        if self.seats is not None:
            self.seats.start(plan)
        world.log.listen(self._standing_watch)
        self.env.process(self._tick())

    def _arrival(self, unit: Unit, delay: float) -> Generator:
        unit.due_at = self.env.now + delay  # what the window shows as its due time
        yield self.env.timeout(delay)
        while getattr(unit, "extra_delay", 0.0) > 0:  # an inject held the unit up
            extra, unit.extra_delay = unit.extra_delay, 0.0
            unit.due_at = self.env.now + extra
            yield self.env.timeout(extra)
        unit.arrive()

    def _opened(self, state: OpenDecision) -> None:
        self.open_decisions.append(state)
        if self.seats is not None and self.seats.owner_of(state.decision) in self.seats.by_plan:
            take_planned(self, state)  # its seat dropped and the controller handed it to the plan

    def _close(self, state: OpenDecision, option_id: str, how: str) -> None:
        """The engine's own answer (planned or defaulted), if the decision is still open."""
        if state in self.open_decisions:
            self.decide(state.id, option_id, how=how, is_input=False)

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
            self.env.process(self._request(order, unit, source))
        elif now:
            unit.preempt([order], source, reason=f"replaced by the {source}'s order to {describe(order)}")
        else:
            unit.enqueue(order, source)

    def _request(self, order: Order, unit: Unit, source: str) -> Generator:
        entry = (order, source)
        self._requests.append(entry)
        yield self.world.watcher.event_for(self.world.watcher.trigger_of(order))
        self._requests.remove(entry)
        world = self.world
        if unit.present or getattr(unit, "requested", False):
            world.emit("order_failed", subject=unit.id, unit=unit.id, order=describe(order), do=order.do,
                       source=source, reason="already on scene" if unit.present else "already requested")
            return
        unit.requested = True
        world.emit("unit_requested", subject=unit.id, arrives_in=unit.spec.arrives + unit.coordination_delay)
        world.emit("order_done", subject=unit.id, order=order.do)
        yield from self._arrival(unit, unit.spec.arrives + unit.coordination_delay)

    def _log_input(self, entry: dict) -> None:
        self.inputs.append(entry)
        if self._on_input is not None:
            self._on_input(entry)

    def apply(self, order: Order, *, queue: bool = False, seat: Optional[str] = None) -> None:
        """A trainee's order, now. It replaces what the unit is doing unless `queue`.
        In a joint run, `seat` may order only its own agencies' units."""
        if self.finished:
            raise RuntimeError("the exercise is over")
        self._check_unit(seat, order.unit)
        self._check_targets(seat, order, queued=queue)
        self._issue(order, "trainee", now=not queue)
        self._log_input(self._entry("order", seat, queue=queue, order=order.model_dump(exclude_none=True)))

    def decide(self, decision_id: str, option_id: str, *, how: str = "chosen",
               is_input: bool = True, seat: Optional[str] = None) -> None:
        """Answer the open decision point; `how` is chosen, planned or defaulted.

        The engine's own calls (a planned choice, a running clock's default) are not inputs:
        a replay makes them again by itself. In a joint run, only its owner seat decides.
        """
        state = next((d for d in self.open_decisions if d.id == decision_id), None)
        if state is None:
            raise ValueError(f"decision {decision_id!r} is not open")
        self._check_owner(seat, state.decision)
        options = {o.id: o for o in state.decision.options}
        if option_id not in options:
            raise ValueError(f"decision {decision_id!r} has no option {option_id!r}")
        self.open_decisions.remove(state)
        self.decided[decision_id] = {"option": option_id, "how": how, "t": round(self.env.now, 3)}
        self.world.emit("decision_made", subject=decision_id, option=option_id, how=how,
                        took=round(self.env.now - state.opened_at, 3))
        if is_input:
            self._log_input(self._entry("decision", seat, decision=decision_id, option=option_id, how=how))
        by_unit: dict[str, list[Order]] = {}
        for order in options[option_id].orders:
            if order.do == "request_unit":
                self._issue(order, "decision")
            else:
                by_unit.setdefault(order.unit, []).append(order)
        reason = f"replaced by decision {decision_id} ({option_id})"
        for unit_id, orders in by_unit.items():
            self.world.emit("order_issued", subject=unit_id, order=",".join(o.do for o in orders),
                            source="decision")
            self.world.agents[unit_id].take_decision(orders, reason)

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
            if self.env.peek() > self.time_limit:  # a damaged record: never step on past the end
                raise ValueError(f"step {step} is never reached: the run's time limit comes at step {self.steps}")
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
            self._time_up()

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
        """Perception looks, then the referee judges: every second while anything moves or
        hangs on chance; while the world stands still, only when something changes (or the
        referee's next deadline comes), which is most of a run's idle minutes."""
        env, perception, referee = self.env, self.perception, self.referee
        last = 0.0
        while not self.finished:
            if perception.standing_still():
                yield from perception.wait_for_change(referee.next_deadline())
            else:
                yield env.timeout(TICK_SECONDS)
            perception.look(env.now - last)
            last = env.now
            reason = referee.judge(decision_open=bool(self.open_decisions))
            if reason:
                self._end(reason)

    def _standing_watch(self, event: dict) -> None:
        """Events the standing rules answer: an idle unit looks again."""
        if event["kind"] in STANDING_CUES:
            world = self.world
            subject = world.agents.get(event.get("subject") or "")
            near = STANDING_CUE_REACH_M / world.grid.cell_size
            for unit in world.people("unit"):
                # only units near enough to act on it look again (large floors have many units)
                if subject is None or (abs(unit.cell[0] - subject.cell[0]) <= near
                                       and abs(unit.cell[1] - subject.cell[1]) <= near):
                    unit.wake_if_idle()

    def _end(self, reason: str) -> None:
        if self.finished:
            return
        self.finished = True
        world = self.world
        for unit in world.people("unit"):
            unit.abandon_orders()
        for order, source in list(self._requests):
            trigger = world.watcher.trigger_of(order)
            world.emit("order_failed", subject=order.unit, unit=order.unit, order=describe(order), do=order.do,
                       source=source, reason=f"not carried out: still waiting for {trigger} when the exercise ended")
        for victim in world.people("victim"):
            victim.at_the_end()
        self.end_reason = reason
        world.emit("exercise_ended", reason=reason)

    # -- what the outside sees ---------------------------------------------------------
    @property
    def events(self) -> list[dict]:
        return self.world.log.events

    def in_sight(self) -> set[str]:
        """Ids of the people and items some unit saw at the last look."""
        return self.perception.in_sight()

    def snapshot(self, view: str = "trainee") -> Snapshot:
        """`trainer` sees everything; `trainee` what every unit perceives (solo play); in a
        joint run, a seat id gives that seat's own picture."""
        if self.seats is not None and view in self.seats.seats:
            return take_seat_snapshot(self.world, self.seats, view, open_decisions=self.open_decisions,
                                      finished=self.finished, end_reason=self.end_reason)
        if view not in ("trainee", "trainer"):
            seats = f", or a seat: {', '.join(self.seats.seats)}" if self.seats is not None else ""
            raise ValueError(f"view is 'trainee' or 'trainer'{seats}")
        return take_snapshot(self.world, view, in_sight=self.in_sight(), decision=self.pending_decision,
                             finished=self.finished, end_reason=self.end_reason)
