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

import math
from typing import TYPE_CHECKING, Optional

from sim.engine.challenge import victim_behaviour
from . import fright
from .base import INJURED_FACTOR, Agent
from .facts import clock, noisy_or

if TYPE_CHECKING:
    from sim.format.spec import Victim as VictimSpec
    from sim.engine.world import World

PANIC_FEAR = 0.75
WITH_THE_TEAM_M = 6.0
_LOCKED_IN: dict = {}  # (scenario, room) -> whether a locked door leads into it  # someone this close behind the officers coming in speaks to her too
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
        self.found_by: Optional[str] = None
        self.safe = False
        self.identified = False
        self.offender = False
        self.treated = False
        self.handed_over = False
        self.hostage_of: Optional[str] = None
        self.with_unit: Optional[str] = None
        self.moved_away = False
        self.handcuffed: Optional[tuple[str, float]] = None  # (unit, time) of a hard entry's handcuffs
        self.shouted: list[tuple[str, float]] = []  # who shouted at her, when
        self.first_spoken: Optional[tuple[str, float, Optional[str]]] = None  # (unit, time, her language or None)
        self.interviewed = False
        self.locked_in = self.restrained or self._behind_locked_door(cell)
        self.causes = world.scenario.spec.causes
        self.speed_factor = min([SLOW_CONDITIONS[c] for c in spec.condition if c in SLOW_CONDITIONS] or [1.0])

    def _behind_locked_door(self, cell) -> bool:
        world = self.world
        room = world.room_of(cell)
        if room is None:
            return False
        key = (world.scenario.sha256, room)
        found = _LOCKED_IN.get(key)
        if found is None:
            locked = {d.id for d in world.scenario.spec.floor_plan.doors if d.locked}
            found = _LOCKED_IN[key] = bool(locked & world.grid.neighbours_of(room))
        return found

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

    def officers_burst_in(self, unit_id: str, approach: str = "dynamic", unit: Optional[Agent] = None) -> None:
        """Armed officers enter her room: frightening even when they are rescuers, the more so
        the harder they come in; less so if they tell her in her own language who they are
        (the unit speaks it, or a unit with her does)."""
        world = self.world
        if self.handed_over or self.fled or self.on_ledge:
            return
        harm = self.causes.victim_harm
        self.change_fear(getattr(harm.entry_fear, approach), "officers came in")
        if unit is not None and not self.hidden and self._told_in_language(unit):
            self.change_fear(-harm.told_in_language, "told in her language who the officers are")
        if self.hidden:
            return  # hiding: they have not seen her
        fright.frightened(self, "officers burst in", seen=True)
        if self.state == "fleeing":
            return
        if not self.found:
            self.found = True
            self.found_by = unit_id
            world.emit("victim_found", subject=self.id, by=unit_id, room=world.room_of(self.cell))
        if self.fear >= PANIC_FEAR and self.state != "panicked" and not self.safe:
            if world.streams.chance(f"{self.id}:panic", self.fear - 0.45):
                self.state = "panicked"
                world.emit("victim_panicked", subject=self.id, fear=round(self.fear, 2), by=unit_id,
                           approach=approach)

    def _told_in_language(self, unit: Agent) -> bool:
        """Whether someone who speaks her language comes in with the officers: the unit itself, a
        unit already in her room, or one right behind it (within 6 m, in sight)."""
        if self.shares_language(unit):
            return True
        world = self.world
        room = world.room_of(self.cell)
        for other in world.people("unit"):
            if other is unit or not other.present or other.outside_at is not None or not self.shares_language(other):
                continue
            if room is not None and world.room_of(other.cell) == room:
                return True
            close = math.hypot(other.cell[0] - unit.cell[0], other.cell[1] - unit.cell[1]) * world.grid.cell_size
            if close <= WITH_THE_TEAM_M and world.can_see(other.cell, unit.cell):
                return True
        return False

    def handcuff(self, unit_id: str) -> None:
        if self.handcuffed is None:
            self.handcuffed = (unit_id, self.world.now)

    def shouted_at(self, unit_id: str) -> None:
        self.shouted.append((unit_id, self.world.now))

    def speaker_on_scene(self) -> Optional[tuple[str, float]]:
        """The first unit on scene that speaks a language of hers (or interprets one), and when it arrived."""
        best = None
        for unit in self.world.people("unit"):
            arrived = getattr(unit, "arrived_at", None)
            if arrived is not None and self.shares_language(unit) and (best is None or arrived < best[1]):
                best = (unit.id, arrived)
        return best

    def offender_causes(self, *, shared: bool, coached_story: bool) -> dict[str, float]:
        """What makes officers take her for an offender, each with its strength."""
        off = self.causes.offender
        found: dict[str, float] = {}
        if not shared:
            found["no shared language"] = off.no_language
            if coached_story:
                found["she told the story she was coached to tell"] = off.coached
        elif coached_story:
            found["her coached false identity was believed"] = off.coached_believed
        if self.handcuffed is not None:
            found[f"handcuffed by {self.handcuffed[0]} at T+{clock(self.handcuffed[1])}"] = off.handcuffed
        if self.shouted:
            found[f"shouted at {len(self.shouted)} time{'s' if len(self.shouted) > 1 else ''}"] = \
                noisy_or([off.shouted] * len(self.shouted))
        if self.first_spoken is not None and self.first_spoken[2] is None:
            who, when, _ = self.first_spoken
            found[f"first spoken to by {who} at T+{clock(when)} in a language she does not speak"] = off.first_words
        return found

    def treated_as_offender(self, by: str, causes: dict[str, float], **facts) -> None:
        world = self.world
        self.offender = True
        speaker = self.speaker_on_scene()
        words = "; ".join(causes)
        if speaker is not None:
            words += f"; a speaker of her language ({speaker[0]}) was on scene from T+{clock(speaker[1])}"
        else:
            words += "; nobody on scene spoke her language"
        world.emit("victim_treated_as_offender", subject=self.id, by=by, causes=list(causes),
                   speaker=speaker[0] if speaker else None, speaker_at=round(speaker[1], 3) if speaker else None,
                   handcuffed_at=round(self.handcuffed[1], 3) if self.handcuffed else None,
                   shouted=len(self.shouted), cause=words, **facts)

    def at_the_end(self) -> None:
        """A woman found but never screened is processed with the others: in handcuffs as a
        suspect (`offender.handcuffed`), or, never spoken with in an interview nor handed over
        for care, as an illegal worker (`offender.unscreened`)."""
        if self.interviewed or self.identified or self.offender or not self.present or not self.found:
            return
        off = self.causes.offender
        if self.handcuffed is not None:
            chance = off.handcuffed * (1 - self.trust)
            if self.world.streams.chance(f"{self.id}:never_screened", chance):
                self.treated_as_offender(self.handcuffed[0], {f"handcuffed by {self.handcuffed[0]} at "
                                                              f"T+{clock(self.handcuffed[1])} and never screened in an "
                                                              "interview": chance})
            return
        if self.handed_over:
            return  # in the care of those who will screen her
        chance = off.unscreened * (1 - self.trust)
        if self.world.streams.chance(f"{self.id}:unscreened", chance):
            self.treated_as_offender(self.found_by or "the police", {
                f"found by {self.found_by or 'the police'} and never screened in an interview nor handed over "
                "for care": chance})

    def spoken_to(self, unit: Agent, *, care: bool = False) -> None:
        """Someone speaks to her. Her own language, a female officer or victim care calm her
        and build trust."""
        spec = getattr(unit, "spec", None)
        care = care or (spec is not None and "victim_support" in spec.skills)
        if self.first_spoken is None:
            shared = next((lang for lang in self.languages if lang in unit.languages), None)
            self.first_spoken = (unit.id, self.world.now, shared)
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
