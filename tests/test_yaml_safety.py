"""Scenario files are data: hostile or broken YAML is refused with a located InputError."""
from __future__ import annotations

import time

import pytest

from conftest import position, scenario_text
from sim.format import yamlsource
from sim.format.problems import InputError
from sim.format.scenario import load
from sim.format.yamlsource import MAX_FILE_BYTES, load_yaml


def refused(text: str | None = None, path="bad.yaml"):
    """The problems of a text (or of the file at `path`) that must be refused."""
    with pytest.raises(InputError) as info:
        load(path, text=text) if text is not None else load(path)
    return info.value.problems


@pytest.mark.parametrize("tagged", [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/object/apply:subprocess.check_call [[touch, '{marker}']]",
    "!!python/object:builtins.dict {{a: 1}}",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/tuple [1, 2]",
    "!!binary aGVsbG8=",
    "!!set {{a, b}}",
    "!mytag value",
])
def test_python_and_other_tags_are_refused_not_run(tmp_path, tagged):
    marker = tmp_path / "was_run"
    value = tagged.format(marker=marker)
    text = f"title: x\nsummary: {value}\n"
    problems = refused(text)
    assert len(problems) == 1, problems
    assert (problems[0].line, problems[0].column) == (2, 10)
    assert "tag" in problems[0].message and "is not allowed" in problems[0].message
    assert not marker.exists()


def test_tag_is_refused_even_where_a_list_is_expected():
    # a tagged sequence is not quietly read as a plain list of objectives
    text = scenario_text({"objectives:": "objectives: !!python/object/apply:os.getcwd"})
    problems = refused(text)
    assert [(p.line, p.column) for p in problems] == [position(text, "!!python")]
    assert "'!!python/object/apply:os.getcwd' is not allowed" in problems[0].message


def test_tag_on_the_whole_document_is_refused():
    problems = refused("!!python/object:builtins.object\ntitle: x\n")
    assert (problems[0].line, problems[0].column) == (1, 1)
    assert "is not allowed" in problems[0].message


def test_a_tagged_scalar_that_does_not_fit_its_tag_is_refused():
    problems = refused("title: x\nsummary: !!int abc\nestimated_minutes: !!float many\n")
    assert [(p.line, p.column) for p in problems] == [(2, 10)]
    assert "'abc' is not a valid int" in problems[0].message


@pytest.mark.parametrize("date", ["2024-02-30", "2024-13-01", "2024-01-01", "2024-01-01 10:00:00"])
def test_text_that_looks_like_a_date_stays_text(date):
    data, _ = load_yaml("x.yaml", text=f"version: {date}\n")
    assert data == {"version": date}


def test_billion_laughs_is_refused_quickly():
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 12):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
    text = "\n".join(lines) + "\n"
    started = time.perf_counter()
    problems = refused(text)
    assert time.perf_counter() - started < 5
    assert len(problems) == 1
    assert "aliases" in problems[0].message and "expands to over" in problems[0].message


def test_aliases_within_the_limit_are_fine():
    data, _ = load_yaml("x.yaml", text="a: &a [1, 2]\nb: *a\n")
    assert data == {"a": (1, 2), "b": (1, 2)}


def test_merge_keys_are_refused():
    problems = refused("base: &base {name: x}\nother:\n  <<: *base\n")
    assert (problems[0].line, problems[0].column) == (3, 3)
    assert "merge keys" in problems[0].message


def test_deep_nesting_is_refused_not_a_crash():
    text = "title: " + "[" * 5000 + "]" * 5000 + "\n"
    problems = refused(text)
    assert "nested too deeply" in problems[0].message


def test_file_over_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    text = scenario_text()
    path.write_text(text + "#" * (MAX_FILE_BYTES + 1 - len(text.encode())) + "\n")
    assert path.stat().st_size > MAX_FILE_BYTES
    problems = refused(path=path)
    assert len(problems) == 1
    assert (problems[0].file, problems[0].line, problems[0].column) == (str(path), 1, 1)
    assert f"files over {MAX_FILE_BYTES:,} bytes are refused" in problems[0].message


def test_file_just_under_the_size_limit_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsource, "MAX_FILE_BYTES", len(scenario_text().encode()))
    path = tmp_path / "ok.yaml"
    path.write_text(scenario_text())
    assert load(path).id == "mini"


