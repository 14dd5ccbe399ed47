"""What the preview says about a scenario's units, people and places, in words for a slide.

Durations, arrival times, storeys, language and place names, and the number each unit
carries on the plan and in the units list; shared by the plan's labels and the panels
below it (`ui.preview`), so both say the same thing the same way. No drawing here.
"""
from __future__ import annotations

from typing import Optional, Sequence

LANGUAGES = {"th": "Thai", "zh": "Mandarin", "yue": "Cantonese", "en": "English", "vi": "Vietnamese",
             "tl": "Tagalog", "fil": "Filipino", "id": "Indonesian", "ms": "Malay", "km": "Khmer", "lo": "Lao", "tts": "Isan",
             "my": "Burmese", "ne": "Nepali", "ru": "Russian", "uk": "Ukrainian", "ro": "Romanian",
             "bg": "Bulgarian", "es": "Spanish", "pt": "Portuguese", "fr": "French", "ar": "Arabic",
             "hi": "Hindi", "bn": "Bengali", "ur": "Urdu", "ko": "Korean", "ja": "Japanese", "si": "Sinhala",
             "ta": "Tamil", "de": "German", "it": "Italian", "pl": "Polish", "sw": "Swahili", "am": "Amharic",
             "ti": "Tigrinya", "so": "Somali", "fa": "Persian", "tr": "Turkish", "sq": "Albanian"}


def duration(seconds: float) -> str:
    """'45 s', '10 min' or '2.5 min'."""
    if seconds < 120:
        return f"{seconds:g} s"
    minutes = seconds / 60
    return f"{minutes:g} min" if minutes == int(minutes) else f"{minutes:.1f} min"


def arrives_later(unit) -> bool:
    """True for a scenario unit that is not on scene at the start (it comes later or on request)."""
    return unit.on_request or unit.arrives > 0


def arrival_text(unit) -> str:
    """'on scene', 'T+30 s', 'on request' or 'on request, +10 min' for a scenario unit."""
    if unit.on_request:
        return f"on request, +{duration(unit.arrives)}" if unit.arrives else "on request"
    if unit.arrives > 0:
        return f"T+{duration(unit.arrives)}"
    return "on scene"


def storey_text(storey: int) -> str:
    if storey == 0:
        return "ground floor (storey 0)"
    if storey < 0:
        return f"basement level {-storey} (storey {storey})"
    return f"storey {storey}"


def languages(codes: Sequence[str]) -> str:
    """Language codes ('th', 'zh-HK') as names, comma-separated; unknown codes as given."""
    return ", ".join(LANGUAGES.get(code.split("-")[0], code) for code in codes)


def weapon(perpetrator) -> Optional[str]:
    """The perpetrator's weapon ('knife', 'blunt', 'firearm'), or None if unarmed."""
    return perpetrator.armed if perpetrator.armed != "none" else None


def place_name(floor_plan, ident: str) -> str:
    """The name of a room or exit of the floor plan (ids are unique across both); else the id."""
    for place in (*floor_plan.rooms, *floor_plan.exits):
        if place.id == ident:
            return place.name
    return ident


def unit_codes(spec) -> dict[str, str]:
    """Unit id -> the number it carries on the plan: its place in the scenario's list, from 1."""
    return {unit.id: str(i + 1) for i, unit in enumerate(spec.units)}
