"""Small drawing helpers shared by the scenes: fonts, wrapped text, panels, the help overlay."""
from __future__ import annotations

import pygame

from ui.style import fonts

TEXT = (232, 234, 237)
MUTED = (160, 166, 175)
PANEL = (34, 38, 46)
PANEL_EDGE = (70, 76, 88)
ACCENT = (230, 159, 0)  # Okabe-Ito orange


def font(size: int = 16, bold: bool = False) -> pygame.font.Font:
    return fonts.font(size, bold)


def text(surface: pygame.Surface, words: str, pos: tuple[int, int], *, size: int = 16,
         colour=TEXT, bold: bool = False, anchor: str = "topleft") -> pygame.Rect:
    image = font(size, bold).render(words, True, colour)
    rect = image.get_rect(**{anchor: pos})
    surface.blit(image, rect)
    return rect


wrap = fonts.wrap  # one word-wrap for the preview and the window
text_size = fonts.text_size


def text_block(surface: pygame.Surface, words: str, rect: pygame.Rect, *, size: int = 16,
               colour=TEXT, line_gap: int = 3) -> int:
    """Wrapped text inside rect; returns the y below the last line drawn."""
    y = rect.top
    height = font(size).get_linesize()
    for line in wrap(words, rect.width, size):
        if y + height > rect.bottom:
            break
        text(surface, line, (rect.left, y), size=size, colour=colour)
        y += height + line_gap
    return y


def panel(surface: pygame.Surface, rect: pygame.Rect, title: str = "") -> pygame.Rect:
    pygame.draw.rect(surface, PANEL, rect, border_radius=6)
    pygame.draw.rect(surface, PANEL_EDGE, rect, 1, border_radius=6)
    if title:
        words = title.upper()
        while len(words) > 4 and font(15, True).size(words)[0] > rect.width - 24:
            words = words[:-2] + "…"  # a long title is cut to the panel, never past it
        text(surface, words, (rect.left + 12, rect.top + 8), size=15, colour=MUTED, bold=True)
        return pygame.Rect(rect.left + 12, rect.top + 32, rect.width - 24, rect.height - 42)
    return rect.inflate(-24, -20)


def draw_help(surface: pygame.Surface, shortcuts: list[tuple[str, str]]) -> None:
    w, h = surface.get_size()
    shade = pygame.Surface((w, h), pygame.SRCALPHA)
    shade.fill((0, 0, 0, 170))
    surface.blit(shade, (0, 0))
    box = pygame.Rect(0, 0, 620, 80 + 30 * len(shortcuts))
    box.center = (w // 2, h // 2)
    inner = panel(surface, box, "Keyboard and mouse")
    y = inner.top + 4
    for key, what in shortcuts:
        text(surface, key, (inner.left, y), size=17, colour=ACCENT, bold=True)
        text(surface, what, (inner.left + 150, y), size=17)
        y += 30
    text(surface, "Press any key or click to close", (box.centerx, box.bottom - 22), size=14,
         colour=MUTED, anchor="center")
YELLOW_TEXT = (240, 228, 66)