@pytest.mark.parametrize("text, line, column", [
    ("- title: x\n- summary: y\n", 1, 1),
    ("\n\n  just a sentence\n", 3, 3),
    ("42\n", 1, 1),
    ("'quoted text'\n", 1, 1),
])
def test_root_that_is_not_a_mapping_is_refused(text, line, column):
    problems = refused(text)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (line, column)
    assert "the top level must be a mapping" in problems[0].message


@pytest.mark.parametrize("old, new, needle, after, words", [
    # the unclosed list is noticed at the ':' of the next line
    ("languages: [en]", "languages: [en", ":", "nationality", "expected ',' or ']'"),
    ("name: Anna", "name: Anna: Smith", ": Smith", "", "mapping values are not allowed here"),
    ("fear: 0.5", "fear: 0.5\n\tcalm: 1", "\tcalm", "", "found character '\\t'"),
])
def test_yaml_syntax_error_gives_line_and_column(old, new, needle, after, words):
    text = scenario_text({old: new})
    problems = refused(text)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == position(text, needle, after=after)
    assert problems[0].message.startswith("YAML syntax: ")
    assert words in problems[0].message


def test_yaml_syntax_error_exact_positions():
    text = "title: x\nsummary: [a, b\nid: y\n"
    problems = refused(text)
    assert (problems[0].line, problems[0].column) == (3, 3)
    assert "(while parsing a flow sequence at line 2, column 10)" in problems[0].message


def test_unclosed_quote_names_where_it_began():
    text = scenario_text({"fear: 0.5": 'fear: "0.5'})
    problems = refused(text)
    line, column = position(text, '"0.5')
    assert f"quoted scalar at line {line}, column {column}" in problems[0].message


def test_two_documents_in_one_file_are_refused():
    problems = refused("title: x\n---\ntitle: y\n")
    assert problems[0].line == 2
    assert "YAML syntax" in problems[0].message


@pytest.mark.parametrize("content", ["", "\n\n", "   \n", "# only a comment\n"])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.yaml"
    path.write_text(content)
    problems = refused(path=path)
    assert len(problems) == 1
    assert (problems[0].line, problems[0].column) == (1, 1)
    assert "the file is empty" in problems[0].message


def test_empty_text():
    assert "the file is empty" in refused("")[0].message


def test_null_document_is_not_a_mapping():
    problems = refused("~\n")
    assert "the top level must be a mapping" in problems[0].message


def test_non_utf8_bytes_are_refused_at_their_position(tmp_path):
    path = tmp_path / "latin1.yaml"
    text = scenario_text({"name: Anna": "name: Ana\xefs"})
    path.write_bytes(text.encode("latin-1"))
    problems = refused(path=path)
    assert len(problems) == 1
    line, column = position(text, "\xefs")
    assert (problems[0].line, problems[0].column) == (line, column)
    assert "not UTF-8" in problems[0].message and "0xef" in problems[0].message


def test_non_utf8_after_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbftitle: x\nsummary: caf\xe9\n")
    problems = refused(path=path)
    assert (problems[0].line, problems[0].column) == (2, 13)


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + scenario_text().encode())
    assert load(path).id == "mini"


def test_control_character_is_refused_at_its_position():
    problems = refused("title: x\nsummary: a\x00b\n")
    assert (problems[0].line, problems[0].column) == (2, 11)
    assert "U+0000" in problems[0].message


def test_keys_are_always_text():
    data, _ = load_yaml("x.yaml", text="on: a\nyes: b\n1: c\nnull: d\n1.5: e\n")
    assert list(data) == ["on", "yes", "1", "null", "1.5"]


def test_complex_key_is_refused():
    problems = refused("? [a, b]\n: c\n")
    assert (problems[0].line, problems[0].column) == (1, 3)


def test_duplicate_key_is_refused():
    problems = refused("title: a\ntitle: b\n")
    assert (problems[0].line, problems[0].column) == (2, 1)
    assert "'title' appears twice" in problems[0].message


def test_values_are_plain_python():
    data, _ = load_yaml("x.yaml", text="a: [1, 2.5, true, null, text]\nb: {c: d}\n")
    assert data == {"a": (1, 2.5, True, None, "text"), "b": {"c": "d"}}
