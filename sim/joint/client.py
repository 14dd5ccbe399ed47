"""A seat's connection to the host, on a thread of its own.

The window (or a script) calls `send_*` and `poll()`; neither waits for the network, so
the frame loop never freezes. A dropped connection is retried with the same token, and
the host sends the seat its current picture on rejoining.
"""
from __future__ import annotations

import itertools
import json
import queue
import threading
import time
from typing import Any, Optional

from .protocol import PROTOCOL_VERSION

RETRY_SECONDS = 1.0


class _Done:
    """Put in the outbox when a connection ends, so that connection's writer stops."""

    def __init__(self, ws: Any):
        self.ws = ws


class SeatClient:
    def __init__(self, address: str, seat: str, token: str, name: Optional[str] = None, *,
                 reconnect: bool = True):
        self.url = address if address.startswith(("ws://", "wss://")) else f"ws://{address}"
        self.seat, self.token, self.name = seat, token, name
        self.reconnect = reconnect
        self.welcome: Optional[dict] = None
        self.picture: Optional[dict] = None  # the latest picture
        self.errors: list[dict] = []  # error replies, oldest first
        self.acks: dict[int, float] = {}  # ref -> exercise time it was applied
        self.received: "queue.Queue[dict]" = queue.Queue()  # everything, for scripts and tests
        self.connected = threading.Event()
        self.fatal: Optional[str] = None  # why it gave up (wrong token, other version)
        self._outbox: "queue.Queue" = queue.Queue()  # text, None (close) or _Done (a connection ended)
        self._carry: Optional[str] = None  # taken from the outbox but not sent when the connection dropped
        self._refs = itertools.count(1)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"seat-{seat}", daemon=True)
        self._thread.start()

    # -- what the window calls -------------------------------------------------------------
    def poll(self) -> Optional[dict]:
        return self.picture

    def _send(self, message_type: str, **fields: Any) -> int:
        ref = next(self._refs)
        self._outbox.put(json.dumps({"type": message_type, "ref": ref, **fields}))
        return ref

    def order(self, order: dict, queue: bool = False) -> int:
        return self._send("order", order=order, queue=queue)

    def decide(self, decision: str, option: str) -> int:
        return self._send("decide", decision=decision, option=option)

    def message(self, to: str, via: str, text: str, about: Optional[str] = None,
                marker: Optional[dict] = None) -> int:
        fields: dict[str, Any] = {"to": to, "via": via, "text": text}
        if about:
            fields["about"] = about
        if marker:
            fields["marker"] = marker
        return self._send("send", **fields)

    def control(self, action: dict) -> int:
        return self._send("control", action=action)

    def ready(self, ready: bool = True) -> int:
        """Say the seat is ready to go (or no longer is)."""
        return self._send("ready", ready=ready)

    def observe(self, text: str, kind: str = "note") -> int:
        return self._send("observe", text=text, kind=kind)

    def raw(self, text: str) -> None:
        """Send any text as it is (for tests of a hostile client)."""
        self._outbox.put(text)

    def close(self) -> None:
        self._stop.set()
        self._outbox.put(None)
        self._thread.join(timeout=5)

    # -- the thread ------------------------------------------------------------------------
    def _run(self) -> None:
        from websockets.exceptions import ConnectionClosed, InvalidURI
        from websockets.sync.client import connect

        while not self._stop.is_set():
            try:
                with connect(self.url, open_timeout=5, max_size=2**22) as ws:
                    ws.send(json.dumps({"type": "hello", "version": PROTOCOL_VERSION, "seat": self.seat,
                                        "token": self.token, "name": self.name}))
                    self._pump(ws)
            except InvalidURI as exc:
                self.fatal = f"not an address: {exc}"
                return
            except (OSError, ConnectionClosed, TimeoutError):
                pass
            self.connected.clear()
            if self.fatal or not self.reconnect:
                return
            self._stop.wait(RETRY_SECONDS)

    def _pump(self, ws) -> None:
        """Read on this thread, write on another: neither polls, and a message the window
        sends goes out at once instead of at the reader's next turn."""
        from websockets.exceptions import ConnectionClosed
        writer = threading.Thread(target=self._write, args=(ws,), name=f"seat-{self.seat}-out", daemon=True)
        writer.start()
        try:
            while not self._stop.is_set():
                try:
                    raw = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                except ConnectionClosed:
                    raise
                if self._handle(json.loads(raw)):
                    return
        finally:
            self._outbox.put(_Done(ws))  # this connection's writer ends; what it did not send waits
            writer.join(timeout=5)

    def _write(self, ws) -> None:
        from websockets.exceptions import ConnectionClosed
        while True:
            text = self._carry if self._carry is not None else self._outbox.get()
            self._carry = None
            if isinstance(text, _Done):
                if text.ws is ws:
                    return
                continue  # an older connection's end, seen late
            if text is None:  # close()
                ws.close()
                return
            try:
                ws.send(text)
            except (ConnectionClosed, OSError):
                self._carry = text  # goes first on the next connection
                return

    def _handle(self, message: dict) -> bool:
        """One message from the host; True when the client must give up."""
        self.received.put(message)
        kind = message.get("type")
        if kind == "welcome":
            self.welcome = message
            self.connected.set()
        elif kind == "picture":
            self.picture = message
        elif kind == "ack":
            self.acks[message.get("ref", -1)] = message.get("t", 0.0)
        elif kind == "error":
            self.errors.append(message)
            if message.get("code") in ("bad_token", "version"):
                self.fatal = message["message"]
                return True
        return False

    def wait_for(self, test, timeout: float = 10.0) -> bool:
        """Scripts and tests: wait until `test(self)` holds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if test(self):
                return True
            time.sleep(0.002)
        return False
