"""The committed JSON Schema matches the format, is valid, and accepts every shipped scenario."""
from __future__ import annotations

import json

import jsonschema
import pytest

import run_exercise
from conftest import ROOT, SCENARIOS, plain, scenario_text
from sim.format.scenario import json_schema
from sim.format.yamlsource import load_yaml

SCHEMA_FILE = ROOT / "scenarios" / "schema.json"




@pytest.fixture(scope="module")
def committed() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def test_there_are_shipped_scenarios():
    assert SCENARIOS, "no scenarios/*.yaml found"


def test_schema_command_prints_the_committed_schema(capsys, committed):
    assert run_exercise.main(["schema"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == committed, \
        "scenarios/schema.json is stale: run `make schema` (python run_exercise.py schema)"


def test_json_schema_function_equals_the_committed_schema(committed):
    assert json.loads(json.dumps(json_schema())) == committed


def test_schema_is_a_valid_draft_2020_12_schema(committed):
    assert committed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(committed)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_shipped_scenario_validates_against_the_schema(path, committed):
    data, _ = load_yaml(path)
    validator = jsonschema.Draft202012Validator(committed)
    errors = sorted(validator.iter_errors(plain(data)), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_minimal_scenario_validates_against_the_schema(committed):
    data, _ = load_yaml("minimal.yaml", text=scenario_text())
    jsonschema.Draft202012Validator(committed).validate(plain(data))


def test_schema_rejects_what_the_loader_rejects(committed):
    # a sanity check that validation above is not vacuous
    data, _ = load_yaml("bad.yaml", text=scenario_text({"fear: 0.5": "fera: 0.5"}))
    errors = list(jsonschema.Draft202012Validator(committed).iter_errors(plain(data)))
    assert errors
    assert any("fera" in e.message for e in errors)


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_shipped_scenario_points_editors_at_the_schema(path):
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "# yaml-language-server: $schema=schema.json"
