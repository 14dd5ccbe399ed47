"""Every class of scenario mistake gives a message at the exact file position and field.

Each test edits the minimal scenario from conftest.py, loads it, and checks the line,
column, field path and the key words of the message. Most tests also check that the
one mistake gives exactly one message (no cascade of follow-on complaints).
"""
from __future__ import annotations

import pytest

from conftest import MAP_ROWS, position, problems_of, scenario_text
from sim.format.problems import InputError, Problem
from sim.format.scenario import load


def single(text: str) -> Problem:
    """The one problem reported for `text` (fails if there are none or several)."""
    problems = problems_of(text)
    assert len(problems) == 1, "expected one problem, got:\n" + "\n".join(map(str, problems))
    return problems[0]


def find(problems: list[Problem], field: str, words: str) -> Problem:
    hits = [p for p in problems if p.field == field and words in p.message]
    assert len(hits) == 1, f"no single {field!r} problem with {words!r} in:\n" + \
        "\n".join(map(str, problems))
    return hits[0]


def at(problem: Problem) -> tuple[int, int]:
    return problem.line, problem.column


def test_the_minimal_scenario_is_valid():
    scenario = load("mini.yaml", text=scenario_text())
    assert scenario.id == "mini"
    assert scenario.grid.shape == (8, 8)
    assert [v.id for v in scenario.spec.victims] == ["anna"]


def test_message_format_is_file_line_column_field_message():
    text = scenario_text({"fear: 0.5": "fear: 7"})
    with pytest.raises(InputError) as info:
        load("scenarios/x.yaml", text=text)
    line, column = position(text, "7\n")
    assert str(info.value) == (f"scenarios/x.yaml:{line}:{column}: victims[0].fear: "
                               "must be less than or equal to 1, got 7")


# --- structure: keys, types, ranges -----------------------------------------------------

def test_unknown_key_points_at_the_key_and_suggests_the_right_one():
    text = scenario_text({"fear: 0.5": "fera: 0.5"})
    problem = single(text)
    assert problem.field == "victims[0].fera"
    assert at(problem) == position(text, "fera")
    assert "unknown field 'fera'" in problem.message
    assert "did you mean 'fear'?" in problem.message


def test_unknown_top_level_key():
    text = scenario_text({"lead_agency: police": "lead_agency: police\nvictim: []"})
    problem = single(text)
    assert problem.field == "victim"
    assert at(problem) == position(text, "victim: []")
    assert "did you mean 'victims'?" in problem.message


def test_unknown_key_inside_an_order():
    text = scenario_text({"- {unit: team, do: stack, door: flat_door}":
                          "- {unit: team, do: stack, dor: flat_door}"})
    problems = problems_of(text)
    problem = find(problems, "doctrine_plan.orders[0].dor", "unknown field 'dor'")
    assert at(problem) == position(text, "dor: flat_door")
    assert "did you mean 'door'?" in problem.message


@pytest.mark.parametrize("old, new, field, value, message", [
    ("fear: 0.5", "fear: high", "victims[0].fear", "high", "expected a number, got 'high'"),
    ("size: 4", "size: four", "units[0].size", "four", "expected a whole number, got 'four'"),
    ("size: 4", "size: 4.5", "units[0].size", "4.5", "expected a whole number, got 4.5"),
    ("estimated_minutes: 5", "estimated_minutes: '5'", "estimated_minutes", "'5'",
     "expected a whole number, got '5'"),
    ("cell_size: 0.5", "cell_size: [0.5]", "floor_plan.cell_size", "[0.5]",
     "expected a number, got a list"),
])
def test_wrong_type_is_reported_at_the_value(old, new, field, value, message):
    text = scenario_text({old: new})
    problem = single(text)
    assert problem.field == field
    assert at(problem) == position(text, value)
    assert message in problem.message


def test_wrong_type_in_a_flow_mapping():
    text = scenario_text({"- {id: flat_door, name: Flat door, kind: wooden, locked: true}":
                          "- {id: flat_door, name: Flat door, kind: wooden, locked: yes please}"})
    problem = single(text)
    assert problem.field == "floor_plan.doors[0].locked"
    assert at(problem) == position(text, "yes please")
    assert "expected true or false" in problem.message


def test_a_word_for_a_number_is_not_coerced():
    # strict: "1" (text) is not the number 1, and true is not 1
    text = scenario_text({"format: 1": "format: '1'"})
    problem = single(text)
    assert problem.field == "format"
    assert at(problem) == position(text, "'1'")


