"""The small trigger vocabulary of scenarios and plans (never Python).

    at: 120                          # seconds into the exercise
    on: breach_started front_gate    # the first time this event happens (optionally to this thing)
    when: all_victims_safe           # as soon as this condition holds

A trigger text is a name and at most one argument: the id of the thing it is about.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

# Events: name -> (what the argument names, or None if it takes none; description)
EVENTS: dict[str, tuple[Optional[tuple[str, ...]], str]] = {
    "exercise_started": (None, "the operation begins (time 0)"),
    "unit_arrived": (("unit",), "a unit reaches the scene"),
    "unit_in_position": (("unit",), "a unit has finished moving or stacking"),
    "breach_started": (("door",), "a unit starts to open or force a door"),
    "door_opened": (("door",), "a door or gate is open (by key, by force or from inside)"),
    "room_entered": (("room",), "a unit enters a room"),
    "room_cleared": (("room",), "a room has been searched and cleared"),
    "noise": (("room",), "a loud noise (breaching, shouting) is made"),
    "loud_noise": (("room", "door"), "a noise of 75 dB or more (forcing a door, a knock and 'Police!', shouting) is "
                                     "made there; a key, a ruse or a level voice is not"),
    "perpetrator_alerted": (("perpetrator",), "a perpetrator realises the police are there"),
    "perpetrator_seen": (("perpetrator",), "a unit sees a perpetrator"),
    "perpetrator_fled": (("perpetrator",), "a perpetrator escapes the plan"),
    "perpetrator_arrested": (("perpetrator",), "a perpetrator is arrested"),
    "barricade_built": (("door",), "a perpetrator barricades a door"),
    "hostage_taken": (("victim",), "a perpetrator takes a victim hostage"),
    "victim_moved_away": (("victim",), "a victim is taken away to another place before police reach her"),
    "victim_found": (("victim",), "a unit first sees a victim"),
    "victim_safe": (("victim",), "a victim is under police protection, away from perpetrators"),
    "victim_identified": (("victim",), "a victim is identified as a victim in an interview"),
    "victim_treated": (("victim",), "a victim has had a medical check"),
    "victim_handed_over": (("victim",), "a victim is handed over for care"),
    "evidence_destruction_started": (("evidence",), "a perpetrator starts destroying an item"),
    "evidence_destroyed": (("evidence",), "an evidence item is destroyed"),
    "evidence_secured": (("evidence",), "an evidence item is seized"),
    "decision_made": (("decision",), "a decision point is answered"),
    # used mostly by evaluation guides (expected actions), but valid wherever events are
    "spoken_in_language": (("victim",), "a unit speaks with a victim in a language she speaks"),
    "interview_done": (("victim",), "a unit has interviewed a victim"),
    "victim_calmed": (("victim",), "a victim's fear eases"),
    "victim_injured": (("victim",), "a victim is hurt during the operation"),
    "victim_treated_as_offender": (("victim",), "a victim is treated as an offender"),
    "cordon_set": (("exit", "window", "door"), "a unit cordons an escape route"),
    "officer_injured": (("unit",), "an officer of this unit is injured"),
    "inject": (("inject",), "an inject is delivered"),
}

# Conditions: name -> (argument kinds or None, description). Checked after every event.
CONDITIONS: dict[str, tuple[Optional[tuple[str, ...]], str]] = {
    "perpetrator_alerted": (("perpetrator",), "this perpetrator (or, without an id, any) is alerted"),
    "door_open": (("door",), "the door is open"),
    "room_cleared": (("room",), "the room has been cleared"),
    "unit_arrived": (("unit",), "the unit is on scene"),
    "unit_idle": (("unit",), "the unit has no order left to carry out"),
    "victim_found": (("victim",), "this victim (or any) has been seen by a unit"),
    "victim_safe": (("victim",), "this victim (or any) is safe"),
    "victim_identified": (("victim",), "this victim (or any) has been identified as a victim"),
    "victim_treated": (("victim",), "this victim (or any) has had a medical check"),
    "all_victims_safe": (None, "every victim is safe"),
    "all_perpetrators_controlled": (None, "every perpetrator is arrested or gone"),
    "evidence_secured": (("evidence",), "this item (or any) is secured"),
}

ARGUMENT_OPTIONAL = {"perpetrator_alerted", "victim_found", "victim_safe", "evidence_secured",
                     "victim_treated", "perpetrator_arrested", "perpetrator_fled",
                     "perpetrator_seen", "breach_started", "door_opened", "noise", "loud_noise",
                     "victim_moved_away",
                     "victim_identified", "victim_handed_over", "hostage_taken", "unit_arrived",
                     "evidence_destroyed", "evidence_secured", "evidence_destruction_started",
                     "room_entered", "room_cleared", "barricade_built", "decision_made",
                     "spoken_in_language", "interview_done", "victim_calmed", "victim_injured",
                     "victim_treated_as_offender", "cordon_set", "officer_injured", "inject"}


@dataclass(frozen=True)
class Trigger:
    kind: str  # "at", "on" or "when"
    name: str  # the event or condition name ("" for at)
    argument: Optional[str] = None
    seconds: float = 0.0

    def __str__(self) -> str:
        if self.kind == "at":
            return f"at {self.seconds:g} s"
        return f"{self.kind} {self.name}" + (f" {self.argument}" if self.argument else "")


class TriggerSyntaxError(ValueError):
    pass


def parse(kind: str, text: str) -> Trigger:
    """Parse the text of an `on:` or `when:` trigger; raises TriggerSyntaxError."""
    from .problems import did_you_mean, one_of

    table = EVENTS if kind == "on" else CONDITIONS
    words = str(text).split()
    if not words or len(words) > 2:
        raise TriggerSyntaxError(f"write a name and at most one id, e.g. "
                                 f"'{'breach_started front_door' if kind == 'on' else 'door_open front_door'}'")
    name, argument = words[0], (words[1] if len(words) == 2 else None)
    if name not in table:
        raise TriggerSyntaxError(f"unknown {'event' if kind == 'on' else 'condition'} '{name}'"
                                 f"{did_you_mean(name, table)}; {one_of(table, 30)}")
    kinds = table[name][0]
    if argument is not None and kinds is None:
        raise TriggerSyntaxError(f"'{name}' takes no id")
    if argument is None and kinds is not None and name not in ARGUMENT_OPTIONAL:
        raise TriggerSyntaxError(f"'{name}' needs the id of a {' or '.join(kinds)}")
    return Trigger(kind, name, argument)


def argument_kinds(trigger: Trigger) -> tuple[str, ...]:
    table = EVENTS if trigger.kind == "on" else CONDITIONS
    return table.get(trigger.name, (None, ""))[0] or ()
