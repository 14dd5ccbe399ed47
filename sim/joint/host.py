"""The host of a joint exercise: one authoritative Exercise, served to seats over WebSockets.

Every input from every seat is checked (who may do what), applied at once, and appended
to the journal (flushed and synced) with its seat and the exact point it was applied; a
killed host continues from the journal. The simulation's clock runs in exercise time at
the controller's speed; the host starts paused, so the seats can join and read their
briefing, and the controller starts it.

A bad message (not JSON, not the protocol, too large, out of turn, too many) gets an error
reply and a line in the host's log; it never reaches the engine.
"""
from __future__ import annotations

import asyncio
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, TextIO

from sim.engine.exercise import Exercise
from sim.engine.joint_inputs import CONTROLLER, OBSERVER, MessageRefused, NotYours
from sim.evaluation import record as records
from sim.evaluation.journal import Journal
from sim.format.scenario import Scenario
from . import protocol, tokens
from .broadcast import Outbox, limit_send_buffer
from .pace import hold
from .roster import Roster
from .admission import SEATED_AT_MOST, Admission
from .protocol import (PROTOCOL_VERSION, BadMessage, ControlMessage, DecideMessage, Hello, ObserveMessage,
                       OrderMessage, PingMessage, ReadyMessage, SendMessage)

TICK_SECONDS = 0.05  # wall-clock seconds between clock steps
PICTURE_EVERY = 0.2  # wall-clock seconds between pictures (sooner after a seat's own input)
RATE_PER_SECOND = 30.0  # messages a connection may send, on average...
BURST = 60.0  # ...and at once
SPEEDS = (0.5, 1, 2, 4, 8, 16)
HOST_ACTIONS = ("pause", "resume", "speed")
KEEPALIVE_SECONDS = 5.0  # a ping to each client this often: its round-trip time for the room
STRIKES_BEFORE_HELLO = 3  # refused messages before a hello, then the connection is closed


@dataclass
class Connection:
    """One client's connection, before and after its hello."""
    send: Callable[[str], Any]
    close: Optional[Callable[[], Any]] = None  # ends the connection (a rejoin replaces it)
    seat: Optional[str] = None
    name: Optional[str] = None
    allowance: float = BURST
    checked: float = field(default_factory=time.monotonic)
    refused: int = 0
    last_refusal_reply: float = 0.0
    last_picture: Optional[str] = None
    applied: int = -1  # the ref of its last input that was applied
    latency: Callable[[], Optional[float]] = lambda: None  # keepalive round trip, seconds
    wants_picture: bool = True
    outbox: Any = None  # its broadcast.Outbox: what goes out to it, on a task of its own

    def allowed(self) -> bool:
        """Token bucket: a flood is refused without touching the engine."""
        now = time.monotonic()
        self.allowance = min(BURST, self.allowance + (now - self.checked) * RATE_PER_SECOND)
        self.checked = now
        if self.allowance < 1.0:
            return False
        self.allowance -= 1.0
        return True