@pytest.mark.parametrize("old, new, field, value, message", [
    ("fear: 0.5", "fear: 1.5", "victims[0].fear", "1.5",
     "must be less than or equal to 1, got 1.5"),
    ("fear: 0.5", "fear: -0.1", "victims[0].fear", "-0.1",
     "must be greater than or equal to 0, got -0.1"),
    ("arrives: 0", "arrives: -5", "units[0].arrives", "-5",
     "must be greater than or equal to 0, got -5"),
    ("time_allowed: 30", "time_allowed: 0", "decisions[0].time_allowed", "0\n",
     "must be greater than 0, got 0"),
    ("cell_size: 0.5", "cell_size: 50", "floor_plan.cell_size", "50",
     "must be less than or equal to 5, got 50"),
    ("size: 4", "size: 0", "units[0].size", "0\n", "must be greater than or equal to 1, got 0"),
])
def test_value_out_of_range(old, new, field, value, message):
    text = scenario_text({old: new})
    problem = single(text)
    assert problem.field == field
    assert at(problem) == position(text, value.rstrip("\n"), after=new)
    assert message in problem.message


def test_probability_in_a_flow_mapping_out_of_range():
    text = scenario_text({"alert_reaction: {surrender: 0.5, resist: 0.5}":
                          "alert_reaction: {surrender: 1.5, resist: 0.5}"})
    problems = problems_of(text)
    problem = find(problems, "perpetrators[0].alert_reaction.surrender", "less than or equal to 1")
    assert at(problem) == position(text, "1.5")


def test_unknown_choice_suggests_the_closest():
    text = scenario_text({"role: guard": "role: gaurd"})
    problem = single(text)
    assert problem.field == "perpetrators[0].role"
    assert at(problem) == position(text, "gaurd")
    assert "'gaurd' is not allowed (did you mean 'guard'?)" in problem.message


def test_required_field_missing_is_reported_at_its_mapping():
    text = scenario_text({"nationality: Nowhere": None})
    problem = single(text)
    assert problem.field == "victims[0].nationality"
    assert at(problem) == position(text, "id: anna")  # the victim it is missing from
    assert "required field 'nationality' is missing" in problem.message


def test_bad_id_text():
    text = scenario_text({"- id: anna": "- id: anna maria"})
    problems = problems_of(text)
    problem = find(problems, "victims[0].id", "is not a valid id")
    assert at(problem) == position(text, "anna maria")


# --- references -----------------------------------------------------------------------

@pytest.mark.parametrize("old, new, field, bad, words", [
    ("- {unit: team, do: clear, room: bedroom, when: door_open flat_door}",
     "- {unit: team, do: clear, room: bedrom, when: door_open flat_door}",
     "doctrine_plan.orders[1].room", "bedrom", "unknown room 'bedrom' (did you mean 'bedroom'?)"),
    ("- {unit: team, do: stack, door: flat_door}", "- {unit: teem, do: stack, door: flat_door}",
     "doctrine_plan.orders[0].unit", "teem", "unknown unit 'teem' (did you mean 'team'?)"),
    ("- {unit: team, do: stack, door: flat_door}", "- {unit: team, do: stack, door: flat_dor}",
     "doctrine_plan.orders[0].door", "flat_dor",
     "unknown door 'flat_dor' (did you mean 'flat_door'?)"),
    ("- {unit: team, do: secure_evidence, target: phone}",
     "- {unit: team, do: secure_evidence, target: phnoe}",
     "doctrine_plan.orders[2].target", "phnoe",
     "unknown evidence or room 'phnoe' (did you mean 'phone'?)"),
    ("- {unit: team, do: stack, door: flat_door}",
     "- {unit: team, do: stack, door: flat_door, on: decision_made entyr}",
     "doctrine_plan.orders[0].on", "decision_made entyr",
     "unknown decision 'entyr' (did you mean 'entry'?)"),
    ("at: bedroom", "at: bedrom", "victims[0].at", "bedrom",
     "unknown room 'bedrom' (did you mean 'bedroom'?)"),
    ("at: street", "at: stret", "units[0].at", "stret",
     "unknown room or exit 'stret' (did you mean 'street'?)"),
    ("agency: police", "agency: polic", "units[0].agency", "polic",
     "unknown agency 'polic' (did you mean 'police'?)"),
    ("lead_agency: police", "lead_agency: polise", "lead_agency", "polise",
     "unknown agency 'polise' (did you mean 'police'?)"),
    ('"D": flat_door', '"D": flat_dor', "floor_plan.legend.D", "flat_dor",
     "(did you mean 'flat_door'?)"),
    ("- {unit: team, do: breach, door: flat_door, method: manual_ram}",
     "- {unit: team, do: breach, door: bedroom, method: manual_ram}",
     "decisions[0].options[0].orders[0].door", "bedroom, method",
     "'bedroom' is a room, but a door is needed here"),
])
def test_unknown_reference_is_located_and_suggests(old, new, field, bad, words):
    text = scenario_text({old: new})
    problems = problems_of(text)
    problem = find(problems, field, words)
    assert at(problem) == position(text, bad, after=new)


