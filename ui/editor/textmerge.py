"""Keep the trainer's own lines wherever the document did not change.

ruamel.yaml keeps comments, order, quotes and block styles, but it joins a plain
(unquoted) text that a trainer wrapped over several lines into one long line. So saving
does not write ruamel's text as it is: it compares ruamel's text of the document as
opened with its text now, and writes the original file's lines for every part that did
not change, ruamel's lines only where the trainer edited. A file opened and saved with no
change is rewritten byte for byte.
"""
from __future__ import annotations

from difflib import SequenceMatcher


def merge(original: str, dumped_before: str, dumped_now: str) -> str:
    if dumped_now == dumped_before:
        return original
    before = dumped_before.splitlines(keepends=True)
    now = dumped_now.splitlines(keepends=True)
    source = original.splitlines(keepends=True)
    units = _units(before, source)  # per line of `before`: (unit number, its original lines)
    out: list[str] = []
    for tag, a1, a2, b1, b2 in SequenceMatcher(None, before, now, autojunk=False).get_opcodes():
        if tag != "equal":
            out.extend(now[b1:b2])
            continue
        i = a1
        while i < a2:
            unit, first, last, lines = units[i]
            if first >= a1 and last <= a2:  # the whole unit is unchanged: the trainer's lines
                out.extend(lines)
                i = last
            else:  # only part of it is unchanged: ruamel's lines for that part
                end = min(last, a2)
                out.extend(before[i:end])
                i = end
    return "".join(out)


def _units(before: list[str], source: list[str]) -> list[tuple]:
    """Pair ruamel's lines with the original's: one-to-one where they agree, else a block
    of ruamel lines with the block of original lines it stands for."""
    units: list = [None] * len(before)
    pending: list[str] = []  # original lines with no ruamel counterpart: go with the next unit
    count = 0
    for tag, a1, a2, b1, b2 in SequenceMatcher(None, before, source, autojunk=False).get_opcodes():
        if tag == "equal":
            for k in range(a2 - a1):
                units[a1 + k] = (count, a1 + k, a1 + k + 1, pending + [source[b1 + k]])
                pending = []
                count += 1
        elif a2 > a1:
            block = (count, a1, a2, pending + source[b1:b2])
            pending = []
            count += 1
            for k in range(a1, a2):
                units[k] = block
        else:
            pending += source[b1:b2]
    if pending and units:  # original lines after the last ruamel line stay with it
        unit, first, last, lines = units[-1]
        block = (unit, first, last, lines + pending)
        for k in range(first, last):
            units[k] = block
    return units