class Host:
    def __init__(self, scenario: Scenario, exercise: Exercise, journal: Journal, digests: dict[str, str], *,
                 results_dir: Path, log: TextIO = sys.stderr, on_record: Optional[Callable[[dict], None]] = None):
        self.scenario = scenario
        self.exercise = exercise
        self.journal = journal
        self.digests = digests  # seat -> SHA-256 of its token
        self.results_dir = Path(results_dir)
        self.key_dir = self.results_dir  # where the signing key is kept: beside the results store
        self.log_file = log
        self.on_record = on_record
        self.paused = True
        self.speed = 1.0
        self.connections: list[Connection] = []
        self.record_path: Optional[Path] = None
        self.finish_failed: Optional[str] = None  # why the record could not be written (said once)
        self.refusals = 0
        self.roster = Roster([(s.id, s.name) for s in scenario.spec.seats], tuple(exercise.joint or ()),
                             lambda: self.exercise.now)

    # -- the log -------------------------------------------------------------------------
    def log(self, text: str) -> None:
        # what a client sent is never written raw: no fake lines, no terminal escapes
        text = protocol.printable(text, 1000)
        print(f"[host T+{self.exercise.now:7.1f}s] {text}", file=self.log_file, flush=True)

    # -- one message -----------------------------------------------------------------------
    def receive(self, conn: Connection, raw: str | bytes) -> list[dict]:
        """Handle one message from a connection; returns the replies to send it."""
        if not conn.allowed():
            conn.refused += 1
            self.refusals += 1
            if conn.refused in (1, 10, 100, 1000, 10_000):
                self.log(f"{conn.seat or 'unknown client'}: {conn.refused} messages refused (too many)")
            now = time.monotonic()
            if now - conn.last_refusal_reply >= 1.0:  # one reply a second, not one a message
                conn.last_refusal_reply = now
                reply = {"type": "error", "code": "too_many", "message":
                         f"too many messages: at most {RATE_PER_SECOND:g} a second"}
                ref = protocol.ref_of(raw)  # read only when a reply goes: a flood is not parsed
                return [reply if ref is None else {**reply, "ref": ref}]
            return []
        try:
            message = protocol.parse(raw)
        except BadMessage as exc:
            return self._refuse(conn, exc.code, str(exc), exc.ref)
        except Exception as exc:  # nothing a client sends may take the host down
            return self._refuse(conn, "bad_message", f"unreadable message ({type(exc).__name__})")
        ref = getattr(message, "ref", None)
        if isinstance(message, Hello):
            return self._hello(conn, message)
        if conn.seat is None:
            return self._refuse(conn, "hello_first", "say hello first (version, seat, token)", ref)
        self.roster.heard(conn.seat)
        if isinstance(message, PingMessage):
            return [{"type": "ack", "ref": ref}]
        try:
            self._apply(conn, message)
        except (NotYours, PermissionError) as exc:
            return self._refuse(conn, "not_allowed", str(exc), ref)
        except MessageRefused as exc:
            return self._refuse(conn, "cannot_send", str(exc), ref)
        except (ValueError, RuntimeError, KeyError, TypeError) as exc:
            return self._refuse(conn, "refused", str(exc), ref)
        except Exception as exc:  # a bug of ours: the seat is told, the host goes on
            return self._refuse(conn, "internal", f"the host could not apply it ({type(exc).__name__})", ref)
        conn.applied = ref
        conn.wants_picture = True  # its own picture at once; the others' at the next round
        return [{"type": "ack", "ref": ref, "t": round(self.exercise.now, 3)}]

    def _refuse(self, conn: Connection, code: str, text: str, ref: Optional[int] = None) -> list[dict]:
        self.refusals += 1
        self.log(f"{conn.seat or 'unknown client'}: refused ({code}): {text}")
        reply = {"type": "error", "code": code, "message": text}
        if ref is not None:
            reply["ref"] = ref
        return [reply]

    def _hello(self, conn: Connection, hello: Hello) -> list[dict]:
        if hello.version != PROTOCOL_VERSION:
            return self._refuse(conn, "version", f"this host speaks protocol version {PROTOCOL_VERSION}; "
                                f"the client speaks {hello.version}: use the same version of the software", hello.ref)
        wanted = self.digests.get(hello.seat)
        if wanted is None or not tokens.matches(hello.token, wanted):
            return self._refuse(conn, "bad_token", "unknown seat or wrong token", hello.ref)
        if conn.seat is not None and conn.seat != hello.seat:
            return self._refuse(conn, "hello_again", f"this connection is seat {conn.seat} already", hello.ref)
        if conn.seat is None and sum(1 for c in self.connections if c.seat is not None) >= SEATED_AT_MOST:
            return self._refuse(conn, "full", f"the host serves at most {SEATED_AT_MOST} connections", hello.ref)
        for other in list(self.connections):  # a rejoin replaces the seat's old connection
            if other is not conn and other.seat == hello.seat:
                self.connections.remove(other)
                other.seat = None  # whatever it still sends is refused
                if other.close is not None:
                    other.close()
                self.log(f"{hello.seat}: rejoined; the old connection is closed")
        conn.seat, conn.name, conn.wants_picture, conn.last_picture = hello.seat, hello.name, True, None
        self.roster.joined(hello.seat, hello.name)
        self.log(f"{hello.seat}: joined" + (f" ({hello.name})" if hello.name else ""))
        return [self.welcome(hello.seat), self.picture(conn)]

    def _apply(self, conn: Connection, message) -> None:
        exercise, seat = self.exercise, conn.seat
        agency_seat = seat not in (CONTROLLER, OBSERVER)
        if isinstance(message, ObserveMessage):
            if seat not in (OBSERVER, CONTROLLER):
                raise NotYours("only the observer and the controller write observations")
            exercise.observe(message.text, seat=seat, kind=message.kind)
            return
        if exercise.finished:
            raise RuntimeError("the exercise is over")
        if isinstance(message, ReadyMessage):
            self._ready(seat, message.ready)
            return
        if isinstance(message, ControlMessage):
            if seat != CONTROLLER:
                raise NotYours("only the controller steers the exercise")
            action = message.action_dict()  # typed and its text checked by the protocol
            if action["do"] in HOST_ACTIONS:
                self._clock_action(action)
            else:
                exercise.control(action)
            return
        if not agency_seat:
            raise NotYours(f"the {seat} does not give orders, decide or send messages")
        if isinstance(message, OrderMessage):
            from sim.evaluation.record import order_of
            try:
                order = order_of(message.order)
            except Exception as exc:  # pydantic's error, in one line
                raise ValueError(f"not an order: {str(exc).splitlines()[0]}") from None
            exercise.apply(order, queue=message.queue, seat=seat)
        elif isinstance(message, DecideMessage):
            exercise.decide(message.decision, message.option, seat=seat)
        elif isinstance(message, SendMessage):
            marker = message.marker.model_dump() if message.marker else None
            if marker:
                marker["cell"] = list(marker["cell"])
            exercise.send(seat, message.to, message.via, message.text, about=message.about, marker=marker)

    def _clock_action(self, action: dict) -> None:
        kind = action["do"]
        if kind == "speed":
            speed = action.get("x")
            if speed not in SPEEDS:
                raise ValueError(f"speed: one of {', '.join(f'{s:g}' for s in SPEEDS)}")
            self.speed = float(speed)
        else:
            self.paused = kind == "pause"
        # not an input of the simulation (it runs in exercise time): journaled for the record of the session
        self.journal.append({"type": "clock", "t": self.exercise.now, "step": self.exercise.steps,
                             "seat": CONTROLLER, "do": kind, "x": action.get("x")})
        self.log(f"controller: {kind}" + (f" {action.get('x')}x" if kind == "speed" else ""))

    def _ready(self, seat: str, ready: bool) -> None:
        self.roster.set_ready(seat, ready)
        # the room's state, not an input of the simulation: journaled for the record of the session
        self.journal.append({"type": "ready", "t": self.exercise.now, "step": self.exercise.steps,
                             "seat": seat, "ready": ready})
        self.log(f"{seat}: {'ready' if ready else 'not ready'}")

    def left(self, conn: Connection) -> None:
        """A seat's connection ended (closed, dropped or stalled)."""
        self.roster.left(conn.seat, exercise_running=not self.exercise.finished)
        self.log(f"{conn.seat}: left (the exercise goes on)")

    def room(self) -> dict:
        """The controller's view of the room: the roster and its warnings."""
        live = {c.seat: c for c in self.connections if c.seat}
        seats = self.exercise.seats
        by_plan = set(seats.by_plan) if seats is not None else set()
        rows = self.roster.rows(by_plan, lambda s: live[s].latency() if s in live else None)
        planned: dict[str, list] = {}  # each seat's plan: the orders it queued before the start
        for entry in self.exercise.inputs:
            if entry["type"] == "order" and entry.get("queue") and entry["t"] == 0:
                planned.setdefault(entry.get("seat"), []).append(entry["order"])
        for row in rows:
            row["planned"] = planned.get(row["seat"], [])
        return {"seats": rows, "warnings": list(self.roster.warnings)}

    # -- what goes out -------------------------------------------------------------------
    def welcome(self, seat: str) -> dict:
        spec = self.scenario.spec
        seats = self.exercise.seats
        units = [u.id for u in spec.units if seats.seat_of_unit[u.id] == seat] if seat in seats.seats else []
        links = {s: [c.id for c in seats.channels_between(seat, s)] for s in seats.seats if s != seat} \
            if seat in seats.seats else {}
        return {"type": "welcome", "version": PROTOCOL_VERSION, "seat": seat,
                "role": seat if seat in (CONTROLLER, OBSERVER) else "agency",
                "scenario": {"id": spec.id, "title": spec.title, "path": self.scenario.path,
                             "sha256": self.scenario.sha256},
                "seats": [{"id": s.id, "name": s.name, "played": s.id in self.exercise.joint} for s in spec.seats],
                "channels": [{"id": c.id, "name": c.name, "kind": c.kind, "delay": c.delay} for c in spec.channels],
                "units": units, "links": links,
                "injects": [i.id for i in spec.injects] if seat == CONTROLLER else []}

    def picture(self, conn: Connection) -> dict:
        view = "trainer" if conn.seat in (CONTROLLER, OBSERVER) else conn.seat
        snap = self.exercise.snapshot(view)
        running_at, held = hold(self.exercise, self.speed)
        picture = {"type": "picture", "seat": conn.seat, "paused": self.paused, "speed": self.speed,
                   "running_at": running_at, "held": held,
                   "applied": conn.applied, "record": str(self.record_path) if self.record_path else None,
                   "snapshot": protocol.snapshot_to_dict(snap)}
        if conn.seat == CONTROLLER:
            picture["room"] = self.room()
        return picture

    def pictures_due(self, only: Optional[Connection] = None) -> list[tuple[Connection, str]]:
        """The pictures to send now: to each seat (or `only` one) whose picture changed."""
        out = []
        for conn in self.connections if only is None else [only]:
            if conn.seat is None:
                continue
            text = json.dumps(self.picture(conn), separators=(",", ":"))
            if text != conn.last_picture:
                conn.last_picture = text
                out.append((conn, text))
            conn.wants_picture = False
        return out

    # -- the clock -------------------------------------------------------------------------
    def tick(self, wall_seconds: float) -> None:
        exercise = self.exercise
        if exercise.finished:
            if self.record_path is None and self.finish_failed is None:  # also a resumed exercise that had ended
                self.finish()
            return
        if self.paused:
            return
        running_at, _ = hold(exercise, self.speed)  # 1x while a person decides
        try:
            exercise.advance(wall_seconds * running_at)
        except Exception as exc:  # never a silent freeze: say so, pause, keep serving
            self.paused = True
            self.log(f"the simulation failed ({type(exc).__name__}: {exc}); paused. The journal keeps "
                     "every input; report this with it")
            return
        if exercise.finished and self.record_path is None and self.finish_failed is None:
            self.finish()

    def finish(self) -> None:
        """Write the run record, once. If that fails (a full disk, a folder that went away),
        say once what failed and how to recover, and do not try again every tick: the journal
        holds every input, so nothing is lost."""
        try:
            record = records.make_record(self.exercise)
            self.record_path = records.save(record, self.results_dir, key_dir=self.key_dir)
        except Exception as exc:
            self.finish_failed = f"{type(exc).__name__}: {exc}"
            self.log(f"the exercise is over ({self.exercise.end_reason}) but its run record could not be "
                     f"written ({self.finish_failed}). Nothing is lost: the journal {self.journal.path} keeps "
                     f"every input. Once the cause is fixed: python run_exercise.py host --resume {self.journal.path}")
            return
        self.log(f"the exercise is over ({self.exercise.end_reason}); run record: {self.record_path}")
        if self.on_record is not None:
            try:
                self.on_record(record)
            except Exception as exc:  # the record file is written; only the store's copy is missing
                self.log(f"the run record {self.record_path} is written, but it could not be added to the "
                         f"results store ({type(exc).__name__}: {exc}); `verify` and `replay` read the file")

    @property
    def over(self) -> bool:
        """The exercise is over and finishing was tried (the record written, or failed and said)."""
        return self.record_path is not None or self.finish_failed is not None