def test_unknown_decision_in_plan_choices_points_at_the_key():
    text = scenario_text({"entry: ram": "entyr: ram"})
    problem = single(text)
    assert problem.field == "doctrine_plan.decisions.entyr"
    assert at(problem) == position(text, "entyr")
    assert "unknown decision 'entyr' (did you mean 'entry'?)" in problem.message


def test_unknown_option_in_plan_choices():
    text = scenario_text({"entry: ram": "entry: rma"})
    problem = single(text)
    assert problem.field == "doctrine_plan.decisions.entry"
    assert at(problem) == position(text, "rma", after="entry: rma")
    assert "has no option 'rma' (did you mean 'ram'?)" in problem.message


def test_mistake_in_one_unit_does_not_make_every_reference_to_it_unknown():
    # the units section fails its structural check; the orders naming 'team' must not
    # each add "unknown unit 'team'" on top of the one real problem
    text = scenario_text({"arrives: 0": "arrives: -5"})
    problem = single(text)
    assert problem.field == "units[0].arrives"


def test_mistake_in_the_floor_plan_does_not_make_every_room_unknown():
    text = scenario_text({"cell_size: 0.5": "cell_size: big"})
    problem = single(text)
    assert problem.field == "floor_plan.cell_size"
    assert at(problem) == position(text, "big")


# --- ids ------------------------------------------------------------------------------

def test_duplicate_id_across_sections_names_the_first_use():
    text = scenario_text({"- {id: phone, name: Phone, kind: phone, at: bedroom}":
                          "- {id: phone, name: Phone, kind: phone, at: bedroom}\n"
                          "- {id: anna, name: Photo of Anna, kind: documents, at: bedroom}"})
    problem = single(text)
    assert problem.field == "evidence[1].id"
    assert at(problem) == position(text, "anna, name: Photo")
    first_line, _ = position(text, "id: anna")
    assert f"id 'anna' is already used (line {first_line})" in problem.message


def test_duplicate_agency_id():
    text = scenario_text({"- {id: police, name: City police, country: Nowhere}":
                          "- {id: police, name: City police, country: Nowhere}\n"
                          "- {id: police, name: Other police, country: Elsewhere}"})
    problem = single(text)
    assert problem.field == "agencies[1].id"
    assert at(problem) == position(text, "police, name: Other")
    assert "id 'police' is already used by agencies[0]" in problem.message


def test_duplicate_option_id():
    text = scenario_text({"- id: knock": "- id: ram"})
    problem = single(text)
    assert problem.field == "decisions[0].options[1].id"
    assert at(problem) == position(text, "ram\n", 2)
    assert "option id 'ram' is used twice" in problem.message


def test_duplicate_key_in_a_mapping_is_refused_at_the_second_key():
    text = scenario_text({"fear: 0.5": "fear: 0.5\nfear: 0.7"})
    problem = single(text)
    assert at(problem) == position(text, "fear: 0.7")
    assert "'fear' appears twice" in problem.message


# --- the map --------------------------------------------------------------------------

def map_line(text: str, row: int) -> int:
    """File line of map row `row` (the map is a `|` block, one row per line)."""
    return position(text, "map: |")[0] + 1 + row


MAP_INDENT = 4  # the map rows are indented by four spaces in the minimal scenario


@pytest.mark.parametrize("row, new, column", [
    (3, "~#bbbb#~~", 8),  # one character too many: the first extra one
    (5, "~#hhhh#", 7),  # one too few: just past the end of the row
])
def test_map_rows_of_unequal_length_point_at_the_row(row, new, column):
    rows = list(MAP_ROWS)
    rows[row] = new
    text = scenario_text(map_rows=rows)
    problem = single(text)
    assert problem.field == "floor_plan.map"
    assert at(problem) == (map_line(text, row), MAP_INDENT + column + 1)
    assert f"row {row} is {len(new)} characters long; row 0 is 8" in problem.message


