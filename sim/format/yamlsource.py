"""Safe YAML loading that remembers where every value came from.

PyYAML's safe composer builds a node tree with line/column marks; we turn that tree
into plain Python values ourselves (mappings -> dict, sequences -> tuple) and keep a
`Locator` from field path to position, so later checks can point at the exact spot.
Only YAML's core types are produced: no Python objects, no eval.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field

import yaml

from .problems import InputError, Problem

# libyaml's parser where PyYAML was built with it (10x faster); marks and errors are the same
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_FILE_BYTES = 1_000_000  # a scenario is a few KB; this refuses accidents, not users
MAX_VALUES = 200_000  # bounds alias expansion ("billion laughs")

_TAG = "tag:yaml.org,2002:"
# Only YAML's core types: a tag such as !!python/object is refused, not ignored.
_ALLOWED_TAGS = {
    yaml.MappingNode: {_TAG + "map"},
    yaml.SequenceNode: {_TAG + "seq"},
    yaml.ScalarNode: {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")},
}


@dataclass
class Locator:
    """Maps a field path to the (line, column) of its value, both 1-based."""

    file: str
    marks: dict = field(default_factory=dict)
    key_marks: dict = field(default_factory=dict)
    source_lines: list = field(default_factory=list)
    sha256: str = ""  # of the bytes parsed: the scenario's identity in run records

    def where(self, path: tuple) -> tuple[int, int]:
        """Position of the value at `path`, or of its closest located ancestor."""
        path = tuple(path)
        while path:
            if path in self.marks:
                return self.marks[path]
            path = path[:-1]
        return self.marks.get((), (1, 1))

    def where_key(self, path: tuple) -> tuple[int, int]:
        """Position of the key that names `path` (for unknown-key messages)."""
        return self.key_marks.get(tuple(path)) or self.where(path)

    def problem(self, path: tuple, message: str, *, at_key: bool = False,
                position: tuple[int, int] | None = None) -> Problem:
        from .problems import format_path

        line, column = position or (self.where_key(path) if at_key else self.where(path))
        return Problem(self.file, line, column, format_path(path), message)


class _Converter:
    def __init__(self, locator: Locator):
        self.locator = locator
        self.count = 0

    def convert(self, node: yaml.Node, path: tuple):
        self.count += 1
        if self.count > MAX_VALUES:
            raise _TooBig()
        self.locator.marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _ALLOWED_TAGS.get(type(node), ()):
            raise _Bad(node, f"the tag '{node.tag.replace(_TAG, '!!')}' is not allowed: use plain "
                             "text, numbers, true/false, lists and mappings")
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise _Bad(key_node, "a mapping key must be a plain word")
                # Keys are always text: YAML 1.1 would read `on:` as true and `1:` as a number.
                key = str(key_node.value)
                if not key.isprintable():  # a line break or control character in a key
                    raise _Bad(key_node, f"the key {key!r} has a line break or control "
                                         "character; a mapping key must be a plain word")
                if key == "<<":
                    raise _Bad(key_node, "merge keys ('<<') are not supported; write the fields out")
                if key in out:
                    raise _Bad(key_node, f"'{key}' appears twice in this mapping")
                self.locator.key_marks[path + (key,)] = (key_node.start_mark.line + 1,
                                                         key_node.start_mark.column + 1)
                out[key] = self.convert(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return tuple(self.convert(item, path + (i,)) for i, item in enumerate(node.value))
        return _scalar(node)


class _TooBig(Exception):
    pass


class _Bad(Exception):
    def __init__(self, node: yaml.Node, message: str):
        self.node, self.message = node, message


def _scalar(node: yaml.Node):
    if node.tag == _TAG + "timestamp":
        return node.value  # dates stay text as written: the format has no date fields
    # construct_scalar via the safe constructor resolves ints, floats, bools and nulls.
    try:
        value = yaml.SafeLoader.construct_object(_CONSTRUCTOR, node, deep=True)
    except (ValueError, TypeError, KeyError, AttributeError, yaml.YAMLError):
        # e.g. `!!int abc`: PyYAML's constructors raise plain Python errors here
        raise _Bad(node, f"'{node.value}' is not a valid {node.tag.replace(_TAG, '')}")
    if not isinstance(value, (str, int, float, bool, type(None))):
        return str(value)  # dates and timestamps stay text: the format has no date fields
    return value


_CONSTRUCTOR = yaml.SafeLoader("")


def load_yaml(path: str | os.PathLike, *, text: str | None = None) -> tuple[dict, Locator]:
    """Read a YAML mapping with positions. Raises InputError with a located message."""
    name = str(path)
    if text is None:
        try:
            size = os.path.getsize(path)
        except OSError as exc:
            raise InputError([Problem(name, 1, 1, "", f"cannot read the file: {exc.strerror}")])
        if size > MAX_FILE_BYTES:
            raise InputError([Problem(name, 1, 1, "", f"the file is {size:,} bytes; "
                                      f"files over {MAX_FILE_BYTES:,} bytes are refused")])
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            undecoded = exc.object  # offsets count from after a byte-order mark, if any
            line = undecoded.count(b"\n", 0, exc.start) + 1
            column = exc.start - (undecoded.rfind(b"\n", 0, exc.start) + 1) + 1
            raise InputError([Problem(name, line, column, "", f"the file is not UTF-8 text "
                                      f"(byte {undecoded[exc.start]:#04x}: {exc.reason}); save it as UTF-8")])
        except OSError as exc:
            raise InputError([Problem(name, 1, 1, "", f"cannot read the file: {exc.strerror}")])
    else:
        raw = text.encode("utf-8")
    locator = Locator(name, source_lines=text.splitlines(), sha256=hashlib.sha256(raw).hexdigest())
    try:
        try:
            node = yaml.compose(text, Loader=_LOADER)
        except (yaml.YAMLError, RecursionError):
            if _LOADER is yaml.SafeLoader:
                raise
            # something is wrong: parse again with the pure-Python parser, whose messages and
            # positions the error reports below are written for
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = exc.problem or exc.context or "not valid YAML"
        start = exc.context_mark
        if exc.problem and exc.context and start and start.line != (mark.line if mark else -1):
            # e.g. an unclosed quote is noticed only at the end of the file: say where it began
            what += f" ({exc.context} at line {start.line + 1}, column {start.column + 1})"
        raise InputError([Problem(name, line, col, "", f"YAML syntax: {what}")])
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow, e.g. NUL
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise InputError([Problem(name, line, column, "", f"YAML syntax: the character U+{code:04X} "
                                  "is not allowed in YAML text")])
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, 1, 1, "", f"YAML syntax: {exc}")])
    except RecursionError:
        raise InputError([Problem(name, 1, 1, "", "the document is nested too deeply")])
    if node is None:
        raise InputError([Problem(name, 1, 1, "", "the file is empty; expected a mapping of fields")])
    if not isinstance(node, yaml.MappingNode):
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        raise InputError([Problem(name, line, col, "", "the top level must be a mapping of fields "
                                  "(key: value lines), not a list or a single value")])
    try:
        data = _Converter(locator).convert(node, ())
    except _TooBig:
        raise InputError([Problem(name, 1, 1, "", f"the document expands to over {MAX_VALUES:,} "
                                  "values (aliases repeated too often); write it out plainly")])
    except _Bad as bad:
        mark = bad.node.start_mark
        raise InputError([Problem(name, mark.line + 1, mark.column + 1, "", bad.message)])
    except yaml.YAMLError as exc:
        raise InputError([Problem(name, 1, 1, "", f"YAML value: {exc}")])
    except RecursionError:
        raise InputError([Problem(name, 1, 1, "", "the document is nested too deeply")])
    return data, locator
