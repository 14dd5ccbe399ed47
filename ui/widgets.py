"""Small drawing helpers shared by the scenes: fonts, wrapped text, panels, the help overlay."""
from __future__ import annotations

import pygame
from pygame_gui.elements import UIButton

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
cut_to_width = fonts.cut_to_width


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


def fit_button_words(manager, words: str, width: int) -> str:
    """A button's words that fit its width (pygame_gui cuts them off at the edge): a long
    name loses its bracketed part ('Social worker (child and victim protection)' ->
    'Social worker'), and only then is it shortened with '…'. Give the full name as a tooltip."""
    measure = manager.get_theme().get_font(["button"])
    room = width - 10  # the widget keeps about 5 px each side
    if measure.size(words)[0] <= room:
        return words
    short = words.split(" (")[0]
    while len(short) > 4 and measure.size(short)[0] > room:
        short = short[:-2].rstrip() + "…"
    return short


MESSAGE_TEXT = 15
MESSAGE_SPACE = 46  # what a scene keeps at its map's foot for the message line's two lines


def message_lines(words: str, width: int) -> list[str]:
    """A scene's message line wrapped onto a second line rather than run past its panel; a
    third line, if any, is cut with '…'."""
    lines = wrap(words, width, MESSAGE_TEXT)
    if len(lines) > 2:
        lines = [lines[0], cut_to_width(" ".join(lines[1:]), width, MESSAGE_TEXT)]
    return lines


OPTION_TEXT = 15
"""Size of the words on a decision's option buttons (never below fonts.MIN_TEXT)."""
OPTION_GAP = 6


def option_lines(words: str, width: int) -> list[str]:
    """A decision option's words wrapped to its button: shown whole, on as many lines as it needs."""
    return wrap(words, width - 20, OPTION_TEXT)


def option_height(words: str, width: int) -> int:
    """The height of an option button that shows its words whole."""
    return max(32, len(option_lines(words, width)) * font(OPTION_TEXT).get_linesize() + 10)


def options_height(words: dict, width: int) -> int:
    """The height the option buttons of a decision take, with the gaps after them."""
    return sum(option_height(w, width) + OPTION_GAP for w in words.values())


def option_buttons(manager, left: int, bottom: int, width: int, words: dict) -> tuple[dict, dict]:
    """A decision's option buttons stacked up to `bottom`, each tall enough for its words
    whole: (button -> option, button -> words). The buttons have no text of their own: a
    UIButton shows one line and cuts the rest, so `draw_option_words` draws it over them."""
    y = bottom - options_height(words, width)
    buttons, shown = {}, {}
    for option, said in words.items():
        height = option_height(said, width)
        b = UIButton(pygame.Rect(left, y, width, height), "", manager, starting_height=4)
        buttons[b], shown[b] = option, said
        y += height + OPTION_GAP
    return buttons, shown


def draw_option_words(surface: pygame.Surface, buttons: dict) -> None:
    """The words of option buttons made with no text of their own (a UIButton shows one
    line and cuts the rest): drawn over the widgets, centred, line by line.
    `buttons` maps each button to its words."""
    height = font(OPTION_TEXT).get_linesize()
    for button, words in buttons.items():
        if not button.visible:
            continue
        lines = option_lines(words, button.rect.width)
        y = button.rect.centery - len(lines) * height // 2
        colour = TEXT if button.is_enabled else MUTED
        for line in lines:
            text(surface, line, (button.rect.centerx, y), size=OPTION_TEXT, colour=colour, anchor="midtop")
            y += height
