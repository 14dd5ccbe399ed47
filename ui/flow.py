"""Which scene each `Next` names: the one place that knows every screen of the window.

Menu -> briefing -> planning -> execution -> debrief -> menu, with ways back; a joint
exercise's window goes seat (or control, or observe) -> joint debrief. Scenes
return a `Next` instead of importing the scene they hand over to, so they form no import
circle; the window (`ui.app.App.go`) comes here for the scene to show.
"""
from __future__ import annotations

from ui.scenes.base import Next, Scene, Window
from ui.scenes.briefing import BriefingScene
from ui.scenes.debrief import DebriefScene
from ui.scenes.execution import ExecutionScene
from ui.scenes.menu import MenuScene
from ui.scenes.planning import PlanningScene
from ui.scenes.review import ReviewScene
from ui.scenes.control import ControlScene
from ui.scenes.joint_briefing import JointBriefingScene
from ui.scenes.joint_debrief import JointDebriefScene
from ui.scenes.joint_planning import JointPlanningScene
from ui.scenes.observe import ObserveScene
from ui.scenes.seat import SeatScene

SCENES: dict[Next, type[Scene]] = {
    Next.MENU: MenuScene,
    Next.BRIEFING: BriefingScene,
    Next.PLANNING: PlanningScene,
    Next.EXECUTION: ExecutionScene,
    Next.DEBRIEF: DebriefScene,
    Next.REVIEW: ReviewScene,
}
# a joint exercise's window (ui/joint/main.py): its seat's scene, then the joint debrief
JOINT_SCENES: dict[Next, type[Scene]] = {
    Next.SEAT: SeatScene,
    Next.CONTROL: ControlScene,
    Next.OBSERVE: ObserveScene,
    Next.JOINT_DEBRIEF: JointDebriefScene,
    Next.JOINT_BRIEFING: JointBriefingScene,
    Next.JOINT_PLANNING: JointPlanningScene,
}


def scene_for(next_: Next, window: Window) -> Scene:
    """A new scene for the screen `next_` names (not Next.QUIT, which the window handles)."""
    return (SCENES.get(next_) or JOINT_SCENES[next_])(window)
