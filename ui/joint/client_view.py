"""What a joint window reads from its seat's connection, in words ready to show.

The network client (`sim.joint.client.SeatClient`) runs on its own thread; this wrapper
only reads what that thread last stored, so nothing here ever waits for the network and
the frame loop keeps turning while the host is slow, gone or restarting.
"""
from __future__ import annotations

from typing import Optional

from sim.engine.narrate import clock, humanise, names_of
from sim.engine.snapshot import Marker, Snapshot
from sim.format.scenario import Scenario
from sim.joint.protocol import snapshot_from_dict

# what a host's error code means to a trainee, when its own words are not enough
ERROR_WORDS = {"not_allowed": "Not allowed", "cannot_send": "Not sent", "bad_order": "Order refused",
               "too_many": "Too many messages at once"}


def age_words(seconds: float) -> str:
    """'just now', '40 s ago', '3 min ago': an age a trainee reads at a glance."""
    seconds = max(0, int(seconds))
    if seconds < 5:
        return "just now"
    if seconds < 120:
        return f"{seconds} s ago"
    return f"{seconds // 60} min ago"


class SeatLink:
    """A seat's connection as the window sees it: state, picture, errors, names."""

    def __init__(self, client, scenario: Scenario):
        self.client = client
        self.scenario = scenario
        welcome = client.welcome or {}
        self.seat = client.seat
        self.role = welcome.get("role", "agency")
        spec = scenario.spec
        self.seat_names = {s.id: s.name for s in spec.seats} | {"controller": "Exercise control",
                                                                  "observer": "Observer"}
        self.channels = {c.id: c for c in spec.channels}
        self.names = names_of(spec) | self.seat_names | {c.id: c.name for c in spec.channels}
        # intelligence is named by its inject; a trainee knows it by where it came from
        self.names |= {i.id: i.source or i.id.replace("_", " ") for i in spec.injects}
        self._picture_seen: Optional[dict] = None
        self._snapshot: Optional[Snapshot] = None
        self._errors_seen = 0
        self.ever_connected = client.connected.is_set()

    # -- connection ------------------------------------------------------------------------
    @property
    def welcome(self) -> dict:
        return self.client.welcome or {}

    @property
    def state(self) -> str:
        """connected / connecting / reconnecting / refused: <why>"""
        if self.client.fatal:
            return f"refused: {self.client.fatal}"
        if self.client.connected.is_set():
            self.ever_connected = True
            return "connected"
        return "reconnecting" if self.ever_connected else "connecting"

    @property
    def picture(self) -> dict:
        return self.client.picture or {}

    def snapshot(self) -> Optional[Snapshot]:
        """The latest picture as a Snapshot; parsed once per picture, not once per frame."""
        picture = self.client.picture
        if picture is not None and picture is not self._picture_seen:
            self._picture_seen = picture
            self._snapshot = snapshot_from_dict(picture["snapshot"])
        return self._snapshot

    @property
    def paused(self) -> bool:
        return bool(self.picture.get("paused", True))

    @property
    def speed(self) -> float:
        return float(self.picture.get("speed", 1))

    @property
    def held(self) -> Optional[dict]:
        """Why the clock runs slower than the controller set it: a person's decision is open."""
        return self.picture.get("held")

    @property
    def room(self) -> dict:
        """The controller's roster of seats and its warnings (only the controller gets it)."""
        return self.picture.get("room") or {"seats": [], "warnings": []}

    @property
    def record_path(self) -> Optional[str]:
        return self.picture.get("record")

    @property
    def started(self) -> bool:
        """Has the controller ever started the clock? (The host starts paused at T+0.)"""
        snap = self.snapshot()
        return snap is not None and (snap.t > 0 or not self.paused)

    def status_words(self) -> str:
        """The one line under the clock: who holds the clock and how fast it runs."""
        snap = self.snapshot()
        if snap is not None and snap.finished:
            return f"EXERCISE OVER · {snap.end_reason}"
        if not self.started:
            return "WAITING FOR THE CONTROLLER TO START"
        if self.paused:
            return "PAUSED BY THE CONTROLLER"
        x = self.speed
        held = self.held
        if held is not None:
            return "CLOCK STOPPED FOR A DECISION" if held.get("why") == "paused" else \
                f"RUNNING {float(self.picture.get('running_at', 1)):g}x (set {x:g}x)"
        return f"RUNNING {x:g}x"

    def new_errors(self) -> list[str]:
        """The host's error replies not shown yet, in plain words."""
        errors = self.client.errors[self._errors_seen:]
        self._errors_seen += len(errors)
        out = []
        for e in errors:
            head = ERROR_WORDS.get(e.get("code", ""), "")
            message = humanise(e.get("message", "") or e.get("code", "error"), self.names)
            out.append(f"{head}: {message}" if head and not message.lower().startswith(head.lower()) else message)
        return out

    # -- words -------------------------------------------------------------------------------
    def seat_name(self, seat: str) -> str:
        """The seat's name without its parenthesis: 'HKPF incident command', short enough for a
        menu or a feed line (the top bar shows the whole name)."""
        return self.seat_names.get(seat, seat).split(" (")[0]

    def channel_label(self, channel: str, *, delay_first: bool = False) -> str:
        """'Direct police-to-police liaison (30 s)'; in a narrow menu the delay comes first,
        so a cut name never hides how long the message takes."""
        c = self.channels.get(channel)
        if c is None:
            return channel
        delay = c.delay
        wait = f"{delay:.0f} s" if delay < 120 else f"{delay / 60:.0f} min"
        return f"{wait} · {c.name}" if delay_first else f"{c.name} ({wait})"

    def recipients(self) -> list[str]:
        """The seats this seat can message, in the scenario's order."""
        links = self.welcome.get("links", {})
        return [s.id for s in self.scenario.spec.seats if s.id in links and links[s.id]]

    def channels_to(self, seat: str) -> list[str]:
        return list(self.welcome.get("links", {}).get(seat, []))

    def known(self, snap: Snapshot) -> list[tuple[Marker, str]]:
        """What this seat knows besides its own units, each with how and how long ago."""
        out = []
        for m in snap.markers:
            if m.kind == "unit" and (self.role != "agency" or m.id in self.welcome.get("units", [])):
                continue
            if not m.present and m.kind != "evidence":
                continue
            out.append((m, self.known_line(m, snap.t)))
        return out

    def known_line(self, m: Marker, now: float) -> str:
        """'Nok (bedroom 2) — told by HK command via direct liaison, 2 min ago'"""
        name = self.names.get(m.id, m.name).split(" (")[0]
        room = self.scenario.grid.room_at(tuple(m.cell))
        where = f" in {self.names.get(room, room)}" if room else ""
        if self.role != "agency":  # the trainer's view is the truth: say what it is doing
            return f"{name}{where} — {humanise(m.state, self.names) if m.state else m.kind}"
        how = self._source_words(m.source) if m.source else ("seen" if not m.stale else "seen earlier")
        when = "in sight now" if not m.stale or m.seen_at is None else f"last known {age_words(now - m.seen_at)}"
        return f"{name}{where} — {how}, {when}"

    def _source_words(self, source: str) -> str:
        """The engine's 'intelligence (thai_tip)' with the inject's source named instead."""
        head, _, rest = source.partition(" (")
        if rest.endswith(")") and rest[:-1] in self.names:
            return f"{head} ({self.names[rest[:-1]]})"
        return source

    def time_text(self) -> str:
        snap = self.snapshot()
        return f"T+{clock(snap.t)}" if snap is not None else "T+--:--"
