"""The layers of the code, as each package's `__init__` states them:

    sim.format      the scenario format: imports nothing else of the project
    sim.engine      the simulation: imports sim.format
    sim.evaluation  records, store, batches, statistics, report: imports both
    sim.joint       the joint exercise's host and seats over the network: imports all three
    ui              the window: may import all three; nothing in sim imports ui or pygame
    cli             the command line: may import all of the above; nothing imports it

and no import circles anywhere in sim/ or ui/. Checked twice: from the source (every
import, in functions and under TYPE_CHECKING too) and in a fresh process (what importing
each module really loads).
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT
from import_graph import circles, graph, modules

MAY_IMPORT = {  # layer -> the layers it may import besides itself
    "sim": set(),  # the version, nothing more
    "sim.format": {"sim"},
    "sim.engine": {"sim", "sim.format"},
    "sim.evaluation": {"sim", "sim.format", "sim.engine"},
    "sim.joint": {"sim", "sim.format", "sim.engine", "sim.evaluation"},
    "ui": {"sim", "sim.format", "sim.engine", "sim.evaluation", "sim.joint"},
    "cli": {"sim", "sim.format", "sim.engine", "sim.evaluation", "sim.joint", "ui"},
}
FOREIGN = ("pygame", "pygame_gui")  # never below ui


def layer_of(module: str) -> str:
    for layer in sorted(MAY_IMPORT, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    raise AssertionError(f"{module} is in no layer: add it to one")


def breaches(edges: dict[str, set[str]]) -> list[str]:
    found = []
    for module, imported in sorted(edges.items()):
        here = layer_of(module)
        for other in sorted(imported):
            there = layer_of(other)
            if there != here and there not in MAY_IMPORT[here]:
                found.append(f"{module} imports {other} ({here} may import {sorted(MAY_IMPORT[here]) or 'nothing'})")
    return found


def test_every_module_belongs_to_a_layer():
    for module in modules():
        layer_of(module)


def test_no_layer_imports_one_above_it():
    assert breaches(graph()) == []


def test_no_import_circles():
    assert circles(graph()) == []


def test_the_checks_catch_a_broken_rule():
    # the two checks above must be able to fail: a format module importing the engine,
    # and two modules importing each other
    edges = {k: set(v) for k, v in graph().items()}
    edges["sim.format.spec"].add("sim.engine.world")
    assert any("sim.format.spec imports sim.engine.world" in b for b in breaches(edges))
    assert any({"sim.format.spec", "sim.engine.world"} <= set(group) for group in circles(edges))


def test_imports_in_a_function_or_for_type_checking_count(tmp_path):
    from import_graph import imports_of
    source = tmp_path / "mod.py"
    source.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sim.engine import world\n"
                      "def f():\n    from ..evaluation.record import make_record\n")
    assert imports_of("sim.format.mod", source, {"sim.engine.world", "sim.evaluation.record"}) == \
        {"sim.engine.world", "sim.evaluation.record"}


LOADED = """
import importlib, json, sys
importlib.import_module(sys.argv[1])
print(json.dumps(sorted(sys.modules)))
"""


@pytest.mark.parametrize("module", sorted(m for m in modules() if m.startswith("sim")))
def test_importing_a_module_loads_nothing_above_its_layer(module):
    result = subprocess.run([sys.executable, "-c", LOADED, module], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    here = layer_of(module)
    above = [name for name in loaded if name.split(".")[0] in ("sim", "ui")
             and layer_of(name) not in MAY_IMPORT[here] | {here}]
    assert above == []
    assert [name for name in loaded if name.split(".")[0] in FOREIGN + ("ui",)] == []


def test_the_command_line_loads_no_window_until_a_window_command_runs():
    # `validate` or `run` on a machine without SDL must not pay for (or fail on) pygame
    result = subprocess.run([sys.executable, "-c", LOADED, "cli"], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    assert [name for name in loaded if name.split(".")[0] in FOREIGN + ("ui",)] == []