def test_map_character_missing_from_legend_points_at_the_character():
    rows = list(MAP_ROWS)
    rows[6] = "~#hhXhE~"
    text = scenario_text(map_rows=rows)
    problem = single(text)
    assert problem.field == "floor_plan.map"
    assert at(problem) == (map_line(text, 6), MAP_INDENT + 4 + 1)
    assert at(problem) == position(text, "X")
    assert "character 'X' is not in the legend" in problem.message


def test_unknown_map_character_reported_once_at_its_first_use():
    rows = list(MAP_ROWS)
    rows[5] = "~#hhhQ#~"
    rows[6] = "~#QhhhE~"  # the same unknown character again, further down
    text = scenario_text(map_rows=rows)
    problem = single(text)
    assert at(problem) == (map_line(text, 5), MAP_INDENT + 5 + 1)


def test_space_in_the_map_is_named():
    rows = list(MAP_ROWS)
    rows[1] = "~### ##~"
    text = scenario_text(map_rows=rows)
    problem = single(text)
    assert at(problem) == (map_line(text, 1), MAP_INDENT + 4 + 1)
    assert "(a space)" in problem.message


def test_declared_door_not_on_the_map():
    text = scenario_text({"- {id: flat_door, name: Flat door, kind: wooden, locked: true}":
                          "- {id: flat_door, name: Flat door, kind: wooden, locked: true}\n"
                          "- {id: back_door, name: Back door}"})
    problem = single(text)
    assert problem.field == "floor_plan.doors[1].id"
    assert at(problem) == position(text, "back_door")
    assert "door 'back_door' is not on the map: no legend character stands for it" in problem.message


CLOSET_LEGEND = '"b": bedroom\n"c": closet\n"K": closet_door'
CLOSET_ROOMS = "- {id: bedroom, name: Bedroom, kind: bedroom}\n- {id: closet, name: Closet}"


def test_room_with_no_door():
    rows = ["~~~~~~~~~~", "~########~", "~#bbbb#cc~", "~#bbbb####", "~##D######",
            "~#hhhh#~~~", "~#hhhhE~~~", "~######~~~"]
    text = scenario_text({'"b": bedroom': CLOSET_LEGEND.replace('\n"K": closet_door', ""),
                          "- {id: bedroom, name: Bedroom, kind: bedroom}": CLOSET_ROOMS},
                         map_rows=rows)
    problems = problems_of(text)
    problem = find(problems, "floor_plan.rooms[2].id", "room 'closet' has no door")
    assert at(problem) == position(text, "closet, name: Closet")
    # the closet also cannot be reached; nothing else is wrong
    assert {p.field for p in problems} == {"floor_plan.rooms[2].id"}


def test_room_and_victim_that_no_unit_can_reach():
    # the closet has a door, but it opens onto the outside of the building
    rows = ["~~~~~~~K~~", "~######c#~", "~#bbbb#c#~", "~#bbbb###~", "~##D#####~",
            "~#hhhh#~~~", "~#hhhhE~~~", "~######~~~"]
    text = scenario_text({'"b": bedroom': CLOSET_LEGEND,
                          "- {id: bedroom, name: Bedroom, kind: bedroom}": CLOSET_ROOMS,
                          "- {id: flat_door, name: Flat door, kind: wooden, locked: true}":
                          "- {id: flat_door, name: Flat door, kind: wooden, locked: true}\n"
                          "- {id: closet_door, name: Closet door}",
                          "at: bedroom": "at: closet"},
                         map_rows=rows)
    problems = problems_of(text)
    assert len(problems) == 2, "\n".join(map(str, problems))
    room = find(problems, "floor_plan.rooms[2].id", "room 'closet' cannot be reached by any unit")
    assert at(room) == position(text, "closet, name: Closet")
    victim = find(problems, "victims[0].at", "no unit can reach this victim")
    assert at(victim) == position(text, "closet", after="at: closet")


def test_victim_in_a_walled_off_corner_of_a_reachable_room():
    rows = list(MAP_ROWS)
    rows[2] = "~#bb#b#~"
    rows[3] = "~#bb###~"
    text = scenario_text({"at: bedroom": "at: [5, 2]"}, map_rows=rows)
    problem = single(text)
    assert problem.field == "victims[0].at"
    assert at(problem) == position(text, "[5, 2]")
    assert "no unit can reach this victim" in problem.message


