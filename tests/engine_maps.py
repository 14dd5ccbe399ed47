"""Small scenarios built inside engine tests: a map and its people, as scenario YAML text.

    text = scenario_yaml(map_rows=[...], legend={...}, rooms=[...], exits=[...], units=[...])
    scenario = load_text(text)

Every section the format requires gets a harmless default (one agency, a briefing, a
scoring block whose weights add up to 1, an empty doctrine plan), so a test spells out
only what its behaviour depends on. The text goes through the ordinary loader
(`sim.format.scenario.load(..., text=...)`), so these maps are checked like a trainer's file.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sim.format import floorplan  # noqa: E402 
from sim.engine.exercise import Exercise  # noqa: E402
from sim.format.scenario import Scenario, load  # noqa: E402

SCENARIO_DIR = ROOT / "scenarios"
SHIPPED = sorted(SCENARIO_DIR.glob("*.yaml"))


class _Block(str):
    """A string written as a YAML literal block (the map)."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Block, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", str(s), style="|"))


def police_unit(ident: str = "team", *, at: str = "street", size: int = 1,
                languages: Iterable[str] = ("en",), kind: str = "entry_team",
                skills: Iterable[str] = ("breach", "arrest", "search", "interview"),
                equipment: Iterable[str] = ("manual_ram",), **extra: Any) -> dict:
    unit = {"id": ident, "name": ident.replace("_", " ").title(), "agency": "police", "kind": kind,
            "size": size, "languages": list(languages), "skills": list(skills),
            "equipment": list(equipment), "at": at, "arrives": 0}
    unit.update(extra)
    return unit


def scenario_yaml(*, map_rows: Iterable[str], legend: dict[str, str], rooms: list[dict],
                  exits: list[dict], units: list[dict], doors: Iterable[dict] = (),
                  windows: Iterable[dict] = (), victims: Iterable[dict] = (),
                  perpetrators: Iterable[dict] = (), evidence: Iterable[dict] = (),
                  injects: Iterable[dict] = (), decisions: Iterable[dict] = (),
                  plan_orders: Iterable[dict] = (), plan_decisions: Optional[dict] = None,
                  ident: str = "test_map", cell_size: float = 0.5,
                  agencies: Optional[list[dict]] = None) -> str:
    """The text of a complete scenario around the given map and people."""
    doc: dict[str, Any] = {
        "format": 1,
        "id": ident,
        "title": "Engine test map",
        "summary": "A map made for one engine test.",
        "estimated_minutes": 5,
        "difficulty": "introductory",
        "briefing": {"situation": "A test.", "objectives": ["Pass the test."]},
        "floor_plan": {
            "cell_size": cell_size,
            "legend": dict(legend),
            "map": _Block("\n".join(map_rows) + "\n"),
            "rooms": list(rooms),
            "doors": list(doors),
            "windows": list(windows),
            "exits": list(exits),
        },
        "agencies": agencies or [{"id": "police", "name": "City police", "country": "Nowhere"}],
        "lead_agency": (agencies or [{"id": "police"}])[0]["id"],
        "victims": list(victims),
        "perpetrators": list(perpetrators),
        "evidence": list(evidence),
        "units": list(units),
        "injects": list(injects),
        "decisions": list(decisions),
        "scoring": {"capabilities": [{"id": "safety", "name": "Safety",
                                      "metrics": {"victims_safe": {"weight": 0.5},
                                                  "perpetrators_arrested": {"weight": 0.5}}}]},
        "doctrine_plan": {"name": "Test plan", "orders": list(plan_orders),
                          "decisions": dict(plan_decisions or {})},
    }
    for section in ("doors", "windows"):
        if not doc["floor_plan"][section]:
            del doc["floor_plan"][section]
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, width=4096, allow_unicode=True)


def load_text(text: str, name: str = "test.yaml") -> Scenario:
    return load(name, text=text)


def build(**kw: Any) -> Scenario:
    return load_text(scenario_yaml(**kw))


