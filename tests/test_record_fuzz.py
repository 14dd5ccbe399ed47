"""Damaged records and journals through the real command line (in-process, for speed):
mutated shapes, types, nesting and inputs give exit 2 with every line located
(FILE:LINE:COLUMN:), or a clean check (exit 0 or 1); never a traceback, never a hang.
The mutants are tests/record_fuzz.py's, which also runs the big fuzz by hand."""
from __future__ import annotations

import json
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import record_fuzz  # noqa: E402
from cli import main as cli_main  # noqa: E402
from conftest import ROOT  # noqa: E402


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    cwd = os.getcwd()
    os.chdir(ROOT)  # records name their scenario by its path in the project
    try:
        record_path, journal_path = record_fuzz.good_files(ROOT, folder)
    finally:
        os.chdir(cwd)
    record = json.loads(record_path.read_text(encoding="utf-8"))
    lines = journal_path.read_text(encoding="utf-8").splitlines()
    journal = {**json.loads(lines[0]), "inputs": [json.loads(x) for x in lines[1:]]}
    return folder, record, journal, record_fuzz.scenario_ids(ROOT)


def _outcome(argv):
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return record_fuzz.run_cli(cli_main, argv)
    finally:
        os.chdir(cwd)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_a_mutated_record_gives_a_located_error_or_a_clean_check(good, seed):
    folder, record, _, ids = good
    path = folder / "mutant.json"
    path.write_text(record_fuzz.mutate(random.Random(seed), record, ids), encoding="utf-8", errors="surrogatepass")
    outcome, detail = _outcome(["verify", str(path)])
    assert outcome in ("ok", "located"), detail


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_a_mutated_journal_gives_a_located_error_or_resumes(good, seed):
    folder, _, journal, ids = good
    path = folder / "mutant.journal.jsonl"
    path.write_text(record_fuzz.journal_text(journal, record_fuzz.mutate(random.Random(seed), journal, ids)),
                    encoding="utf-8", errors="surrogatepass")
    outcome, detail = _outcome(["play", "--resume", str(path), "--out", str(folder / "out"), "--max-frames", "1"])
    assert outcome in ("ok", "located"), detail


@pytest.mark.parametrize("change, field", [
    (lambda d: d.update(scenario=dict(d["scenario"], path=None)), "scenario.path"),
    (lambda d: d.update(scenario=dict(d["scenario"], path=5)), "scenario.path"),
    (lambda d: d.pop("plan"), "plan"),
    (lambda d: d.pop("scenario"), "scenario"),
    (lambda d: d["inputs"][0].update(order=None), "inputs[0].order"),
    (lambda d: d["inputs"][0].update(step=None), "inputs[0].step"),
    (lambda d: d["inputs"].append(dict(d["inputs"][1])), "is not open"),  # the same decision again
    (lambda d: d["plan"]["orders"].append({"unit": "nobody", "do": "move", "to": "corridor"}), "unit"),
    (lambda d: d["plan"]["orders"].append({"unit": "octb", "do": "interview", "victim": "living"}), "victim"),
    (lambda d: d["plan"].update(decisions={"gate_entry": "no_such_option"}), "plan.decisions.gate_entry"),
])
def test_each_damage_the_issue_names_is_located_in_records_and_journals(good, change, field):
    folder, record, journal, _ = good
    for data, argv_of in ((record, lambda p: ["verify", str(p)]),
                          (journal, lambda p: ["play", "--resume", str(p), "--out", str(folder / "out"),
                                               "--max-frames", "1"])):
        mutant = json.loads(json.dumps(data))
        change(mutant)
        if argv_of(folder)[0] == "verify":
            path = folder / "named.json"
            path.write_text(json.dumps(mutant, indent=1), encoding="utf-8")
        else:
            path = folder / "named.journal.jsonl"
            path.write_text(record_fuzz.journal_text(journal, json.dumps(mutant)), encoding="utf-8")
        outcome, detail = _outcome(argv_of(path))
        wanted = field
        if path.suffix == ".jsonl":  # a journal's input is located at its own line, its fields from there
            import re
            match = re.match(r"inputs\[(\d+)\]\.?", field)
            wanted = (field[match.end():] or f"input {int(match.group(1)) + 1}") if match else field
        assert outcome == "located" and wanted in detail, (argv_of(path)[0], detail)


def test_json_that_is_not_an_object_and_deep_nesting_are_located(good):
    folder, record, journal, _ = good
    header = json.dumps({k: v for k, v in journal.items() if k != "inputs"})
    for name, text, argv in (
            ("five.json", "5", "verify"), ("deep.json", "[" * 1000 + "]" * 1000, "verify"),
            ("line.journal.jsonl", header + "\n5\n" + json.dumps(journal["inputs"][0]) + "\n", "play"),
            ("deep.journal.jsonl", header + "\n" + "[" * 1000 + "]" * 1000 + "\n{}\n", "play"),
            ("nl.journal.jsonl", header + '\n{"type": "order", "t": 1, "step": 2, "order": {"unit": "x\\ny"}}\n\n',
             "play")):
        path = folder / name
        path.write_text(text, encoding="utf-8")
        args = ["verify", str(path)] if argv == "verify" else ["play", "--resume", str(path), "--max-frames", "1"]
        outcome, detail = _outcome(args)
        assert outcome == "located", (name, detail)


def test_host_resume_and_play_resume_read_journals_the_same_way(good):
    folder, _, journal, _ = good
    header = {k: v for k, v in journal.items() if k != "inputs"}
    joint = dict(header, joint={"humans": ["hk_command"]}, tokens={})
    damaged = '{"type": "decision", "t": 1, "step": null, "decision": "gate_entry", "option": "key"}'
    for name, head, argv, wanted in (
            ("joint.journal.jsonl", joint, ["host", "--resume"], ":2:"),
            ("solo.journal.jsonl", header, ["play", "--resume"], ":2:"),
            ("solo_ok.journal.jsonl", header, ["host", "--resume"], "solo play session"),
            ("joint_ok.journal.jsonl", joint, ["play", "--resume"], "host --resume")):
        path = folder / name
        path.write_text(json.dumps(head) + "\n" + (damaged + "\n" if "ok" not in name else ""), encoding="utf-8")
        outcome, detail = _outcome([*argv, str(path), "--out", str(folder / "out")])
        assert outcome == "located" and wanted in detail, (name, detail)
