"""The scenario as a ruamel.yaml round-trip tree: read, write, and change it in place.

ruamel.yaml's round-trip mode keeps what a trainer wrote that a plain YAML load throws
away: comments, key order, flow or block style, quotes and folded text. So a file opened
and saved with no change is rewritten byte for byte, and an edit changes only its lines.
"""
from __future__ import annotations

import copy
import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.scalarstring import (DoubleQuotedScalarString, FoldedScalarString,
                                      LiteralScalarString, SingleQuotedScalarString)

_STRING_STYLES = (LiteralScalarString, FoldedScalarString, DoubleQuotedScalarString,
                  SingleQuotedScalarString)


def make_yaml() -> YAML:
    """The one YAML setup: the shipped scenarios' layout (2-space maps, lists indented 2)."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a trainer's lines
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def load(text: str):
    return make_yaml().load(text)


def dump(root) -> str:
    out = io.StringIO()
    make_yaml().dump(root, out)
    return out.getvalue()


def plain(node: Any) -> Any:
    """A round-trip node as plain JSON-able Python (dicts, lists, str, numbers, bools, None)."""
    if isinstance(node, dict):
        return {str(k): plain(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [plain(v) for v in node]
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return str(node)


def node(value: Any, *, flow: bool | None = None, like: Any = None) -> Any:
    """Plain Python -> a round-trip node. A mapping or list is written in flow style
    (`{id: a, name: b}`) when `flow`, or when `like` (a sibling) is; text keeps the
    style of the value it replaces (`like`), so a `map: |` block stays a block."""
    if isinstance(value, (CommentedMap, CommentedSeq)) or isinstance(value, _STRING_STYLES):
        return value  # already a node (an undo putting the original back)
    if isinstance(value, dict):
        out = CommentedMap()
        for k, v in value.items():
            out[k] = node(v, flow=True if flow else None)
        if flow if flow is not None else _is_flow(like):
            out.fa.set_flow_style()
        return out
    if isinstance(value, (list, tuple)):
        out = CommentedSeq(node(v, flow=True) for v in value)
        if flow if flow is not None else (like is None or _is_flow(like)):
            out.fa.set_flow_style()
        return out
    if isinstance(value, str) and isinstance(like, _STRING_STYLES):
        return type(like)(value)
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def _is_flow(n: Any) -> bool:
    return isinstance(n, (CommentedMap, CommentedSeq)) and n.fa.flow_style()


def get_at(root, path: tuple, default: Any = KeyError) -> Any:
    current = root
    for part in path:
        try:
            current = current[part]
        except (KeyError, IndexError, TypeError):
            if default is KeyError:
                raise KeyError(path)
            return default
    return current


def has(root, path: tuple) -> bool:
    sentinel = object()
    return get_at(root, path, sentinel) is not sentinel


def parent_of(root, path: tuple):
    return get_at(root, path[:-1])


def set_at(root, path: tuple, value: Any, *, exact: bool = False) -> None:
    """Set the value at path, creating missing mappings on the way; `exact` puts the
    value as it is (an undo putting back the original node)."""
    current = root
    for part in path[:-1]:
        if isinstance(current, dict) and part not in current:
            current[part] = CommentedMap()
        current = current[part]
    key = path[-1]
    if exact:
        _put(current, key, value)
        return
    old = current[key] if (isinstance(current, dict) and key in current) or isinstance(current, list) else None
    siblings = [v for v in current.values()] if isinstance(current, dict) else list(current)
    like = old if old is not None else next((s for s in siblings if isinstance(s, dict)), None)
    new = node(value, like=like, flow=True if _is_flow(current) else None)
    _carry_trailing_comment(old, new)
    current[key] = new


def _carry_trailing_comment(old: Any, new: Any) -> None:
    """A block list or mapping keeps the comment and blank lines after its last item (they
    belong to the last item in ruamel), so replacing it does not pull the next section up."""
    if isinstance(old, CommentedSeq) and isinstance(new, CommentedSeq) and len(old) and len(new):
        comment = old.ca.items.get(len(old) - 1)
        if comment is not None:
            new.ca.items[len(new) - 1] = comment
    elif isinstance(old, CommentedMap) and isinstance(new, CommentedMap) and len(old) and len(new):
        comment = old.ca.items.get(list(old)[-1])
        if comment is not None:
            new.ca.items[list(new)[-1]] = comment


def _put(container, key, value) -> None:
    """Store exactly `value`: ruamel's own __setitem__ would restyle a plain text to the
    style of the text it replaces (an undo must put the plain text back)."""
    if isinstance(container, CommentedMap):
        ordereddict.__setitem__(container, key, value)
        container._ok.add(key)
    elif isinstance(container, list):
        list.__setitem__(container, key, value)
    else:
        container[key] = value


def insert_key(root, path: tuple, position: int, value: Any, comment: Any = None) -> None:
    """Put a key back where it was (position in its mapping, and its comment)."""
    parent = get_at(root, path[:-1])
    if isinstance(parent, CommentedMap):
        parent.insert(min(position, len(parent)), path[-1], node(value))
        if comment is not None:
            parent.ca.items[path[-1]] = comment
    else:
        parent[path[-1]] = node(value)


def remove_at(root, path: tuple) -> None:
    parent = get_at(root, path[:-1])
    del parent[path[-1]]


def insert_at(root, path: tuple, index: int, value: Any, *, exact: bool = False) -> int:
    """Insert into the list at path (made if missing); returns the index used, or -1 - index
    when an empty flow list `[]` became a block list to hold it."""
    if not has(root, path):
        set_at(root, path, [])
        get_at(root, path).fa.set_block_style()
    seq = get_at(root, path)
    index = len(seq) if index < 0 or index > len(seq) else index
    if exact:
        seq.insert(index, value)
        return index
    like = next((s for s in seq if isinstance(s, dict)), None)
    if like is not None:
        flow = _is_flow(like)
    else:  # the first item: a short one-line mapping, as the shipped scenarios write rooms
        flow = isinstance(value, dict) and len(value) <= 4 and \
            all(not isinstance(v, (dict, list, tuple)) for v in value.values())
    seq.insert(index, node(value, flow=flow))
    if isinstance(seq, CommentedSeq) and seq.fa.flow_style() and len(seq) == 1 and isinstance(value, dict):
        seq.fa.set_block_style()  # `rooms: []` becomes a block list of rooms
        return -1 - index  # tells the caller the style changed (an undo puts it back)
    return index


def remove_item(root, path: tuple, index: int, *, drop_list: bool = False, reflow: bool = False) -> None:
    seq = get_at(root, path)
    del seq[index]
    if reflow and not len(seq):
        seq.fa.set_flow_style()
    if drop_list and not len(seq):
        remove_at(root, path)


def snapshot(value: Any) -> Any:
    """A deep copy of a node (what an undo puts back, with its style and comments)."""
    return copy.deepcopy(value)