# -- driving an exercise ---------------------------------------------------------------

def run_until(exercise: Exercise, done: Callable[[Exercise], bool], *, limit: float = 900.0,
              step: float = 1.0) -> bool:
    """Advance in `step`-second slices until `done(exercise)` or the exercise ends or `limit`."""
    while not done(exercise) and not exercise.finished and exercise.now < limit:
        before = exercise.now
        exercise.advance(step)
        if exercise.now == before and exercise.clock_stopped:
            break
    return done(exercise)


def has_event(kind: str, subject: Optional[str] = None) -> Callable[[Exercise], bool]:
    return lambda ex: any(e["kind"] == kind and (subject is None or e.get("subject") == subject)
                          for e in ex.events)


def events_of(exercise_or_events, *kinds: str, subject: Optional[str] = None) -> list[dict]:
    events = exercise_or_events.events if hasattr(exercise_or_events, "events") else exercise_or_events
    return [e for e in events if e["kind"] in kinds and (subject is None or e.get("subject") == subject)]


def first_time(exercise_or_events, kind: str, subject: Optional[str] = None) -> Optional[float]:
    found = events_of(exercise_or_events, kind, subject=subject)
    return found[0]["t"] if found else None


STANDING_KINDS = {floorplan.FLOOR, floorplan.DOOR, floorplan.EXIT, floorplan.WINDOW}
"""Cells a person may occupy: floor, a doorway, an exit, and a window (a cordon stands
at a window it covers from outside; a fleeing perpetrator climbs out of one)."""