# -- starting and serving --------------------------------------------------------------

def start(scenario: Scenario, seed: int, humans: tuple[str, ...], *, journal_path: Path, results_dir: Path,
          trainee: Optional[str] = None, log: TextIO = sys.stderr) -> tuple[Host, dict[str, str]]:
    """A new joint exercise; returns the host and a token for each seat people play."""
    seats = humans + (CONTROLLER, OBSERVER)
    secret = {seat: tokens.new_token() for seat in seats}
    exercise = Exercise(scenario, seed, scenario.spec.doctrine_plan, interactive=True, trainee=trainee,
                        joint=humans)
    journal = Journal.start(journal_path, exercise, extra={"tokens": {s: tokens.digest(t) for s, t in secret.items()}})
    exercise._on_input = journal.append
    host = Host(scenario, exercise, journal, {s: tokens.digest(t) for s, t in secret.items()},
                results_dir=results_dir, log=log)
    return host, secret


def resume(journal_path: Path, scenario: Scenario, *, results_dir: Path, log: TextIO = sys.stderr) -> Host:
    """A killed host's exercise, rebuilt from its journal; the seats' old tokens still work."""
    from sim.evaluation.journal import read, resume as resume_journal
    header, _ = read(journal_path)
    exercise, journal = resume_journal(journal_path, scenario)
    host = Host(scenario, exercise, journal, dict(header.get("tokens", {})), results_dir=results_dir, log=log)
    host.roster.restore(journal_path)
    host.log(f"resumed from {journal_path}: {len(exercise.inputs)} inputs re-applied")
    return host


