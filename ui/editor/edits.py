"""One change to a scenario document, and how to take it back.

An edit addresses a value by its path in the document (('victims', 0, 'fear')), as
`validate` does, so a journal line, an undo step and a problem speak of the same place.
`perform` applies an edit to the round-trip tree and returns its exact inverse, holding
the very nodes it replaced (with their comments and style), so undo restores the bytes.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Union

from ui.editor import yamltree


@dataclass(frozen=True)
class SetValue:
    """Set `path` to `value`, adding the key if it is missing."""
    path: tuple
    value: Any
    exact: bool = False  # put `value` as it is (an undo), not styled like its neighbours


@dataclass(frozen=True)
class RemoveKey:
    path: tuple


@dataclass(frozen=True)
class RestoreKey:
    """Put a removed key back at its place in its mapping, with its comment (undo only)."""
    path: tuple
    position: int
    value: Any
    comment: Any = None


@dataclass(frozen=True)
class InsertItem:
    """Insert `value` into the list at `path` before `index` (-1: at the end); the list is
    made if it is missing."""
    path: tuple
    index: int
    value: Any
    exact: bool = False
    comment: Any = None  # the comment or blank lines that followed the item (undo only)


@dataclass(frozen=True)
class RemoveItem:
    path: tuple
    index: int
    drop_list: bool = False  # also remove the key when the list becomes empty (undo of a made list)
    reflow: bool = False  # write the emptied list as `[]` again (undo of the first item added)


@dataclass(frozen=True)
class Group:
    """Several edits made as one step (a room drawn: its legend entry, its item, its cells)."""
    edits: tuple
    label: str = ""


Edit = Union[SetValue, RemoveKey, RestoreKey, InsertItem, RemoveItem, Group]


def perform(root, edit: Edit) -> Edit:
    """Apply `edit` to the tree; return the edit that undoes it exactly."""
    if isinstance(edit, Group):
        undo: list = []
        try:
            for e in edit.edits:
                undo.append(perform(root, e))
        except Exception:
            for inverse in reversed(undo):  # all or nothing: a group never stays half done
                perform(root, inverse)
            raise
        return Group(tuple(reversed(undo)), edit.label)
    if isinstance(edit, SetValue):
        if yamltree.has(root, edit.path):
            old = yamltree.get_at(root, edit.path)
            inverse: Edit = SetValue(edit.path, old, exact=True)
        else:
            missing = _first_missing(root, edit.path)
            inverse = RemoveKey(missing)
        yamltree.set_at(root, edit.path, edit.value, exact=edit.exact)
        return inverse
    if isinstance(edit, RemoveKey):
        parent = yamltree.get_at(root, edit.path[:-1])
        key = edit.path[-1]
        position = list(parent).index(key)
        comment = getattr(parent, "ca", None) and parent.ca.items.get(key)
        old = parent[key]
        yamltree.remove_at(root, edit.path)
        return RestoreKey(edit.path, position, old, comment)
    if isinstance(edit, RestoreKey):
        yamltree.insert_key(root, edit.path, edit.position, edit.value, edit.comment)
        return RemoveKey(edit.path)
    if isinstance(edit, InsertItem):
        created = not yamltree.has(root, edit.path)
        index = yamltree.insert_at(root, edit.path, edit.index, edit.value, exact=edit.exact)
        reflow = index < 0
        index = -1 - index if reflow else index
        if edit.comment is not None:
            yamltree.get_at(root, edit.path).ca.items[index] = edit.comment
        return RemoveItem(edit.path, index, drop_list=created, reflow=reflow)
    if isinstance(edit, RemoveItem):
        seq = yamltree.get_at(root, edit.path)
        old = seq[edit.index]
        comment = seq.ca.items.get(edit.index) if hasattr(seq, "ca") else None
        yamltree.remove_item(root, edit.path, edit.index, drop_list=edit.drop_list, reflow=edit.reflow)
        if edit.drop_list and not yamltree.has(root, edit.path):
            return SetValue(edit.path, [old])
        return InsertItem(edit.path, edit.index, old, exact=True, comment=comment)
    raise TypeError(f"not an edit: {edit!r}")


def _first_missing(root, path: tuple) -> tuple:
    """The shortest prefix of `path` that is missing (what an undo removes again)."""
    for i in range(1, len(path) + 1):
        if not yamltree.has(root, path[:i]):
            return path[:i]
    return path


_KINDS = {"set": SetValue, "remove_key": RemoveKey, "insert": InsertItem, "remove": RemoveItem}


def to_json(edit: Edit) -> dict:
    """A forward edit as a JSON object (a journal line); values as plain data."""
    if isinstance(edit, Group):
        return {"op": "group", "label": edit.label, "edits": [to_json(e) for e in edit.edits]}
    op = next(k for k, v in _KINDS.items() if type(edit) is v)
    out: dict = {"op": op}
    for f in fields(edit):
        if f.name in ("exact", "comment", "reflow"):
            continue
        value = getattr(edit, f.name)
        out[f.name] = list(value) if f.name == "path" else yamltree.plain(value)
    return out


def from_json(data: dict) -> Edit:
    if data["op"] == "group":
        return Group(tuple(from_json(e) for e in data["edits"]), data.get("label", ""))
    values = {k: v for k, v in data.items() if k != "op"}
    values["path"] = tuple(values["path"])
    return _KINDS[data["op"]](**values)
