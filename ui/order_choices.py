"""What a trainee is asked, and told, about orders during the operation, shared by the solo
execution scene and a joint seat's window (a scene must not import another scene):

- a breach ordered in play asks for its method, as planning does: the unit's tools and the
  methods anyone can use, each with how long it takes on this kind of door and how loud;
- an order that failed or was replaced, in words, for the feed and the unit's status line.
"""
from __future__ import annotations

from typing import Optional

from sim.engine.entry import ENTRY_TIMES, FORCED, NOISE_DB, best_tool
from sim.engine.narrate import humanise
from ui.planning_model import methods_for

ORDER_PROBLEMS = ("order_failed", "order_interrupted")


def breach_choices(scenario, unit_id: str, door_kind: str) -> list[tuple[str, str]]:
    """(method, label) for each way this unit can open this kind of door; the best forced
    tool it carries first, as a reasonable default."""
    methods = methods_for(scenario, unit_id)
    best = best_tool(tuple(m for m in methods if m in FORCED), door_kind)
    methods.sort(key=lambda m: m != best)
    out = []
    for method in methods:
        loud = "loud" if NOISE_DB.get(method, 0) >= 80 else "quiet"
        if method in ENTRY_TIMES:
            seconds, works = ENTRY_TIMES[method].get(door_kind, (20, 0.9))
            how = f"about {seconds:.0f} s, {loud}" + (f", works {works:.0%}" if works < 0.9 else "")
        elif method == "knock_and_announce":
            how = "wait for someone to open"
        else:
            how = "a pretext: works only if nobody is alerted"
        out.append((method, f"{method.replace('_', ' ')}  ({how})"))
    return out


def problem_unit(event: dict) -> Optional[str]:
    return event.get("unit") or event.get("subject")


def problem_status(event: dict, names: dict[str, str]) -> Optional[str]:
    """What went wrong with a unit's order, for its status line; None for other events."""
    if event["kind"] not in ORDER_PROBLEMS:
        return None
    verb = str(event.get("order", "")).replace("_", " ").replace(",", ", ")
    reason = humanise(str(event.get("reason") or ""), names)
    if event["kind"] == "order_failed":
        return f"could not {verb}" + (f": {reason}" if reason else "")
    if reason.startswith("replaced by "):
        return f"{verb} {reason}"
    return f"{verb} replaced" + (f" ({reason})" if reason else " by a new order")


def problem_line(event: dict, names: dict[str, str]) -> Optional[str]:
    """The same for the feed and the message line, with who."""
    status = problem_status(event, names)
    if status is None:
        return None
    unit = problem_unit(event) or ""
    return f"{names.get(unit, unit)}: {status}"


def method_buttons(manager, box, choices: list[tuple[str, str]]) -> dict:
    """One button a method, stacked inside `box` below its title line: {button: method}."""
    import pygame
    from pygame_gui.elements import UIButton

    buttons, y = {}, box.top + 36
    for method, label in choices:
        buttons[UIButton(pygame.Rect(box.left + 12, y, box.width - 24, 30), label, manager, starting_height=5)] = method
        y += 34
    return buttons