def test_diagonal_gap_between_wall_corners_does_not_let_units_through():
    # the pocket at [5, 2] touches the rest of the room only corner to corner
    rows = list(MAP_ROWS)
    rows[2] = "~#bb#b#~"  # the pocket (row 2, column 5) ...
    rows[3] = "~#bbb##~"  # ... and the floor at (3, 4), with wall at (2, 4) and (3, 5)
    text = scenario_text({"at: bedroom": "at: [5, 2]"}, map_rows=rows)
    assert single(text).field == "victims[0].at"


@pytest.mark.parametrize("place, words", [
    ("[1, 1]", "[1, 1] is a wall cell; place people and items on a room's floor"),
    ("[0, 0]", "outside cell; place people"),
    ("[3, 4]", "[3, 4] is a door cell"),
    ("[20, 3]", "[20, 3] is outside the plan, which has columns 0..7 and rows 0..7"),
    ("[3, 8]", "[3, 8] is outside the plan"),
])
def test_victim_placed_in_a_wall_or_outside_the_plan(place, words):
    text = scenario_text({"at: bedroom": f"at: {place}"})
    problem = single(text)
    assert problem.field == "victims[0].at"
    assert at(problem) == position(text, place)
    assert words in problem.message


def test_perpetrator_and_evidence_in_walls():
    text = scenario_text({"at: [3, 2]": "at: [6, 2]",
                          "- {id: phone, name: Phone, kind: phone, at: bedroom}":
                          "- {id: phone, name: Phone, kind: phone, at: [1, 3]}"})
    problems = problems_of(text)
    assert len(problems) == 2
    perp = find(problems, "perpetrators[0].at", "[6, 2] is a wall cell")
    assert at(perp) == position(text, "[6, 2]")
    item = find(problems, "evidence[0].at", "[1, 3] is a wall cell")
    assert at(item) == position(text, "[1, 3]")


def test_negative_cell_coordinates():
    text = scenario_text({"at: bedroom": "at: [-1, 2]"})
    problems = problems_of(text)
    assert any(p.field.startswith("victims[0].at") for p in problems)
    assert all(p.line == position(text, "[-1, 2]")[0] for p in problems)


# --- decisions, scoring, reactions, triggers, orders ----------------------------------

def test_decision_default_not_among_its_options():
    text = scenario_text({"default: ram": "default: rma"})
    problem = single(text)
    assert problem.field == "decisions[0].default"
    assert at(problem) == position(text, "rma", after="default: rma")
    assert "the default 'rma' is not one of this decision's options (did you mean 'ram'?)" \
        in problem.message
    assert "one of: knock, ram" in problem.message


def test_scoring_weights_that_do_not_add_up_to_one():
    text = scenario_text({"perpetrators_arrested: {weight: 0.4}":
                          "perpetrators_arrested: {weight: 0.3}"})
    problem = single(text)
    assert problem.field == "scoring.capabilities"
    assert at(problem) == position(text, "- id: safety")
    assert "the metric weights add up to 0.9; they must add up to 1" in problem.message


def test_unknown_metric_points_at_its_key():
    text = scenario_text({"victims_safe: {weight: 0.6}": "victim_safe: {weight: 0.6}"})
    problem = single(text)
    assert problem.field == "scoring.capabilities[0].metrics.victim_safe"
    assert at(problem) == position(text, "victim_safe:")
    assert "did you mean 'victims_safe'?" in problem.message


def test_alert_reaction_probabilities_must_add_up_to_one():
    line = "alert_reaction: {surrender: 0.5, resist: 0.5}"
    text = scenario_text({line: "alert_reaction: {surrender: 0.5, resist: 0.6}"})
    problem = single(text)
    assert problem.field == "perpetrators[0].alert_reaction"
    assert at(problem) == position(text, "{surrender")
    assert "the probabilities add up to 1.1; they must add up to 1" in problem.message


def test_fleeing_perpetrator_needs_a_route():
    line = "alert_reaction: {surrender: 0.5, resist: 0.5}"
    text = scenario_text({line: "alert_reaction: {surrender: 0.5, flee: 0.5}"})
    problem = single(text)
    assert problem.field == "perpetrators[0].flee_via"
    assert "has no route" in problem.message


