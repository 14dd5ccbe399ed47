"""A victim: the reason for the operation. Her fear and trust shape how the rescue goes.

States: captive -> (panicked) -> safe -> identified -> handed_over; or hostage.
Fear rises with loud forced entry and shouting, and falls when someone speaks to her
in her own language or a victim-care officer is with her. A terrified victim panics
when armed officers burst in, and is not safe to move until calmed. Frightened, she may
also hide or flee (`fright.py`), as her scenario's `fear_reaction` says. Trust grows
with her own language, a female officer and victim care, and falls with shouting and
handcuffs. Her conditions set how she walks and what care she needs.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from sim.engine.challenge import victim_behaviour
from . import fright
from .base import INJURED_FACTOR, Agent

if TYPE_CHECKING:
    from sim.format.spec import Victim as VictimSpec
    from sim.engine.world import World

PANIC_FEAR = 0.75
LOUD_DB = 55.0
SLOW_CONDITIONS = {"injured": INJURED_FACTOR, "sedated": INJURED_FACTOR, "pregnant": 0.8, "ill": 0.8}
NEEDS_CARE = {"injured", "sedated", "pregnant", "ill"}  # beyond first aid: a medical kit


class Victim(Agent):
    kind = "victim"

    def __init__(self, world: "World", spec: "VictimSpec", cell):
        super().__init__(world, spec.id, spec.name, cell, spec.languages)
        self.spec = spec
        self.reactions, values = victim_behaviour(world.scenario.spec.challenge, spec)
        self.fear = values["fear"]
        self.trust = values["trust_in_police"]
        self.coached = values["coached_identity"]
        self.hidden = False
        self.fled = False  # gone from the plan: neither safe nor harmed until found
        self.on_ledge: Optional[str] = None
        self.reacted = False  # she reacts to fright once
        self.flight = None
        self.state = "captive"
        self.injured = "injured" in spec.condition
        self.restrained = "restrained" in spec.condition
        self.found = False
        self.safe = False
        self.identified = False
        self.offender = False
        self.treated = False
        self.handed_over = False
        self.hostage_of: Optional[str] = None
        self.with_unit: Optional[str] = None
        self.speed_factor = min([SLOW_CONDITIONS[c] for c in spec.condition if c in SLOW_CONDITIONS] or [1.0])

    @property
    def needs_care(self) -> bool:
        """Whether her medical check needs more than first aid (a medical kit)."""
        return self.injured or bool(NEEDS_CARE & set(self.spec.condition))

    @property
    def label(self) -> str:
        if self.handed_over:
            return "handed over"
        if self.fled:
            return "fled"
        if self.on_ledge:
            return "on the ledge"
        if self.hidden:
            return "hiding"
        if self.hostage_of:
            return "hostage"
        if self.state == "panicked":
            return "panicked"
        if self.safe:
            return "identified" if self.identified else "safe"
        return self.state

    def change_fear(self, delta: float, why: str) -> None:
        before = self.fear
        self.fear = min(1.0, max(0.0, self.fear + delta))
        if before >= PANIC_FEAR > self.fear and self.state == "panicked":
            self.state = "captive" if not self.safe else "safe"
            self.world.emit("victim_calmed", subject=self.id, why=why, fear=round(self.fear, 2))

    def change_trust(self, delta: float) -> None:
        self.trust = min(1.0, max(0.0, self.trust + delta))

    def hear(self, level_db: float, cause: str) -> None:
        if level_db >= LOUD_DB and not self.safe:
            self.change_fear(0.08, cause)
            fright.frightened(self, cause, seen=False)

    def officers_burst_in(self, unit_id: str) -> None:
        """Armed officers enter her room shouting: frightening even when they are rescuers."""
        world = self.world
        if self.handed_over or self.fled or self.on_ledge:
            return
        self.change_fear(0.1, "forced entry")
        if self.hidden:
            return  # hiding: they have not seen her
        fright.frightened(self, "officers burst in", seen=True)
        if self.state == "fleeing":
            return
        if not self.found:
            self.found = True
            world.emit("victim_found", subject=self.id, by=unit_id, room=world.room_of(self.cell))
        if self.fear >= PANIC_FEAR and self.state != "panicked" and not self.safe:
            if world.streams.chance(f"{self.id}:panic", self.fear - 0.45):
                self.state = "panicked"
                world.emit("victim_panicked", subject=self.id, fear=round(self.fear, 2))

    def spoken_to(self, unit: Agent, *, care: bool = False) -> None:
        """Someone speaks to her. Her own language, a female officer or victim care calm her
        and build trust."""
        spec = getattr(unit, "spec", None)
        care = care or (spec is not None and "victim_support" in spec.skills)
        if spec is not None and getattr(spec, "female_officer", False):
            self.change_fear(-0.05, "a female officer")
            self.change_trust(0.1)
        if self.shares_language(unit):
            first = not self.world.has_happened("spoken_in_language", self.id)
            self.change_fear(-0.3, "spoken to in her language")
            self.change_trust(0.25)
            if first:
                self.world.emit("spoken_in_language", subject=self.id, by=unit.id,
                                language=next(lang for lang in self.languages if lang in unit.languages))
        if care:
            self.change_fear(-0.15, "victim-care officer")
            self.change_trust(0.1)

    def lose_trust(self, delta: float, why: str) -> None:
        self.change_trust(-delta)
        self.world.emit("victim_trust_lost", subject=self.id, why=why, trust=round(self.trust, 2))

    def make_safe(self, unit_id: str) -> None:
        if self.safe or self.hostage_of or self.state == "panicked" or self.fled or self.on_ledge:
            return
        if self.flight is not None and self.flight.is_alive and self.flight is not self.world.env.active_process:
            self.flight.interrupt("officers with her")
        self.hidden = False
        self.safe = True
        self.with_unit = unit_id
        if self.state != "panicked":
            self.state = "safe"
        self.world.emit("victim_safe", subject=self.id, by=unit_id, room=self.world.room_of(self.cell))