def position(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based (line, column) of the `occurrence`-th appearance of `needle` in `text`."""
    start = -1
    for _ in range(occurrence):
        start = text.find(needle, start + 1)
        assert start >= 0, f"{needle!r} (occurrence {occurrence}) is not in the text"
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column


# -- a small flat shared by several tests ----------------------------------------------
# Two rooms off a hall; the street exit is at the hall's east end. The bedroom window
# opens onto a ledge (an escape route); the back room's window has a grille.
FLAT_ROWS = (
    "~~~~~~~~~~~~~~~",
    "~###w#####y###~",
    "~#bbbbb#kkkkk#~",
    "~#bbbbb#kkkkk#~",
    "~#bbbbb#kkkkk#~",
    "~###d#####e###~",
    "~#hhhhhhhhhhhE~",
    "~#hhhhhhhhhhh#~",
    "~#############~",
    "~~~~~~~~~~~~~~~",
)
FLAT_LEGEND = {"~": "outside", "#": "wall", "E": "street", "h": "hall", "b": "bedroom",
               "k": "back_room", "d": "bedroom_door", "e": "back_door",
               "w": "bedroom_window", "y": "back_window"}
FLAT_ROOMS = [{"id": "hall", "name": "Hall", "kind": "corridor"},
              {"id": "bedroom", "name": "Bedroom", "kind": "bedroom"},
              {"id": "back_room", "name": "Back room", "kind": "room"}]
FLAT_EXITS = [{"id": "street", "name": "Street", "kind": "street"}]
FLAT_WINDOW_CELL = (1, 4)  # bedroom_window as (row, column)


def flat_yaml(*, bedroom_door: Optional[dict] = None, back_door: Optional[dict] = None,
              bedroom_window: Optional[dict] = None, **kw: Any) -> str:
    doors = [{"id": "bedroom_door", "name": "Bedroom door", "kind": "wooden", **(bedroom_door or {})},
             {"id": "back_door", "name": "Back-room door", "kind": "wooden", **(back_door or {})}]
    windows = [{"id": "bedroom_window", "name": "Bedroom window", "escape": "ledge", **(bedroom_window or {})},
               {"id": "back_window", "name": "Back window", "grille": True}]
    kw.setdefault("units", [police_unit()])
    return scenario_yaml(map_rows=FLAT_ROWS, legend=FLAT_LEGEND, rooms=FLAT_ROOMS, exits=FLAT_EXITS,
                         doors=doors, windows=windows, **kw)


def flat(**kw: Any) -> Scenario:
    return load_text(flat_yaml(**kw))


# -- a busier flat for property-based tests ----------------------------------------------
VICTIMS = ("mai", "lin")
PERPETRATORS = ("guard", "boss")


def crowded_flat_yaml(**kw: Any) -> str:
    """Two women, a knife-armed guard who may flee, seize a victim or barricade, a lookout
    who may destroy evidence, two items and two units (one speaks Thai)."""
    kw.setdefault("bedroom_door", {"locked": True})
    return flat_yaml(
        victims=[{"id": "mai", "name": "Mai", "at": "bedroom", "languages": ["th"], "nationality": "Thai",
                  "fear": 0.85, "trust_in_police": 0.2, "condition": ["injured"]},
                 {"id": "lin", "name": "Lin", "at": "back_room", "languages": ["zh", "en"],
                  "nationality": "Chinese", "fear": 0.5}],
        perpetrators=[{"id": "guard", "name": "Guard", "role": "guard", "at": "bedroom", "armed": "knife",
                       "vigilance": 0.8, "flee_via": ["bedroom_window", "street"],
                       "alert_reaction": {"flee": 0.2, "barricade": 0.15, "take_hostage": 0.2,
                                          "move_victim": 0.15, "resist": 0.15, "surrender": 0.15}},
                      {"id": "boss", "name": "Boss", "role": "lookout", "at": "back_room", "vigilance": 0.5,
                       "flee_via": ["street"],
                       "alert_reaction": {"flee": 0.3, "destroy_evidence": 0.4, "take_hostage": 0.1,
                                          "surrender": 0.2}}],
        evidence=[{"id": "ledger", "name": "Ledger", "kind": "ledger", "at": "back_room", "destroy_seconds": 20},
                  {"id": "phone", "name": "Phone", "kind": "phone", "at": "bedroom", "destroy_seconds": 15}],
        units=[police_unit("team", size=4, skills=["breach", "arrest", "search", "first_aid", "interview"],
                           equipment=["manual_ram", "halligan", "shields"]),
               police_unit("liaison", languages=["th", "en"], kind="liaison_officer",
                           skills=["interview", "negotiation", "victim_support"], equipment=[], arrives=15)],
        injects=[{"id": "noise", "at": 40, "message": "A neighbour shouts.", "effects": [{"alert": "boss"}]}],
        **kw)


# Every verb, with targets valid on the flat (for random trainee orders).
ORDERS = [
    dict(do="move", to="hall"), dict(do="move", to="bedroom"), dict(do="move", to="back_room"),
    dict(do="move", to="street"), dict(do="stack", door="bedroom_door"), dict(do="stack", door="back_door"),
    dict(do="breach", door="bedroom_door", method="manual_ram"),
    dict(do="breach", door="bedroom_door", method="halligan"),
    dict(do="breach", door="back_door", method="manual_ram"),
    dict(do="clear", room="bedroom"), dict(do="clear", room="back_room"), dict(do="clear", room="hall"),
    dict(do="cordon", target="bedroom_window"), dict(do="cordon", target="street"),
    dict(do="cordon", target="back_door"), dict(do="hold", seconds=10.0), dict(do="hold"),
    dict(do="negotiate", target="bedroom"), dict(do="negotiate", target="back_door"),
    dict(do="arrest", target="guard"), dict(do="arrest", target="boss"), dict(do="arrest", target="bedroom"),
    dict(do="secure_evidence", target="ledger"), dict(do="secure_evidence", target="bedroom"),
    dict(do="escort", victim="mai", to="street"), dict(do="escort", victim="lin", to="hall"),
    dict(do="interview", victim="mai"), dict(do="interview", victim="lin"),
    dict(do="treat", victim="mai"), dict(do="hand_over", victim="lin", to="liaison"),
]
