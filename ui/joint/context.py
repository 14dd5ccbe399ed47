"""What a joint exercise's window shares between its scenes: the usual context plus the
seat's connection to the host (`ui.joint.client_view.SeatLink`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ui.context import Context
from ui.joint.client_view import SeatLink
from ui.joint.seat_plan import SeatPlan


@dataclass
class JointContext(Context):
    link: Optional[SeatLink] = None
    observations: list = field(default_factory=list)  # the observer's own, (ref, kind, text, t)
    seat_plan: Optional[SeatPlan] = None  # what the seat planned; its orders held for another seat's go
