"""Text: one cached sans-serif font per size, and words measured, wrapped, fitted and drawn.

No pygame initialisation happens at import time; `font()` initialises the font module on
first use.
"""
from __future__ import annotations

import os
from typing import Optional, Sequence

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from ui.style.palette import INK, Colour  # noqa: E402
from ui.style.shapes import Point  # noqa: E402

MIN_TEXT = 14
"""The smallest text size used anywhere (pixels)."""

_FONT_FAMILIES = "dejavusans,liberationsans,freesans,notosans,arial,helvetica"
_font_files: dict[bool, Optional[str]] = {}
_fonts: dict[tuple[int, bool], pygame.font.Font] = {}


def _font_file(bold: bool) -> Optional[str]:
    if bold not in _font_files:
        try:
            path = pygame.font.match_font(_FONT_FAMILIES, bold=bold)
        except Exception:  # no fontconfig, odd platforms: fall back to pygame's own font
            path = None
        _font_files[bold] = path
    return _font_files[bold]


def reset_fonts() -> None:
    """Forget cached fonts (call after pygame.font.quit() / re-init)."""
    _fonts.clear()


def font(size: int, bold: bool = False) -> pygame.font.Font:
    """A sans-serif font (DejaVu or Liberation Sans where installed, else pygame's own) of `size` px."""
    if not pygame.font.get_init():
        pygame.font.init()
        _fonts.clear()
    size = max(1, int(size))
    key = (size, bold)
    found = _fonts.get(key)
    if found is None:
        path = _font_file(bold)
        if path:
            found = pygame.font.Font(path, size)
        else:  # pygame's default font runs small
            found = pygame.font.Font(None, round(size * 1.3))
            found.set_bold(bold)
        _fonts[key] = found
    return found


def text_size(words: str, size: int, bold: bool = False) -> tuple[int, int]:
    return font(size, bold).size(words)


def wrap(words: str, width: int, size: int, bold: bool = False) -> list[str]:
    """Greedy word wrap to `width` pixels (a single over-long word stays on its own line)."""
    f = font(size, bold)
    lines: list[str] = []
    for paragraph in words.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if not line or f.size(trial)[0] <= width:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def cut_to_width(words: str, width: int, size: int, bold: bool = False) -> str:
    """Cut a line to `width` pixels with an ellipsis, so it never runs past its panel."""
    f = font(size, bold)
    if f.size(words)[0] <= width:
        return words
    while words and f.size(words + "…")[0] > width:
        words = words[:-1]
    return words + "…"


def fit_text(words: str, width: int, height: int, largest: int, *, smallest: int = MIN_TEXT,
             bold: bool = False, max_lines: int = 3) -> Optional[tuple[int, list[str]]]:
    """The largest size (and its lines) at which `words` fits in width x height, or None."""
    for size in range(max(largest, smallest), smallest - 1, -1):
        lines = wrap(words, width, size, bold)
        if len(lines) > max_lines:
            continue
        w = max(text_size(line, size, bold)[0] for line in lines)
        h = font(size, bold).get_linesize() * len(lines)
        if w <= width and h <= height:
            return size, lines
    return None


def block_size(lines: Sequence[str], size: int, bold: bool = False) -> tuple[int, int]:
    f = font(size, bold)
    width = max((f.size(line)[0] for line in lines), default=0)
    return width, f.get_linesize() * len(lines)


def draw_text(surface: pygame.Surface, words: str, pos: Point, *, size: int = 16,
              colour: Colour = INK, bold: bool = False, anchor: str = "topleft") -> pygame.Rect:
    image = font(size, bold).render(words, True, colour)
    rect = image.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
    surface.blit(image, rect)
    return rect


def draw_lines(surface: pygame.Surface, lines: Sequence[str], rect: pygame.Rect, *, size: int,
               colour: Colour = INK, bold: bool = False, align: str = "center") -> None:
    """Lines of text centred vertically in rect, aligned left or centre."""
    f = font(size, bold)
    step = f.get_linesize()
    y = rect.centery - step * len(lines) / 2
    for line in lines:
        image = f.render(line, True, colour)
        if align == "left":
            r = image.get_rect(topleft=(rect.left, round(y)))
        else:
            r = image.get_rect(midtop=(rect.centerx, round(y)))
        surface.blit(image, r)
        y += step
