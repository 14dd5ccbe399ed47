"""Problems found in a user's file, reported as FILE:LINE:COL: field.path: message.

Every loader in `sim/` gathers problems into a list and raises one `InputError`
with all of them, so a trainer fixes a file in one round, not one error at a time.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Iterable, Sequence

Path = tuple  # of str | int: the field path inside the document


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int  # 1-based
    column: int  # 1-based
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{_one_line(self.file)}:{self.line}:{self.column}"
        field, message = _one_line(self.field), _one_line(self.message)  # a value's line break never
        return f"{where}: {field}: {message}" if field else f"{where}: {message}"  # starts an unlocated line


def _one_line(text: str) -> str:
    return text.translate(_ESCAPES) if any(ord(c) < 32 or c in "\x7f\u2028\u2029" for c in text) else text


_ESCAPES = {**{c: f"\\x{c:02x}" for c in range(32)}, ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t",
            0x7F: "\\x7f", 0x2028: "\\u2028", 0x2029: "\\u2029"}


class InputError(Exception):
    """One or more problems in a file the user wrote; never a programming error."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def format_path(path: Iterable) -> str:
    """('victims', 0, 'fear') -> 'victims[0].fear'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for a close match, else ''."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""


def one_of(choices: Iterable[str], limit: int = 12) -> str:
    items = sorted({str(c) for c in choices})
    shown = ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")
    return f"one of: {shown}" if items else "nothing is defined yet"