def test_misspelt_event_in_a_trigger():
    text = scenario_text({"on: unit_in_position team": "on: braech_started"})
    problem = single(text)
    assert problem.field == "decisions[0].on"  # `on:` is read as the text 'on', not true
    assert at(problem) == position(text, "braech_started")
    assert "unknown event 'braech_started' (did you mean 'breach_started'?)" in problem.message


def test_misspelt_condition_in_a_trigger():
    text = scenario_text({"- {unit: team, do: clear, room: bedroom, when: door_open flat_door}":
                          "- {unit: team, do: clear, room: bedroom, when: door_opn flat_door}"})
    problem = single(text)
    assert problem.field == "doctrine_plan.orders[1].when"
    assert at(problem) == position(text, "door_opn")
    assert "unknown condition 'door_opn' (did you mean 'door_open'?)" in problem.message


def test_trigger_argument_of_the_wrong_kind():
    text = scenario_text({"- {unit: team, do: clear, room: bedroom, when: door_open flat_door}":
                          "- {unit: team, do: clear, room: bedroom, when: door_open bedroom}"})
    problem = single(text)
    assert problem.field == "doctrine_plan.orders[1].when"
    assert at(problem) == position(text, "door_open bedroom")
    assert "'bedroom' is a room, but a door is needed here" in problem.message


def test_trigger_with_too_many_words_and_two_triggers():
    text = scenario_text({"on: unit_in_position team": "on: unit_in_position team now",
                          "- {unit: team, do: stack, door: flat_door}":
                          "- {unit: team, do: stack, door: flat_door, at: 5, when: door_open flat_door}"})
    problems = problems_of(text)
    assert len(problems) == 2
    words = find(problems, "decisions[0].on", "at most one id")
    assert at(words) == position(text, "unit_in_position team now")
    both = find(problems, "doctrine_plan.orders[0].when", "give one of at, on or when")
    assert at(both) == position(text, "door_open flat_door}")


def test_decision_without_a_trigger():
    text = scenario_text({"on: unit_in_position team": None})
    problem = single(text)
    assert problem.field == "decisions[0]"
    assert at(problem) == position(text, "id: entry")
    assert "needs a trigger" in problem.message


def test_unknown_order_verb_points_at_the_verb():
    text = scenario_text({"- {unit: team, do: stack, door: flat_door}":
                          "- {unit: team, do: breech, door: flat_door}"})
    problem = single(text)
    assert problem.field == "doctrine_plan.orders[0].do"
    assert at(problem) == position(text, "breech")
    assert "unknown order 'breech' (did you mean 'breach'?)" in problem.message


def test_order_without_a_verb():
    text = scenario_text({"- {unit: team, do: stack, door: flat_door}":
                          "- {unit: team, door: flat_door}"})
    problem = single(text)
    assert problem.field == "doctrine_plan.orders[0]"
    assert at(problem) == position(text, "{unit: team, door")
    assert "an order needs 'do:'" in problem.message


def test_breach_method_without_the_equipment():
    text = scenario_text({"- {unit: team, do: stack, door: flat_door}":
                          "- {unit: team, do: breach, door: flat_door, method: halligan}"})
    problem = single(text)
    assert problem.field == "doctrine_plan.orders[0].method"
    assert at(problem) == position(text, "halligan")
    assert "unit 'team' has no halligan for this method (its equipment: manual_ram)" \
        in problem.message


def test_breach_method_that_needs_no_equipment_is_fine():
    load("mini.yaml", text=scenario_text({"- {unit: team, do: stack, door: flat_door}":
                                          "- {unit: team, do: breach, door: flat_door, method: ruse}"}))


def test_request_for_a_unit_that_is_not_on_request():
    text = scenario_text({"- {unit: team, do: stack, door: flat_door}":
                          "- {unit: team, do: request_unit}"})
    problem = single(text)
    assert problem.field == "doctrine_plan.orders[0].unit"
    assert "is not on request" in problem.message


# --- all at once ----------------------------------------------------------------------

def test_every_problem_is_reported_in_one_go():
    text = scenario_text({
        "fear: 0.5": "fera: 0.5",
        "- {unit: team, do: stack, door: flat_door}": "- {unit: team, do: stack, door: frnt_door}",
        "perpetrators_arrested: {weight: 0.4}": "perpetrators_arrested: {weight: 0.5}",
    })
    problems = problems_of(text)
    assert [(p.field, at(p)) for p in problems] == [
        ("victims[0].fera", position(text, "fera")),
        ("scoring.capabilities", position(text, "- id: safety")),
        ("doctrine_plan.orders[0].door", position(text, "frnt_door")),
    ]
    assert "did you mean 'fear'" in problems[0].message
    assert "add up to 1.1" in problems[1].message
    assert "unknown door 'frnt_door'" in problems[2].message


