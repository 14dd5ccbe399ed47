"""Injects and decision points: armed at the start, fired by their trigger.

An inject logs its message and applies its effects. A decision point opens with its
options; it closes when the trainee (or the plan) chooses, or when its time runs out
and the default applies, which the log records as defaulted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Generator, Optional

if TYPE_CHECKING:
    from sim.format.joint import Channel
    from sim.format.spec import Decision, Inject
    from .seats import Seats
    from .world import World


@dataclass
class OpenDecision:
    decision: "Decision"
    opened_at: float
    deadline: float
    paused: bool  # the clock stops while this decision is open (interactive play only)

    @property
    def id(self) -> str:
        return self.decision.id


def run_inject(world: "World", inject: "Inject", *, channel: Optional["Channel"] = None,
               seats: Optional["Seats"] = None, fired: Optional[set] = None) -> Generator:
    """Fire the inject when triggered. By a channel, its message reaches the team only after
    the channel's delay (and once the unit the channel needs is on scene). An inject the
    controller has fired already (`fired`) does not fire again."""
    watcher = world.watcher
    yield watcher.event_for(watcher.trigger_of(inject))
    if channel is not None:
        if channel.requires_unit and not world.agents[channel.requires_unit].present:
            yield watcher.event_for(watcher.trigger_of_text("when", f"unit_arrived {channel.requires_unit}"))
        yield world.env.timeout(channel.delay)
    if fired is not None:
        if inject.id in fired:
            return
        fired.add(inject.id)
    apply_inject(world, inject, channel=channel, seats=seats)


def apply_inject(world: "World", inject: "Inject", *, channel: Optional["Channel"] = None,
                 seats: Optional["Seats"] = None, by: Optional[str] = None) -> None:
    """The inject's message and effects, now."""
    to = (inject.to or seats.lead) if seats is not None else None
    world.emit("inject", subject=inject.id, message=inject.message, source=inject.source,
               via=channel.id if channel else None, to=to, by=by)
    for effect in inject.effects:
        if effect.alert:
            targets = (list(world.people("perpetrator")) if effect.alert == "all"
                       else [world.agents[effect.alert]])
            for perp in targets:
                perp.alert(f"inject {inject.id}")
        elif effect.delay_unit:
            unit = world.agents[effect.delay_unit]
            unit.extra_delay = getattr(unit, "extra_delay", 0.0) + float(effect.seconds or 0)
        elif effect.lock_door:
            door = world.doors[effect.lock_door]
            if not door.broken:
                door.locked, door.open = True, False
                world.door_changed()
        elif effect.reveal:
            ident = effect.reveal
            if ident in world.agents:
                agent = world.agents[ident]
                world.last_seen[ident] = (world.now, agent.cell, agent.label)
            elif ident in world.evidence:
                item = world.evidence[ident]
                world.last_seen[ident] = (world.now, item.cell, item.state)
            world.emit("seen", subject=ident, by="intelligence")
            if seats is not None:
                seats.reveal(ident, to, by=inject.id)


def run_decision(world: "World", decision: "Decision", *, opened: Callable[[OpenDecision], None],
                 close: Callable[[OpenDecision, str, str], None],
                 planned: Optional[str], interactive: bool) -> Generator:
    """Open the decision when triggered; apply the planned choice, or wait and default.

    `close(state, option, how)` answers it if it is still open (the exercise's decide)."""
    yield world.watcher.event_for(world.watcher.trigger_of(decision))
    paused = interactive and decision.clock == "paused" and planned is None
    state = OpenDecision(decision, world.now, world.now + decision.time_allowed, paused)
    world.emit("decision_opened", subject=decision.id, time_allowed=decision.time_allowed,
               clock="paused" if paused else "running")
    opened(state)
    if planned is not None:
        close(state, planned, "planned")
        return
    if paused:
        return  # the clock stands still; only the trainee (or the window's timer) closes it
    yield world.env.timeout(decision.time_allowed)
    while state.deadline - world.now > 1e-6:  # the controller gave it more time
        yield world.env.timeout(state.deadline - world.now)
    close(state, decision.default, "defaulted")
