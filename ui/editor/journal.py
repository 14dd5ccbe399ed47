"""Unsaved work, written down as it is made, so a crash or a closed window loses nothing.

One JSON object per line: a header with the text the editing started from, then every
edit, undo and redo the moment it is made (appended, flushed and synced). Saving the
scenario removes the journal; a journal left behind is work the next `edit` offers to
restore, by replaying it on the text it started from.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

JOURNAL_DIR = Path("results") / "editor"


def journal_path(scenario_path: str | os.PathLike | None, directory: Path | None = None) -> Path:
    stem = Path(scenario_path).stem if scenario_path else "untitled"
    return Path(directory or JOURNAL_DIR) / f"{stem}.journal.jsonl"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Journal:
    """Appends the steps of one editing session; opened lazily at the first edit."""

    def __init__(self, path: Path, scenario_path: str | None, base_text: str):
        self.path = Path(path)
        self.scenario_path = scenario_path
        self.base_text = base_text
        self._fh = None

    def append(self, entry: dict) -> None:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(self.path, "w", encoding="utf-8")
            self._write({"journal": 1, "file": self.scenario_path, "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
                         "base_sha256": digest(self.base_text), "base_text": self.base_text})
        self._write(entry)

    def _write(self, entry: dict) -> None:
        self._fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def discard(self, new_base: str) -> None:
        """After a save: nothing is unsaved; the next edit starts a new journal."""
        self.close()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        self.base_text = new_base

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


@dataclass
class Leftover:
    """A journal a previous session left: what it started from and its steps."""
    path: Path
    scenario_path: str | None
    started: str
    base_text: str
    steps: list[dict]

    @property
    def edits(self) -> int:
        return sum(1 for s in self.steps if "do" in s)


def read_leftover(path: Path) -> Leftover | None:
    """The journal at `path`, if it holds any step; a torn last line (a kill mid-write) is
    dropped, every whole line before it kept."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    entries = []
    for line in lines:
        try:
            entries.append(json.loads(line))
        except json.JSONDecodeError:
            break
    if not entries or "journal" not in entries[0] or len(entries) < 2:
        return None
    head = entries[0]
    return Leftover(Path(path), head.get("file"), head.get("started", "?"), head["base_text"], entries[1:])
