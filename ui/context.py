"""What the screens of the window share, as one typed object handed from scene to scene."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from sim.format.spec import Plan

if TYPE_CHECKING:
    from sim.engine.exercise import Exercise
    from sim.evaluation.journal import Journal
    from sim.format.scenario import Scenario


@dataclass
class Context:
    """What the scenes share: the chosen scenario, the plan, the running exercise, the result."""
    scenarios_dir: Path = Path("scenarios")
    results_dir: Path = Path("results")
    scenario: Optional["Scenario"] = None
    trainee: Optional[str] = None
    seed: int = 1
    plan: Optional[Plan] = None
    exercise: Optional["Exercise"] = None
    journal: Optional["Journal"] = None
    record: Optional[dict] = None
    record_path: Optional[Path] = None
    autoplay: bool = False
    screenshots: Optional[Path] = None
    show_help: bool = True
    message: str = ""  # one line shown at the bottom of the next scene
    luck_runs: int = 200  # seeds for the debrief's luck-adjusted score (0: not computed)
    luck: Optional[object] = None  # its sim.evaluation.background.LuckJob, kept across screens
    replay_t: Optional[float] = None  # a replay time another screen asks the debrief to show
    debrief_t: float = 0.0  # the debrief's replay time, for observations made in review
    evaluator: str = ""
    shots: list = field(default_factory=list)
