"""The orders a trainee gives on the map: each verb with the fields to click, and the kinds
of thing each field may name. Shared by the solo execution scene and a joint seat's window
(a scene must not import another scene, so the table lives here; ui/scenes/execution.py
still has its own copy until it imports this one)."""
from __future__ import annotations

# verb -> the fields to click, each with the kinds of thing it may name
ORDER_TOOLS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "move": (("to", ("room", "exit", "door")),),
    "stack": (("door", ("door",)),),
    "breach": (("door", ("door",)),),
    "clear": (("room", ("room",)),),
    "cordon": (("target", ("window", "exit", "door")),),
    "hold": (),
    "negotiate": (("target", ("door", "room")),),
    "arrest": (("target", ("perpetrator", "room")),),
    "secure_evidence": (("target", ("evidence", "room")),),
    "escort": (("victim", ("victim",)), ("to", ("room", "exit"))),
    "interview": (("victim", ("victim",)),),
    "treat": (("victim", ("victim",)),),
    "hand_over": (("victim", ("victim",)), ("to", ("unit",))),
}