def test_problems_are_sorted_by_position_and_all_in_the_message():
    text = scenario_text({"role: guard": "role: gaurd", "fear: 0.5": "fear: high"})
    with pytest.raises(InputError) as info:
        load("t.yaml", text=text)
    problems = info.value.problems
    assert [p.line for p in problems] == sorted(p.line for p in problems)
    assert len(str(info.value).splitlines()) == 2


@pytest.mark.parametrize("old, new, field, value", [
    ("languages: [en]", "languages: [no]", "victims[0].languages[0]", "no]"),  # Norwegian
    ("- id: knock", "- id: no", "decisions[0].options[1].id", "no\n"),
])
def test_yes_no_read_as_true_false_gets_a_hint(old, new, field, value):
    text = scenario_text({old: new})
    problems = problems_of(text)
    problem = find(problems, field, "expected text, got false")
    assert at(problem) == position(text, value.rstrip("]\n"), after=new)
    assert "put the word in quotes" in problem.message


def test_a_short_map_row_is_reported_with_a_field_error_in_the_same_floor_plan():
    # the door's kind is misspelt, so the floor plan fails its structural check; the short
    # row must still be reported in the same round
    rows = list(MAP_ROWS)
    rows[3] = rows[3][:-1]
    text = scenario_text({"- {id: flat_door, name: Flat door, kind: wooden, locked: true}":
                          "- {id: flat_door, name: Flat door, kind: woden, locked: true}"}, map_rows=rows)
    problems = problems_of(text)
    find(problems, "floor_plan.doors[0].kind", "did you mean 'wooden'")
    short = find(problems, "floor_plan.map", "row 3 is 7 characters long")
    assert short.line == position(text, rows[3] + "\n")[0]
    assert len(problems) == 2


def test_a_misspelt_room_in_a_decision_option_is_reported_with_a_field_error_in_the_decision():
    text = scenario_text({"time_allowed: 30": "time_allowed: -30",
                          "- {unit: team, do: breach, door: flat_door, method: knock_and_announce}":
                          "- {unit: team, do: breach, door: flat_dor, method: knock_and_announce}"})
    problems = problems_of(text)
    find(problems, "decisions[0].time_allowed", "greater than 0")
    wrong = find(problems, "decisions[0].options[1].orders[0].door", "unknown door 'flat_dor'")
    assert "did you mean 'flat_door'" in wrong.message
    assert at(wrong) == position(text, "flat_dor,")
    assert len(problems) == 2


def test_a_reference_to_a_room_of_a_broken_floor_plan_is_still_checked():
    text = scenario_text({"cell_size: 0.5": "cell_size: big",
                          "- {unit: team, do: stack, door: flat_door}": "- {unit: team, do: stack, door: frnt_door}"})
    problems = problems_of(text)
    find(problems, "floor_plan.cell_size", "expected a number")
    find(problems, "doctrine_plan.orders[0].door", "unknown door 'frnt_door'")
    assert len(problems) == 2


def test_causes_and_pressures_are_checked_with_located_errors():
    """The new sections (issue 16) report a bad value at its place, in plain words."""
    from pathlib import Path as _Path

    text = (_Path(__file__).resolve().parents[1] / "scenarios" / "kowloon_flat.yaml").read_text()
    for old, new, field, words in (
            ("ruse_works: 0.8 ", "ruse_works: 1.5 ", "causes.entry.ruse_works", "less than or equal to 1"),
            ("    kind: watch\n", "    kind: peek\n", "pressures[0].kind", "one of: client, move_victims"),
            ("    by: manager\n", "    by: manger\n", "pressures[3].by", "did you mean 'manager'"),
            ("    kind: phone_call\n", "    kind: phone_call\n    every: 60\n", "pressures[2].every",
             "only rounds and client pressures repeat")):
        with pytest.raises(InputError) as info:
            load("kowloon_flat.yaml", text=text.replace(old, new, 1))
        problem = info.value.problems[0]
        assert problem.field == field and words in problem.message, problem
        assert problem.line > 1