async def serve(host: Host, bind: str, port: int, *, ready: Optional[Callable[[int], None]] = None,
                stop: Optional[asyncio.Event] = None) -> None:
    """Serve seats until `stop` is set (or the task is cancelled)."""
    from websockets.asyncio.server import serve as ws_serve
    from websockets.exceptions import ConnectionClosed

    admission = Admission()  # connections without a hello wait apart: they never take a seat's place
    said = {"late": 0, "evicted": 0}

    def say_now_and_then(what: str, text: str) -> None:
        said[what] += 1
        if said[what] in (1, 10, 100, 1000) or said[what] % 10_000 == 0:
            host.log(f"{said[what]} connection(s) so far {text}")

    async def handler(websocket) -> None:
        address = str((websocket.remote_address or ("?",))[0])

        def make_room(why: str) -> None:
            say_now_and_then("evicted", "closed to make room: they said no hello")
            asyncio.ensure_future(websocket.close(1013, why))

        waiting = admission.arrive(address, make_room)
        conn = Connection(send=websocket.send,
                          close=lambda: asyncio.ensure_future(websocket.close(4000, "replaced by a rejoin")))
        limit_send_buffer(websocket.transport)

        def drop(line: str) -> None:
            host.log(line)
            websocket.transport.abort()  # a stalled peer cannot take part in a closing handshake

        conn.outbox = Outbox(websocket.send, drop, lambda: conn.seat or "unknown client").start()
        conn.latency = lambda: websocket.latency or None  # 0 until the first keepalive pong
        conn.send = conn.outbox.reply
        host.connections.append(conn)

        async def hello_or_close() -> None:
            await asyncio.sleep(admission.hello_within)
            if conn.seat is None and conn in host.connections:
                say_now_and_then("late", "said no hello in time; closed")
                await websocket.close(4001, "no hello")

        deadline = asyncio.ensure_future(hello_or_close())
        strikes = 0
        try:
            async for raw in websocket:
                replies = host.receive(conn, raw)
                for reply in replies:
                    conn.send(json.dumps(reply, separators=(",", ":")))
                if conn.seat is not None:
                    admission.leave(waiting)
                elif any(r.get("type") == "error" for r in replies):
                    strikes += 1
                    if strikes >= STRIKES_BEFORE_HELLO:
                        await conn.outbox.drain(1.0)  # the refusals reach it before the close
                        await websocket.close(4001, "say hello first")
                        break
                await conn.outbox.room()  # a client that sends faster than it reads waits, alone
                if conn.wants_picture and conn.seat is not None:
                    _post_pictures(host, conn)
        except ConnectionClosed:
            pass
        finally:
            deadline.cancel()
            conn.outbox.stop()
            admission.leave(waiting)
            if conn in host.connections:
                host.connections.remove(conn)
                if conn.seat:
                    host.left(conn)

    async def clock() -> None:
        last = time.monotonic()
        next_picture = last
        failed = False
        while True:
            await asyncio.sleep(TICK_SECONDS)
            now = time.monotonic()
            try:
                host.tick(min(now - last, 0.5))  # a stalled loop does not leap the exercise ahead
            except Exception as exc:  # a bug of ours: said once, not every tick; the journal keeps all
                if not failed:
                    host.log(f"the clock failed ({type(exc).__name__}: {exc}); the journal keeps every input: "
                             f"python run_exercise.py host --resume {host.journal.path}")
                failed = True
            last = now
            if now >= next_picture:
                next_picture = now + PICTURE_EVERY
                _post_pictures(host)

    # a client that never finishes the WebSocket handshake is dropped as soon as a silent one
    async with ws_serve(handler, bind, port, max_size=256 * 1024, max_queue=64,
                        ping_interval=KEEPALIVE_SECONDS, open_timeout=admission.hello_within) as server:
        actual = next(iter(server.sockets)).getsockname()[1]
        if ready is not None:
            ready(actual)
        ticker = asyncio.ensure_future(clock())
        try:
            if stop is None:
                await asyncio.Future()
            else:
                await stop.wait()
        finally:
            ticker.cancel()


def _post_pictures(host: Host, only: Optional[Connection] = None) -> None:
    """Hand each due picture to its client's outbox; none of them is waited for here."""
    for conn, text in host.pictures_due(only):
        if conn.outbox is not None:
            conn.outbox.put_picture(text)
