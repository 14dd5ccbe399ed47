"""Property: whatever a trainer does to a valid scenario, loading it never crashes.

Start from the parsed data of every shipped scenario and of the minimal one in
conftest.py, apply a few random mutations (delete a field, retype a value, misspell a
key, cut or alter the map, swap ids), write it back as YAML, and load it. The loader
must return a Scenario or raise InputError, and every problem must name a real spot.
"""
from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS, plain, scenario_text
from sim.format.problems import InputError
from sim.format.scenario import Scenario, load
from sim.format.yamlsource import load_yaml




def _base_documents() -> list[tuple[str, dict]]:
    docs = [("minimal.yaml", plain(load_yaml("minimal.yaml", text=scenario_text())[0]))]
    for path in SCENARIOS:
        docs.append((path.name, plain(load_yaml(path)[0])))
    return docs


BASES = _base_documents()


class BlockDumper(yaml.SafeDumper):
    """Writes multi-line text (the map) as a `|` block, as trainers do."""


def _str(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


BlockDumper.add_representer(str, _str)


def dump(doc: dict, block: bool) -> str:
    return yaml.dump(doc, Dumper=BlockDumper if block else yaml.SafeDumper, sort_keys=False,
                     allow_unicode=True, default_flow_style=False)


# --- navigating and changing a document -----------------------------------------------

def all_paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += all_paths(value, prefix + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += all_paths(value, prefix + (i,))
    return out


def get(doc: Any, path: tuple) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def put(doc: Any, path: tuple, value: Any) -> None:
    get(doc, path[:-1])[path[-1]] = value


def ids_in(doc: Any) -> list[str]:
    return [get(doc, p) for p in all_paths(doc) if p and p[-1] == "id" and isinstance(get(doc, p), str)]


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.sampled_from(["", "wall", "outside", "all", "on", "yes", "2024-02-30", "x y", "1.5",
                     "breach_started", "door_open", "[0, 0]", "#", "~", "-1"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8),
                                                                       children, max_size=3),
    max_leaves=6)


def misspell(data: st.DataObject, word: str) -> str:
    if not word:
        return "x"
    i = data.draw(st.integers(0, len(word) - 1))
    how = data.draw(st.sampled_from(["drop", "double", "swap", "upper", "suffix"]))
    if how == "drop":
        return word[:i] + word[i + 1:] or "x"
    if how == "double":
        return word[:i] + word[i] + word[i:]
    if how == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if how == "upper":
        return word.upper()
    return word + "s"


def mutate(data: st.DataObject, doc: dict) -> None:
    paths = [p for p in all_paths(doc) if p]
    kind = data.draw(st.sampled_from(["delete", "retype", "misspell", "map", "swap_ids",
                                      "reuse_id"]), label="mutation")
    if kind == "map" and isinstance(doc.get("floor_plan"), dict) and \
            isinstance(doc["floor_plan"].get("map"), str):
        text = doc["floor_plan"]["map"]
        how = data.draw(st.sampled_from(["truncate", "alter", "drop_line", "add_line", "widen"]))
        lines = text.split("\n")
        if how == "truncate":
            text = text[:data.draw(st.integers(0, len(text)))]
        elif how == "alter" and text:
            i = data.draw(st.integers(0, len(text) - 1))
            legend = doc["floor_plan"].get("legend")
            chars = list(legend) if isinstance(legend, dict) else []
            text = text[:i] + data.draw(st.sampled_from(chars + ["X", " ", "\n", "\t", "é"])) + text[i + 1:]
        elif how == "drop_line" and lines:
            del lines[data.draw(st.integers(0, len(lines) - 1))]
            text = "\n".join(lines)
        elif how == "add_line":
            lines.insert(data.draw(st.integers(0, len(lines))), data.draw(st.text("#~X ab", max_size=40)))
            text = "\n".join(lines)
        else:
            row = data.draw(st.integers(0, max(0, len(lines) - 1)))
            if lines:
                lines[row] += "#"
            text = "\n".join(lines)
        doc["floor_plan"]["map"] = text
        return
    if kind in ("swap_ids", "reuse_id"):
        id_paths = [p for p in paths if p[-1] == "id" and isinstance(get(doc, p), str)]
        if len(id_paths) >= 2:
            a, b = data.draw(st.lists(st.sampled_from(id_paths), min_size=2, max_size=2, unique=True))
            first, second = get(doc, a), get(doc, b)
            put(doc, a, second)
            if kind == "swap_ids":
                put(doc, b, first)
            return
        kind = "retype"
    path = data.draw(st.sampled_from(paths), label="path")
    parent = get(doc, path[:-1])
    if kind == "delete":
        del parent[path[-1]]
    elif kind == "misspell" and isinstance(parent, dict):
        new = misspell(data, str(path[-1]))
        if new not in parent:
            items = [(new if k == path[-1] else k, v) for k, v in parent.items()]
            parent.clear()
            parent.update(items)
    else:
        choices = VALUES if data.draw(st.booleans()) else st.sampled_from(ids_in(doc) or ["x"])
        parent[path[-1]] = data.draw(choices, label="value")


# --- the properties -------------------------------------------------------------------

@pytest.mark.parametrize("name, doc", BASES, ids=[name for name, _ in BASES])
@pytest.mark.parametrize("block", [False, True])
def test_unmutated_documents_round_trip(name, doc, block):
    scenario = load(name, text=dump(doc, block))
    assert isinstance(scenario, Scenario)


def check_loads_or_reports(name: str, text: str) -> None:
    try:
        result = load(name, text=text)
    except InputError as exc:
        assert exc.problems, "an InputError must carry at least one problem"
        last_line = text.count("\n") + 1
        for problem in exc.problems:
            assert problem.file == name
            assert 1 <= problem.line <= last_line, problem
            assert problem.column >= 1, problem
            assert problem.message and "\n" not in problem.message, problem
            assert "Traceback" not in problem.message
    else:
        assert isinstance(result, Scenario)


@settings(max_examples=150, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_scenarios_load_or_raise_input_error(data):
    name, base = data.draw(st.sampled_from(BASES), label="base")
    doc = copy.deepcopy(base)
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        mutate(data, doc)
    block = data.draw(st.booleans(), label="block map")
    check_loads_or_reports(name, dump(doc, block))


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab:-[]{}&*!|>#'\"\n\t ~1.", max_size=60))
def test_arbitrary_yaml_like_text_never_crashes(text):
    check_loads_or_reports("noise.yaml", text)
