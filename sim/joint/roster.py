"""The controller's room: who plays each seat, whether they are connected and ready, when
the host last heard from them and their round-trip time; a warning when a seat drops.

Kept by the host from its connections (wall clock, not exercise time: a dropped link is a
matter of the room, not of the simulation). Whether the plan plays a seat comes from the
exercise, where handing a seat over is an input.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Optional

WARNINGS_KEPT = 8


@dataclass
class SeatPresence:
    seat: str
    name: str  # the seat's name in the scenario
    person: bool  # a person plays it in this run (else the plan, from the start)
    player: Optional[str] = None  # the name the player gave on joining
    connected: bool = False
    ready: bool = False
    last_heard: Optional[float] = None  # monotonic
    round_trip: Optional[float] = None  # seconds, from the connection's keepalive pings
    dropped_at: Optional[float] = None  # exercise time of the last drop, while it lasts


class Roster:
    def __init__(self, seats: list[tuple[str, str]], people: tuple[str, ...], now: Callable[[], float]):
        """`seats`: (id, name) of every agency seat; `people`: those people play; `now`: exercise time."""
        self.seats = {s: SeatPresence(s, name.split(" (")[0], s in people) for s, name in seats}
        self.now = now
        self.warnings: list[dict] = []  # {"t": exercise time, "seat":, "text":}, newest last

    def _warn(self, seat: str, text: str) -> None:
        self.warnings = (self.warnings + [{"t": round(self.now(), 1), "seat": seat, "text": text}])[-WARNINGS_KEPT:]

    def joined(self, seat: str, player: Optional[str]) -> None:
        presence = self.seats.get(seat)
        if presence is None:  # the controller or the observer
            return
        if presence.dropped_at is not None:
            self._warn(seat, f"{presence.name} is back")
        presence.player, presence.connected, presence.dropped_at = player, True, None
        presence.last_heard = time.monotonic()

    def left(self, seat: str, *, exercise_running: bool) -> None:
        presence = self.seats.get(seat)
        if presence is None:
            return
        presence.connected, presence.round_trip = False, None
        if exercise_running:  # a seat closing its window after the end is no drop
            presence.dropped_at = self.now()
            self._warn(seat, f"{presence.name} dropped")

    def heard(self, seat: Optional[str]) -> None:
        presence = self.seats.get(seat or "")
        if presence is not None:
            presence.last_heard = time.monotonic()

    def set_ready(self, seat: str, ready: bool) -> None:
        presence = self.seats.get(seat)
        if presence is None:
            raise ValueError("only an agency's seat says it is ready")
        presence.ready = ready

    def restore(self, journal_path) -> None:
        """After a host is resumed: which seats had said they were ready (the journal keeps it)."""
        import json
        try:
            lines = open(journal_path, encoding="utf-8").read().split("\n")[1:]
        except OSError:
            return
        for line in lines:
            try:
                entry = json.loads(line)
            except ValueError:  # a torn last line; the journal's reader says so
                continue
            if isinstance(entry, dict) and entry.get("type") == "ready" and entry.get("seat") in self.seats:
                self.seats[entry["seat"]].ready = bool(entry.get("ready"))

    def rows(self, by_plan: set[str], latency: Callable[[str], Optional[float]]) -> list[dict]:
        """The roster as the controller's window shows it, one row a seat."""
        now = time.monotonic()
        out = []
        for p in self.seats.values():
            if p.connected:
                p.round_trip = latency(p.seat)
            played = "plan" if (not p.person or p.seat in by_plan) else "person"
            out.append({"seat": p.seat, "name": p.name, "played": played, "player": p.player,
                        "connected": p.connected, "ready": p.ready or played == "plan",
                        "silent": None if p.last_heard is None else int(now - p.last_heard),
                        "rtt_ms": None if p.round_trip is None else round(p.round_trip * 1000),
                        "dropped_at": p.dropped_at})
        return out
