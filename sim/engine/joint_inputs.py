"""The inputs of a run besides orders and decisions: ending the operation (by the trainee,
the controller or the time limit); in a joint run, a seat's message, the controller's
actions, an observer's observation; and the rule that a seat commands only its own
agencies' units and takes only its own decisions.

A mixin of `Exercise`: every input is logged with its seat and the exact point (event
count) at which it was applied, so a joint run replays and verifies like a solo one.
"""
from __future__ import annotations

from typing import Any, Optional

from .handover import HANDOVER_ACTIONS, hand_over
from .injects import apply_inject
from .seats import MessageRefused

CONTROLLER = "controller"
OBSERVER = "observer"
CONTROL_ACTIONS = ("fire_inject", "message", "alert", "extend_decision", "close_decision", "end") + HANDOVER_ACTIONS
END_REASONS = {"trainee": "ended by the trainee", "controller": "ended by the controller",
               "limit": "time limit reached"}  # who ended the operation -> the run's end reason


class NotYours(PermissionError):
    """A seat tried to order another agency's unit or take another seat's decision."""


class JointInputs:
    # -- bookkeeping -------------------------------------------------------------------
    def _entry(self, input_type: str, seat: Optional[str], **fields: Any) -> dict:
        entry: dict = {"t": self.env.now, "step": self.steps, "type": input_type}
        if seat is not None:
            entry["seat"] = seat
        entry.update(fields)
        return entry

    def _check_by_plan(self, seat: Optional[str]) -> None:
        if seat is not None and self.seats is not None and seat in self.seats.by_plan:
            raise NotYours(f"seat {seat!r} is played by the plan now: the controller hands it back")

    def _check_unit(self, seat: Optional[str], unit_id: str) -> None:
        if seat is None or self.seats is None or seat == CONTROLLER:
            return
        self._check_by_plan(seat)
        owner = self.seats.seat_of_unit.get(unit_id)
        if owner is None:
            raise ValueError(f"unknown unit {unit_id!r}")
        if owner != seat:
            raise NotYours(f"unit {unit_id!r} belongs to seat {owner!r}, not {seat!r}")

    def _check_targets(self, seat: Optional[str], order, *, queued: bool = False) -> None:
        """Every id an order names is a thing of the right kind; in a joint run, a person or
        item a seat's unit is sent to now must be in that seat's picture (else a unit would
        find for its seat what nobody told it). An order queued or waiting for a trigger
        (`when victim_safe ploy`) is part of a plan and may name the briefing's people and items."""
        from sim.format.orders import REFERENCES
        scenario = self.scenario
        for field_name, kinds in REFERENCES[order.do].items():
            value = getattr(order, field_name, None)
            if value is None:
                continue
            kind = scenario.kind_of(value)
            if kind not in kinds:
                raise ValueError(f"{order.do}: {field_name} {value!r} is not a {' or '.join(kinds)}")
            untriggered = not queued and all(getattr(order, k, None) is None for k in ("at", "on", "when"))
            if untriggered and seat is not None and self.seats is not None and seat in self.seats.seats \
                    and kind in ("victim", "perpetrator", "evidence") and value not in self.seats.pictures[seat]:
                raise NotYours(f"your seat knows nothing of {value!r} yet: send a unit to a room instead")

    def _check_owner(self, seat: Optional[str], decision) -> None:
        if seat is None or self.seats is None or seat == CONTROLLER:
            return
        self._check_by_plan(seat)
        owner = self.seats.owner_of(decision)
        if owner != seat:
            raise NotYours(f"decision {decision.id!r} is taken by seat {owner!r}, not {seat!r}")

    def _joint(self) -> None:
        if self.seats is None:
            raise ValueError("this is not a joint run")
        if self.finished:
            raise RuntimeError("the exercise is over")

    # -- the end ---------------------------------------------------------------------------
    def end_operation(self, by: str = "trainee", *, seat: Optional[str] = None) -> None:
        """End the operation now. An input like any other, logged with the exact point it was
        applied, so `verify` re-simulates to exactly where the run stopped and a replay stops
        there too (rather than running on to the natural end)."""
        if by not in END_REASONS:
            raise ValueError(f"ended by {by!r}: one of {', '.join(END_REASONS)}")
        if self.finished:
            raise RuntimeError("the exercise is over")
        self._end(self.referee.time_limit_reason() if by == "limit" else END_REASONS[by])
        self._log_input(self._entry("end_operation", seat, by=by))

    def _time_up(self) -> None:
        """The time limit. In a run people play it is an input too: their record says where the
        run stopped, however the window drove the clock."""
        if self.interactive:
            self.end_operation("limit")
        else:
            self._end(self.referee.time_limit_reason())  # says what was left to do

    # -- a seat's message --------------------------------------------------------------
    def send(self, sender: str, to: str, via: str, text: str, *, about: Optional[str] = None,
             marker: Optional[dict] = None) -> str:
        """A message from one seat to another by a channel; it arrives after the channel's
        delay. `about`: a person or item in the sender's picture; `marker`: a map marker
        ({"cell": [row, col], "label": text}). Raises MessageRefused if it cannot go."""
        self._joint()
        self._check_by_plan(sender)
        self.seats.check(sender, to, via, about, marker)
        ident = self.seats.send(sender, to, via, text, about, marker)
        self._log_input(self._entry("message", sender, to=to, via=via, text=text, about=about, marker=marker))
        return ident

    # -- the controller ----------------------------------------------------------------
    def control(self, action: dict) -> None:
        """A controller's action, now:
        {"do": "fire_inject", "inject": ID} fires a scenario inject (once);
        {"do": "message", "to": SEAT, "text": ...} a message made up on the spot;
        {"do": "alert", "perpetrator": ID} alerts a perpetrator (or "all");
        {"do": "extend_decision", "decision": ID, "seconds": S} gives an open decision more time;
        {"do": "close_decision", "decision": ID} closes it now with its default;
        {"do": "hand_to_plan" | "hand_back", "seat": SEAT}: the plan plays a dropped seat, or no longer;
        {"do": "end"} ends the operation now."""
        self._joint()
        world, spec = self.world, self.scenario.spec
        kind = action.get("do")
        if kind == "fire_inject":
            inject = next((i for i in spec.injects if i.id == action.get("inject")), None)
            if inject is None:
                raise ValueError(f"unknown inject {action.get('inject')!r}")
            if inject.id in self.fired:
                raise ValueError(f"inject {inject.id!r} has fired already")
            self.fired.add(inject.id)
            apply_inject(world, inject, seats=self.seats, by=CONTROLLER)
        elif kind == "message":
            to = action.get("to")
            if to not in self.seats.seats:
                raise ValueError(f"unknown seat {to!r}")
            world.emit("inject", subject=f"controller_{len(self.inputs) + 1}", message=str(action.get("text", "")),
                       source=str(action.get("source") or "exercise control")[:120], to=to, by=CONTROLLER)
        elif kind == "alert":
            target = action.get("perpetrator")
            perps = list(world.people("perpetrator")) if target == "all" else \
                [a for a in world.people("perpetrator") if a.id == target]
            if not perps:
                raise ValueError(f"unknown perpetrator {target!r}")
            world.emit("inject", subject=f"controller_{len(self.inputs) + 1}", message=f"{target} alerted",
                       source="exercise control", to=CONTROLLER, by=CONTROLLER)
            for perp in perps:
                perp.alert("exercise control")
        elif kind in ("extend_decision", "close_decision"):
            state = next((d for d in self.open_decisions if d.id == action.get("decision")), None)
            if state is None:
                raise ValueError(f"decision {action.get('decision')!r} is not open")
            if kind == "extend_decision":
                seconds = float(action.get("seconds", 0))
                if not 0 < seconds <= 3600:
                    raise ValueError("seconds: between 0 and 3600")
                state.deadline += seconds
                world.emit("decision_extended", subject=state.id, seconds=seconds, by=CONTROLLER)
            else:
                self.decide(state.id, state.decision.default, how="closed", is_input=False)
        elif kind in HANDOVER_ACTIONS:
            hand_over(self, action, by=CONTROLLER)
        elif kind == "end":
            self._end(END_REASONS["controller"])
        else:
            raise ValueError(f"unknown action {kind!r}; one of {', '.join(CONTROL_ACTIONS)}")
        self._log_input(self._entry("control", CONTROLLER, action=dict(action)))

    # -- the observer ------------------------------------------------------------------
    def observe(self, text: str, *, seat: str = OBSERVER, kind: str = "note") -> None:
        """An evaluator's time-stamped observation; it changes nothing in the simulation."""
        if self.finished:
            raise RuntimeError("the exercise is over: add observations in the review")
        self._log_input(self._entry("observation", seat, kind=kind, text=text))


__all__ = ["CONTROLLER", "OBSERVER", "JointInputs", "MessageRefused", "NotYours"]
