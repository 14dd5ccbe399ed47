"""Names shared by the scenario format and the engine: metrics, capabilities, kinds.

Kept in one small module so the scenario checks, the JSON Schema, the engine and the
trainers' reference all read the same list.
"""
from __future__ import annotations

# metric name -> (unit, what it measures; every metric is scored on 0..1, 1 best)
METRICS: dict[str, tuple[str, str]] = {
    "victims_safe": ("fraction", "victims safe (under police protection, away from perpetrators) at the end"),
    "victims_unharmed": ("fraction", "victims neither injured during the operation nor taken hostage"),
    "victims_identified": ("fraction", "victims identified as victims (not treated as offenders)"),
    "own_language_contact": ("fraction", "victims spoken to in their own language within the target time"),
    "time_to_first_contact": ("seconds", "mean time until a unit reaches each victim; 1 at or under target"),
    "time_to_safety": ("seconds", "time until every victim is safe; 1 at or under target, 0 at 3x target"),
    "medical_check": ("fraction", "victims given a medical check"),
    "handover": ("fraction", "victims handed over to consular, victim-care or liaison staff"),
    "perpetrators_arrested": ("fraction", "perpetrators arrested (not escaped)"),
    "evidence_secured": ("fraction", "evidence items secured before destruction"),
    "officer_safety": ("injuries", "officers not injured: 1 - 0.5 per officer injured"),
    "proportionate_force": ("fraction", "force proportionate to the threat (no needless forced entry or force on victims)"),
    "coordination": ("seconds", "time lost to inter-agency coordination; 1 at or under target"),
    "information_latency": ("seconds", "joint runs: mean time from a first sighting until each seat that needed it knew; 1 at or under target"),
    "informed_decisions": ("fraction", "joint runs: decisions taken while no other seat held something the deciding seat needed"),
    "channel_choice": ("fraction", "joint runs: messages sent by the fastest channel open at the time"),
}

# Metrics that compare against a target time, in seconds.
TIMED_METRICS = {"time_to_first_contact", "time_to_safety", "own_language_contact", "coordination",
                 "information_latency"}

CAPABILITY_SUGGESTIONS = ("victim_safety", "victim_care", "apprehension", "evidence",
                          "officer_safety", "coordination")

RATINGS = {
    "P": "Performed without challenges",
    "S": "Performed with some challenges",
    "M": "Performed with major challenges",
    "U": "Unable to be performed",
}

UNIT_KINDS = {
    "entry_team": "tactical entry team (e.g. an emergency unit)",
    "perimeter": "uniformed officers who cordon exits, windows and the street",
    "negotiator": "crisis negotiator",
    "detectives": "investigators (organised crime, anti-trafficking); arrests and evidence",
    "liaison_officer": "liaison officer of a foreign police force; often speaks the victims' language",
    "interpreter": "interpreter",
    "consular_officer": "consular officer of the victims' country",
    "medic": "paramedic or medical officer",
    "victim_care": "victim-care officer or NGO case worker",
    "command": "incident commander and staff",
}

# Language codes used in the shipped scenarios, for messages a person reads.
LANGUAGE_NAMES = {
    "th": "Thai", "zh": "Mandarin", "yue": "Cantonese", "en": "English", "vi": "Vietnamese",
    "tl": "Tagalog", "id": "Indonesian", "km": "Khmer", "lo": "Lao", "my": "Burmese",
    "ru": "Russian", "uk": "Ukrainian", "es": "Spanish", "pt": "Portuguese", "fr": "French",
    "ko": "Korean", "ja": "Japanese", "hi": "Hindi", "ne": "Nepali", "bn": "Bengali",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)
