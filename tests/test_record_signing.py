"""Signed run records: any change to any field fails `verify`; the key is made on first use,
readable by its owner only; `verify --key` checks a record made on another machine; a
record from before signing still verifies its events, with a warning."""
from __future__ import annotations

import copy
import json
import stat
import subprocess
import sys

import pytest

from conftest import ROOT
from sim.engine.exercise import Exercise
from sim.evaluation import record as records
from sim.evaluation import signing
from sim.format.scenario import load

KOWLOON = load(ROOT / "scenarios" / "kowloon_flat.yaml")


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    """A played run with a decision, an order and an early end, signed and saved."""
    from sim.format.orders import ORDER_CLASSES
    ex = Exercise(KOWLOON, 5, KOWLOON.spec.doctrine_plan.model_copy(update={"decisions": {}}), interactive=True,
                  trainee="Ann Example")
    ex.apply(ORDER_CLASSES["move"].model_validate({"unit": "eu_perimeter", "do": "move", "to": "corridor"}))
    while ex.pending_decision is None and not ex.finished:
        ex.advance(5)
    ex.decide(ex.pending_decision.id, ex.pending_decision.decision.options[0].id)
    ex.advance(60)
    ex.end_operation("trainee")
    folder = tmp_path_factory.mktemp("signed")
    path = records.save(records.make_record(ex), folder)
    return folder, path, json.loads(path.read_text(encoding="utf-8"))


def _leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _leaves(v, path + (i,))
    else:
        yield path, value


def _changed(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, (int, float)):
        return value + 0.5 if isinstance(value, float) else value + 1
    if isinstance(value, str):
        return value + "x"
    return "x" if value is None else None


def _set(data, path, value):
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def test_each_field_changed_one_at_a_time_fails_verify(played):
    folder, path, record = played
    assert records.verify(KOWLOON, record, key_dir=folder).signature.endswith("(this machine's key)")
    # every top-level field through verify (re-simulation and signature)...
    for field in record:
        if field == "signature":
            continue
        changed = copy.deepcopy(record)
        changed[field] = _changed(changed[field]) if not isinstance(changed[field], (dict, list)) else \
            (dict(changed[field], extra=1) if isinstance(changed[field], dict) else changed[field][:-1])
        assert _fails(changed, folder), field
    # ...and every leaf (the trainee's name, a decision's time moved by 0.5 s, each event) through the signature
    leaves = [p for p, _ in _leaves(record) if p[0] != "signature"]
    assert len(leaves) > 500
    for leaf in leaves:
        changed = copy.deepcopy(record)
        _set(changed, leaf, _changed(_value(record, leaf)))
        assert not signing.check(changed).valid, leaf


def _fails(changed: dict, folder) -> bool:
    """Refused as it is read (a located error), or read and not verified."""
    from sim.format.problems import InputError
    path = folder / "changed.json"
    path.write_text(json.dumps(changed), encoding="utf-8")
    try:
        loaded = records.load(path)
    except InputError:
        return True
    return not records.verify(KOWLOON, loaded, key_dir=folder, require_signature=True).ok


def _value(data, path):
    for part in path:
        data = data[part]
    return data


def test_the_signature_itself_and_a_removed_signature_fail(played):
    folder, path, record = played
    for field, value in (("value", "AAAA"), ("public_key", signing._raw_b64(signing.key_pair(folder / "other")
                                                                              .public_key())), ("algorithm", "rsa")):
        changed = copy.deepcopy(record)
        changed["signature"][field] = value
        assert not records.verify(KOWLOON, changed).ok, field
    unsigned = {k: v for k, v in record.items() if k != "signature"}
    verdict = records.verify(KOWLOON, unsigned, require_signature=True)
    assert not verdict.ok and "signs every record" in verdict.message


def test_the_key_is_made_once_and_is_readable_by_its_owner_only(played, tmp_path):
    folder, _, record = played
    key_file = folder / signing.KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_bytes()
    records.save(records.make_record(_short_run()), folder)
    assert key_file.read_bytes() == before  # made on first use, kept after
    # the same run signed by the same key gives the same bytes
    first = records.save(records.make_record(_short_run()), tmp_path / "a", key_dir=folder)
    second = records.save(records.make_record(_short_run()), tmp_path / "b", key_dir=folder)
    assert first.read_bytes() == second.read_bytes()


def _short_run():
    ex = Exercise(KOWLOON, 1, KOWLOON.spec.doctrine_plan)
    ex.run_to_end()
    return ex


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "run_exercise.py"), *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_verify_with_the_key_of_the_machine_that_made_it_and_an_old_unsigned_record(played, tmp_path):
    folder, path, record = played
    exported = cli("keys", "export", "--out", folder)
    assert exported.returncode == 0 and "BEGIN PUBLIC KEY" in exported.stdout
    fingerprint = signing.fingerprint(signing.key_pair(folder).public_key())
    assert fingerprint in exported.stderr
    key = tmp_path / "lab.pub"
    key.write_text(exported.stdout)
    done = cli("verify", path, "--key", key)
    assert done.returncode == 0 and f"signed by {fingerprint} (the key given)" in done.stdout, done.stdout + done.stderr
    other = tmp_path / "other.pub"
    other.write_text(cli("keys", "export", "--out", tmp_path / "elsewhere").stdout)
    done = cli("verify", path, "--key", other)
    assert done.returncode == 1 and "not by the key given" in done.stdout
    done = cli("verify", path, "--key", "not a key")
    assert done.returncode == 2 and "--key" in done.stderr and "Traceback" not in done.stderr
    # a record written before records were signed: its events still verify, with a warning
    old = {k: v for k, v in record.items() if k != "signature"}
    old["format_version"] = 1
    old_path = tmp_path / "old.json"
    old_path.write_text(json.dumps(old))
    done = cli("verify", old_path)
    assert done.returncode == 0 and "unsigned" in done.stderr, done.stdout + done.stderr
