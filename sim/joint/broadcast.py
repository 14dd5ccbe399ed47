"""What the host sends each client goes out on a task of that client's own, so a slow or
stalled client delays only itself: the clock loop and the other seats never wait for it.

Replies (acks, errors, the welcome) are kept in order and never dropped; pictures are
coalesced, since only the newest matters: a client that reads slowly gets fewer, fresher
pictures instead of a growing backlog. A client that stops reading is bounded: when its
replies pile up past a limit, or one send has not gone through for `STALL_SECONDS`, it is
dropped with a line in the host's log saying why, and may rejoin with its token.
"""
from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Callable, Optional

ROOM = 32  # replies waiting for a client before the host stops reading from it (until they go)
MAX_REPLIES = 256  # replies waiting for a client before it is dropped (a safety net behind ROOM)
STALL_SECONDS = 10.0  # one send not through in this long: the client has stopped reading
SEND_BUFFER_BYTES = 256 * 1024  # the kernel's send buffer per client: a stall shows in seconds, not minutes


class Outbox:
    """One client's outgoing messages, and the task that sends them."""

    def __init__(self, send: Callable[[str], Any], drop: Callable[[str], None], label: Callable[[], str]):
        self._send = send  # the connection's coroutine send
        self._drop = drop  # closes the connection at once (no closing handshake with a stalled peer)
        self._label = label  # who it is, for the log line, as known when it is dropped
        self.replies: deque[str] = deque()
        self.picture: Optional[str] = None
        self.pictures_skipped = 0  # replaced before they went: the client reads slower than they come
        self.dropped: Optional[str] = None  # why it was dropped
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self.task: Optional[asyncio.Task] = None

    def start(self) -> "Outbox":
        self.task = asyncio.ensure_future(self._run())
        return self

    def reply(self, text: str) -> None:
        if self.dropped:
            return
        self.replies.append(text)
        if len(self.replies) > MAX_REPLIES:
            self._give_up(f"{len(self.replies)} replies waiting: it has stopped reading")
            return
        self._wake.set()

    def put_picture(self, text: str) -> None:
        if self.dropped:
            return
        if self.picture is not None:
            self.pictures_skipped += 1
        self.picture = text
        self._wake.set()

    async def room(self) -> None:
        """Wait (this client's reader only) while too many of its replies wait to go."""
        if len(self.replies) >= ROOM and not self.dropped:
            self._room.clear()
            await self._room.wait()

    async def drain(self, within: float) -> None:
        """Wait until the replies have gone (at most `within` seconds): before a close, say why."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self.replies and not self.dropped and loop.time() < deadline:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.01)  # the last one popped may still be on its way

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()

    async def _run(self) -> None:
        while not self.dropped:
            await self._wake.wait()
            self._wake.clear()
            while (self.replies or self.picture is not None) and not self.dropped:
                if self.replies:
                    text = self.replies.popleft()
                    if len(self.replies) < ROOM // 2:
                        self._room.set()
                else:
                    text, self.picture = self.picture, None
                try:
                    async with asyncio.timeout(STALL_SECONDS):  # no task per send, unlike wait_for
                        await self._send(text)
                except TimeoutError:
                    self._give_up(f"nothing it was sent went through in {STALL_SECONDS:g} s: it has stopped reading")
                except Exception:  # closed: the connection's handler says it left
                    return

    def _give_up(self, why: str) -> None:
        self.dropped = why
        self.replies.clear()
        self.picture = None
        self._room.set()
        self._drop(f"{self._label()}: dropped ({why}); the others go on, and it may rejoin")


def limit_send_buffer(transport: Any) -> None:
    """A small kernel send buffer, so a client that stops reading is noticed in seconds."""
    import socket
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
        except OSError:
            pass
