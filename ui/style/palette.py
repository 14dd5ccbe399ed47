"""The colours of the preview and the map: the Okabe-Ito palette, paper and ink, the
building's surfaces, room tints and the colour of each role.

Okabe-Ito stays distinct for the common kinds of colour blindness; even so no meaning is
carried by colour alone (`ui.style.markers` and `ui.style.plan_symbols` differ by shape).
"""
from __future__ import annotations

Colour = tuple[int, int, int]

# Okabe-Ito, "Color Universal Design" (2008).
BLACK: Colour = (0, 0, 0)
ORANGE: Colour = (230, 159, 0)
SKY: Colour = (86, 180, 233)
GREEN: Colour = (0, 158, 115)  # "bluish green"
YELLOW: Colour = (240, 228, 66)
BLUE: Colour = (0, 114, 178)
VERMILLION: Colour = (213, 94, 0)
PURPLE: Colour = (204, 121, 167)  # "reddish purple"

INK: Colour = (24, 26, 31)
MUTED_INK: Colour = (88, 94, 104)
PAPER: Colour = (255, 255, 255)
RULE: Colour = (200, 203, 208)
BAND: Colour = (28, 44, 66)  # title band, dark navy
BAND_TEXT: Colour = (255, 255, 255)
BAND_MUTED: Colour = (196, 210, 226)

WALL: Colour = (46, 49, 57)
OUTSIDE: Colour = (236, 235, 231)
THRESHOLD: Colour = (250, 249, 246)
GLASS: Colour = (205, 230, 245)
EXIT_FILL: Colour = (210, 236, 226)
EXIT_TAG: Colour = (0, 104, 78)  # bluish green darkened for white text (contrast > 6:1)
LEADER: Colour = (70, 74, 82)

ROOM_TINTS: dict[str, Colour] = {
    "room": (244, 238, 226),
    "bedroom": (236, 230, 244),
    "living": (250, 241, 214),
    "kitchen": (226, 242, 230),
    "bathroom": (222, 237, 248),
    "office": (244, 236, 222),
    "corridor": (230, 231, 228),
    "landing": (230, 231, 228),
    "stairwell": (222, 223, 221),
    "lift": (214, 216, 218),
    "yard": (229, 238, 222),
    "roof": (229, 232, 236),
    "street": (229, 229, 226),
    "staging": (226, 238, 232),
}
ROOM_LABEL: Colour = (62, 66, 74)

ROLE_COLOURS: dict[str, Colour] = {"victim": SKY, "perpetrator": VERMILLION, "unit": GREEN,
                                    "evidence": YELLOW}
