"""Plans checked against their scenario: every mistake is reported at its exact line and
column, with the field and what would be valid; a good plan runs."""
from __future__ import annotations

import pytest

from engine_maps import events_of, flat, position
from sim.engine.exercise import Exercise
from sim.format.problems import InputError
from sim.format.scenario import load_plan

ENTRY = {"id": "entry", "at": 5, "prompt": "How in?", "time_allowed": 10, "default": "ram",
         "options": [{"id": "ram", "label": "Ram", "orders": [
             {"unit": "team", "do": "breach", "door": "bedroom_door", "method": "manual_ram"}]},
             {"id": "wait", "label": "Wait", "orders": [{"unit": "team", "do": "hold", "seconds": 10}]}]}


@pytest.fixture(scope="module")
def scenario():
    return flat(decisions=[ENTRY], bedroom_door={"locked": True})


def problems(scenario, text: str, name: str = "plan.yaml"):
    with pytest.raises(InputError) as info:
        load_plan(name, scenario, text=text)
    return info.value.problems


def only(found):
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def test_unknown_unit_is_reported_at_the_unit_name(scenario):
    text = ("name: Bad plan\n"
            "orders:\n"
            "  - {unit: team, do: move, to: hall}\n"
            "  - {unit: ghost_team, do: move, to: hall}\n")
    p = only(problems(scenario, text))
    assert (p.file, p.line, p.column) == ("plan.yaml", *position(text, "ghost_team"))
    assert (p.line, p.column) == (4, 12)
    assert p.field == "orders[1].unit"
    assert "unknown unit 'ghost_team'" in p.message and "team" in p.message


def test_unknown_verb_is_reported_at_the_verb(scenario):
    text = ("name: Bad plan\n"
            "orders:\n"
            "  - unit: team\n"
            "    do: fly\n"
            "    to: hall\n")
    p = only(problems(scenario, text))
    assert (p.line, p.column) == position(text, "fly") == (4, 9)
    assert p.field == "orders[0].do"
    assert "'fly'" in p.message and "move" in p.message and "breach" in p.message


def test_wrong_door_id_is_reported_at_the_id_with_a_suggestion(scenario):
    text = ("name: Bad plan\n"
            "orders:\n"
            "  - {unit: team, do: stack, door: bedroom_door}\n"
            "  - {unit: team, do: breach, door: bedrom_door, method: manual_ram}\n")
    p = only(problems(scenario, text))
    assert (p.line, p.column) == position(text, "bedrom_door") == (4, 36)
    assert p.field == "orders[1].door"
    assert "unknown door 'bedrom_door'" in p.message
    assert "did you mean 'bedroom_door'" in p.message


def test_room_where_a_door_is_needed_is_reported(scenario):
    text = "orders:\n  - {unit: team, do: breach, door: bedroom, method: manual_ram}\n"
    p = only(problems(scenario, text))
    assert (p.line, p.column) == position(text, "bedroom")
    assert "'bedroom' is a room, but a door is needed" in p.message


def test_error_message_names_file_line_column_and_field(scenario):
    text = "name: Bad\norders:\n  - {unit: team, do: clear, room: kitchen}\n"
    with pytest.raises(InputError) as info:
        load_plan("plans/bad.yaml", scenario, text=text)
    line, column = position(text, "kitchen")
    assert str(info.value).startswith(f"plans/bad.yaml:{line}:{column}: orders[0].room: unknown room 'kitchen'")


def test_several_mistakes_are_all_reported_in_file_order(scenario):
    text = ("name: Bad plan\n"
            "orders:\n"
            "  - {unit: ghost, do: move, to: hall}\n"
            "  - {unit: team, do: move, to: nowhere}\n"
            "  - {unit: team, do: clear, room: bedroom, when: door_open bedroom_dor}\n"
            "  - {unit: team, do: breach, door: bedroom_door, method: halligan}\n"
            "decisions:\n"
            "  entry: smash\n"
            "  exit: ram\n")
    found = problems(scenario, text)
    where = [(p.line, p.column, p.field) for p in found]
    assert where == [
        (*position(text, "ghost"), "orders[0].unit"),
        (*position(text, "nowhere"), "orders[1].to"),
        (*position(text, "door_open bedroom_dor"), "orders[2].when"),
        (*position(text, "halligan"), "orders[3].method"),
        (*position(text, "smash"), "decisions.entry"),
        (*position(text, "exit:"), "decisions.exit"),
    ]
    messages = [p.message for p in found]
    assert "has no halligan" in messages[3]
    assert "no option 'smash'" in messages[4] and "ram" in messages[4]
    assert "unknown decision 'exit'" in messages[5]


def test_plan_wrapped_in_a_plan_key_is_located_inside_it(scenario):
    text = ("plan:\n"
            "  name: Wrapped\n"
            "  orders:\n"
            "    - {unit: team, do: move, to: hall, on: exploded}\n")
    p = only(problems(scenario, text))
    assert (p.line, p.column) == position(text, "exploded")
    assert p.field == "plan.orders[0].on"
    assert "unknown event 'exploded'" in p.message


def test_missing_and_unknown_fields_are_located(scenario):
    text = ("orders:\n"
            "  - {unit: team, do: move}\n"
            "  - {unit: team, do: move, to: hall, speed: 3}\n")
    found = problems(scenario, text)
    assert [(p.line, p.column, p.field) for p in found] == [
        (*position(text, "{unit: team, do: move}"), "orders[0].to"),
        (*position(text, "speed"), "orders[1].speed"),
    ]
    assert "required field 'to' is missing" in found[0].message
    assert "unknown field 'speed'" in found[1].message


def test_structural_and_reference_mistakes_are_reported_together(scenario):
    text = ("orders:\n"
            "  - {unit: ghost, do: move, to: hall}\n"
            "  - {unit: team, do: move}\n")
    found = problems(scenario, text)
    assert {p.field for p in found} == {"orders[0].unit", "orders[1].to"}


def test_good_plan_loads_and_runs(scenario):
    text = ("name: Careful\n"
            "description: Stack, ram, clear.\n"
            "orders:\n"
            "  - {unit: team, do: stack, door: bedroom_door}\n"
            "  - {unit: team, do: clear, room: bedroom, when: door_open bedroom_door}\n"
            "decisions:\n"
            "  entry: ram\n")
    plan = load_plan("plan.yaml", scenario, text=text)
    assert plan.name == "Careful" and plan.decisions == {"entry": "ram"}
    ex = Exercise(scenario, 0, plan)
    ex.run_to_end()
    assert events_of(ex, "room_cleared", subject="bedroom")
    assert [e["how"] for e in events_of(ex, "decision_made")] == ["planned"]
