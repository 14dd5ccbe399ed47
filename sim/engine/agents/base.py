"""What every person on the plan shares: a cell, a walking speed, and how to walk.

Walking follows a cached distance field downhill one cell at a time. A door cell is a
SimPy resource of capacity one: people queue at doors and a team files through one
by one. Speeds come from the pedestrian literature: free walking about 1.34 m/s
(s.d. 0.26 m/s, Weidmann 1993; Fruin), about half that on stairs.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Generator, Optional

import numpy as np
import simpy

from sim.format import floorplan

if TYPE_CHECKING:
    from sim.engine.world import World

Cell = tuple[int, int]

FREE_SPEED_MEAN = 1.34  # m/s
FREE_SPEED_SD = 0.26
FREE_SPEED_MIN, FREE_SPEED_MAX = 0.75, 1.9
STAIRS_FACTOR = 0.5
TACTICAL_FACTOR = 0.6  # a stacked team moving with shields, covering angles
ESCORT_FACTOR = 0.75
INJURED_FACTOR = 0.55
SECONDS_PER_FILE = 0.8  # each further member of a team passing a doorway
OPEN_DOOR_SECONDS = 1.5

_NEIGHBOURS = floorplan.NEIGHBOURS


class Blocked(Exception):
    """A walk cannot go on: no path, or a locked door in the way (its id)."""

    def __init__(self, reason: str, door: Optional[str] = None):
        super().__init__(reason)
        self.door = door


class Agent:
    kind = "agent"
    outside_at: Optional[Cell] = None  # only a unit covering a window from outside has one

    def __init__(self, world: "World", ident: str, name: str, cell: Cell, languages: tuple[str, ...],
                 *, present: bool = True, size: int = 1):
        self.world = world
        self.id = ident
        self.name = name
        self.cell = cell
        self.languages = tuple(languages)
        self.present = present
        self.size = size
        self.state = "idle"
        speed = world.streams(f"{ident}:speed").normal(FREE_SPEED_MEAN, FREE_SPEED_SD)
        self.free_speed = float(np.clip(speed, FREE_SPEED_MIN, FREE_SPEED_MAX))
        self.speed_factor = 1.0
        self._door: Optional[tuple[str, simpy.Request]] = None
        self._door_waiting: Optional[tuple[str, simpy.Request]] = None

    @property
    def env(self) -> simpy.Environment:
        return self.world.env

    def hear(self, level_db: float, cause: str) -> None:
        """Called when a noise reaches this agent; most agents ignore it."""

    def speed(self) -> float:
        factor = self.speed_factor * (STAIRS_FACTOR if self.world.slow_cells[self.cell] else 1.0)
        return self.free_speed * factor

    def shares_language(self, other: "Agent") -> bool:
        return bool(set(self.languages) & set(other.languages))

    def walk(self, targets: tuple[Cell, ...], *, stop_before: bool = False,
             follower: Optional["Agent"] = None) -> Generator:
        """Walk to any of `targets`; with stop_before, halt on the cell next to it.

        Raises Blocked when no path exists; names the locked door if one is in the way.
        A `follower` (an escorted victim) steps behind and sets the pace if slower.
        """
        world = self.world
        way, door_version = None, -1
        while True:
            if self.cell in targets and not stop_before:
                return
            if door_version != world._door_version:  # a door changed: is this way still good?
                if way is None or not way.still_good(world.doors):
                    way = world.way_to(targets, self.cell)
                door_version = world._door_version
            nxt = way.step_from(self.cell)
            if nxt is None:
                if not math.isfinite(way.distance(self.cell)):
                    raise Blocked(*self._why_blocked(targets))
                return
            if stop_before and nxt in targets:
                return
            yield from self._step(nxt, follower)

    def _why_blocked(self, targets: tuple[Cell, ...]) -> tuple[str, Optional[str]]:
        world = self.world
        field = world.distance_to(targets, optimistic=True)
        if not np.isfinite(field[self.cell]):
            return "no way there", None
        # Walk the optimistic path until the first door that is shut to us.
        cell = self.cell
        for _ in range(field.size):
            door_id = world.door_at.get(cell)
            if door_id and not world.doors[door_id].passable:
                return f"{door_id} is {world.doors[door_id].label}", door_id
            r, c = cell
            options = [((r + dr, c + dc), field[r + dr, c + dc]) for dr, dc, _ in _NEIGHBOURS
                       if 0 <= r + dr < field.shape[0] and 0 <= c + dc < field.shape[1]]
            nxt, value = min(options, key=lambda o: (o[1], o[0]))
            if value >= field[cell]:
                break
            cell = nxt
        return "no way there", None

    def _step(self, nxt: Cell, follower: Optional["Agent"]) -> Generator:
        world = self.world
        metres = math.dist(self.cell, nxt) * world.grid.cell_size
        speed = self.speed()
        if follower is not None:
            speed = min(speed, follower.speed() * ESCORT_FACTOR)
        door_id = world.door_at.get(nxt)
        seconds = metres / speed
        if door_id is not None and (self._door is None or self._door[0] != door_id):
            door = world.doors[door_id]
            turn = door.resource.request()  # one person (or one team) in the doorway
            self._door_waiting = (door_id, turn)
            yield turn
            self._door_waiting = None
            self.release_door()
            self._door = (door_id, turn)
            if not door.open and not door.broken:
                if not door.passable:
                    raise Blocked(f"{door_id} is {door.label}", door_id)
                yield self.env.timeout(OPEN_DOOR_SECONDS)
                door.open = True
                world.door_changed()
                world.emit("door_opened", subject=door_id, by=self.id, how="opened")
            seconds += SECONDS_PER_FILE * (self.size - 1)
        yield self.env.timeout(seconds)
        self._move_to(nxt, follower)
        if door_id is None:
            self.release_door()

    def release_door(self) -> None:
        """Give up a doorway this agent holds or queues for (after a step, or when interrupted)."""
        for slot in ("_door", "_door_waiting"):
            held = getattr(self, slot, None)
            if held is not None:
                door_id, turn = held
                if turn.triggered:
                    self.world.doors[door_id].resource.release(turn)
                else:
                    turn.cancel()  # still queueing: leave the queue
                setattr(self, slot, None)

    def _move_to(self, cell: Cell, follower: Optional["Agent"]) -> None:
        previous = self.cell
        self.cell = cell
        self.previous_cell = previous
        self.world.poke()
        if follower is not None:
            follower.cell = previous
        before, after = self.world.room_of(previous), self.world.room_of(cell)
        if after and after != before:
            self.entered_room(after)

    def entered_room(self, room: str) -> None:
        """Called when this agent steps into a room."""


def kind_name(kind: int) -> str:
    return floorplan.KIND_NAMES[kind]
