"""The scenario being edited: its round-trip YAML tree, edits with undo and redo, saving.

    doc = Document.open("scenarios/tutorial.yaml")
    doc.execute(SetValue(("title",), "New title"))
    doc.undo(); doc.redo()
    doc.save()                       # atomic; keeps comments, order and untouched lines

Every edit goes through `execute`, so the undo stack and the journal never miss one.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, Optional

from sim.evaluation.record import write_atomic
from ui.editor import edits as E
from ui.editor import textmerge, yamltree
from ui.editor.journal import Journal, Leftover, journal_path


class Document:
    def __init__(self, text: str, path: Optional[str], *, journal_dir: Path | None = None):
        self.path = path
        self.original = text  # the bytes on disk (or the template) when editing began
        self.tree = yamltree.load(text)
        self._dumped_open = yamltree.dump(self.tree)
        self.undo_stack: list[tuple[E.Edit, E.Edit]] = []  # (edit, its inverse)
        self.redo_stack: list[tuple[E.Edit, E.Edit]] = []
        self.version = 0  # counts every change, for the views to know when to redraw
        self._saved_version = 0
        self.journal = Journal(journal_path(path, journal_dir), path, text)
        self.listeners: list[Callable[[], None]] = []
        # Edits and writing the text out never overlap: the live check writes the text on
        # its own thread, so the window does not wait for it.
        self.lock = threading.RLock()

    @classmethod
    def open(cls, path: str | os.PathLike, **kw) -> "Document":
        with open(path, "rb") as fh:
            text = fh.read().decode("utf-8")
        return cls(text, str(path), **kw)

    # -- reading -----------------------------------------------------------------------
    def get(self, path: tuple, default: Any = None) -> Any:
        return yamltree.get_at(self.tree, tuple(path), default)

    def plain(self, path: tuple = (), default: Any = None) -> Any:
        value = self.get(path, None)
        return default if value is None else yamltree.plain(value)

    def text(self) -> str:
        """The file as it would be saved now."""
        with self.lock:
            dumped = yamltree.dump(self.tree)
            original, before = self.original, self._dumped_open
        return textmerge.merge(original, before, dumped)

    @property
    def dirty(self) -> bool:
        return self.version != self._saved_version

    # -- changing ----------------------------------------------------------------------
    def execute(self, edit: E.Edit) -> None:
        with self.lock:
            inverse = E.perform(self.tree, edit)
        self.undo_stack.append((edit, inverse))
        self.redo_stack.clear()
        self.journal.append({"do": E.to_json(edit)})
        self._changed()

    def undo(self) -> bool:
        if not self.undo_stack:
            return False
        edit, inverse = self.undo_stack.pop()
        with self.lock:
            again = E.perform(self.tree, inverse)
        self.redo_stack.append((edit, again))
        self.journal.append({"undo": 1})
        self._changed()
        return True

    def redo(self) -> bool:
        if not self.redo_stack:
            return False
        edit, again = self.redo_stack.pop()
        with self.lock:
            inverse = E.perform(self.tree, again)
        self.undo_stack.append((edit, inverse))
        self.journal.append({"redo": 1})
        self._changed()
        return True

    def _changed(self) -> None:
        self.version += 1
        for listener in self.listeners:
            listener()

    def replay(self, leftover: Leftover) -> int:
        """Apply a previous session's journal (its base text must be this document's)."""
        count = 0
        for step in leftover.steps:
            if "do" in step:
                self.execute(E.from_json(step["do"]))
                count += 1
            elif "undo" in step:
                self.undo()
            elif "redo" in step:
                self.redo()
        return count

    # -- saving ------------------------------------------------------------------------
    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Write atomically (a temporary file beside it, synced, then renamed over it)."""
        target = Path(path or self.path)
        with self.lock:
            text = self.text()
            dumped = yamltree.dump(self.tree)
        atomic_write(target, text)
        if self.path is None or str(target) != self.path:
            self.journal.discard(text)
            self.path = str(target)
            self.journal = Journal(journal_path(target, self.journal.path.parent), self.path, text)
        else:
            self.journal.discard(text)
        self.original = text
        self._dumped_open = dumped
        self._saved_version = self.version
        return target


def atomic_write(target: Path, text: str) -> None:
    """The trainer's file, byte for byte as the document reads (no newline translation), written
    as every record is: a temporary file, fsync, rename, the folder synced."""
    write_atomic(Path(target), text.encode("utf-8"))
