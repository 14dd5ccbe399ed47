"""A victim: the reason for the operation. Her fear and trust shape how the rescue goes.

States: captive -> (panicked) -> safe -> identified -> handed_over; or hostage.
Fear rises with loud forced entry and shouting, and falls when someone speaks to her
in her own language or a victim-care officer is with her. A terrified victim panics
when armed officers burst in, and is not safe to move until calmed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from .base import INJURED_FACTOR, Agent

if TYPE_CHECKING:
    from sim.format.spec import Victim as VictimSpec
    from sim.engine.world import World

PANIC_FEAR = 0.75
LOUD_DB = 55.0


class Victim(Agent):
    kind = "victim"

    def __init__(self, world: "World", spec: "VictimSpec", cell):
        super().__init__(world, spec.id, spec.name, cell, spec.languages)
        self.spec = spec
        self.fear = spec.fear
        self.trust = spec.trust_in_police
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
        if self.injured or "sedated" in spec.condition:
            self.speed_factor = INJURED_FACTOR

    @property
    def label(self) -> str:
        if self.handed_over:
            return "handed over"
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

    def officers_burst_in(self, unit_id: str) -> None:
        """Armed officers enter her room shouting: frightening even when they are rescuers."""
        world = self.world
        if self.handed_over:
            return
        self.change_fear(0.1, "forced entry")
        if not self.found:
            self.found = True
            world.emit("victim_found", subject=self.id, by=unit_id, room=world.room_of(self.cell))
        if self.fear >= PANIC_FEAR and self.state != "panicked" and not self.safe:
            if world.streams.chance(f"{self.id}:panic", self.fear - 0.45):
                self.state = "panicked"
                world.emit("victim_panicked", subject=self.id, fear=round(self.fear, 2))

    def spoken_to(self, unit: Agent, *, care: bool = False) -> None:
        """Someone speaks to her. Her own language (or a care officer) calms and builds trust."""
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

    def make_safe(self, unit_id: str) -> None:
        if self.safe or self.hostage_of or self.state == "panicked":
            return
        self.safe = True
        self.with_unit = unit_id
        if self.state != "panicked":
            self.state = "safe"
        self.world.emit("victim_safe", subject=self.id, by=unit_id, room=self.world.room_of(self.cell))
