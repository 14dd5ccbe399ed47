"""Opening the editor: a file, a new scenario (blank or from a template), unsaved work."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from sim.format.problems import InputError, Problem
from ui.editor.blank import blank_text, from_template
from ui.editor.document import Document
from ui.editor.journal import journal_path, read_leftover


def open_document(path: Optional[str], template: Optional[str] = None) -> Document:
    if template is not None and not Path(template).exists():
        raise InputError([Problem(template, 1, 1, "--template", "no such file")])
    if path is not None and Path(path).exists():
        if template is not None:
            raise InputError([Problem(path, 1, 1, "--template", "the file exists already: open it without "
                                      "--template, or give a new file name")])
        try:
            return Document.open(path)
        except UnicodeDecodeError:
            raise InputError([Problem(path, 1, 1, "", "the file is not UTF-8 text; save it as UTF-8")])
        except Exception as exc:  # ruamel's own parse errors: say where, never a traceback
            mark = getattr(exc, "problem_mark", None)
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            raise InputError([Problem(path, line, column, "", f"YAML syntax: {getattr(exc, 'problem', None) or exc}; "
                                      "fix it in a text editor (validate says the same)")])
    stem = Path(path).stem if path else "new_scenario"
    text = from_template(template, stem) if template else blank_text().replace("id: new_scenario", f"id: {stem}", 1)
    return Document(text, None) if path is None else _new_at(text, path)


def _new_at(text: str, path: str) -> Document:
    doc = Document(text, None)
    doc.path = path  # saving writes here; nothing is written until the trainer saves
    doc.journal.path = journal_path(path)
    doc.journal.scenario_path = path
    return doc


def edit(path: Optional[str], *, template: Optional[str] = None, autoplay: bool = False,
         screenshots: Optional[str] = None, restore: Optional[bool] = None,
         max_frames: Optional[int] = None) -> list[Path]:
    from ui.editor.app import EditorApp

    doc = open_document(path, template)
    leftover = read_leftover(doc.journal.path)
    if leftover is not None and leftover.base_text != doc.original:
        # the file changed since that work began: the work is replayed on the text it began from
        doc = Document(leftover.base_text, doc.path)
        doc.journal.path = journal_path(doc.path) if doc.path else doc.journal.path
    app = EditorApp(doc, leftover=leftover if restore is None else None,
                    screenshots=Path(screenshots) if screenshots else None)
    if leftover is not None and restore is not None:
        app.leftover = leftover
        app.restore(restore)
    if autoplay:
        from ui.editor.autoplay import Autoplay
        app.on_frame.append(Autoplay(app))
    app.run(max_frames=max_frames)
    return app.shots
