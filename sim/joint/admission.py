"""Who may wait at the host's door: connections that have not yet said hello.

A connection that has not said hello has proved nothing, so it must never take a seat's
place. Such connections have their own small allowance, per address and in total, and a
short deadline; a seated connection is counted apart. When the waiting room is full, the
connection that has waited longest is closed to make room for the newcomer: a real seat
says hello within a round trip of connecting, so idle sockets held (or reopened as they
time out) by a hostile client cannot keep it out, while the host's memory stays bounded.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Optional

HELLO_WITHIN = 5.0  # seconds a new connection has to say hello
WAITING_PER_ADDRESS = 8  # connections without a hello from one address...
WAITING_IN_TOTAL = 32  # ...and from everywhere
SEATED_AT_MOST = 64  # connections that said hello (a seat's rejoin replaces its old one)


@dataclass(eq=False)
class Waiting:
    """One connection that has not said hello yet."""
    address: str
    close: Callable[[str], object]  # closes it, with the reason it is given
    since: float = field(default_factory=time.monotonic)


class Admission:
    def __init__(self, *, per_address: int = WAITING_PER_ADDRESS, in_total: int = WAITING_IN_TOTAL,
                 hello_within: float = HELLO_WITHIN):
        self.per_address = per_address
        self.in_total = in_total
        self.hello_within = hello_within
        self.waiting: list[Waiting] = []  # oldest first
        self.evicted = 0  # how many were closed to make room (for the log)

    def arrive(self, address: str, close: Callable[[str], object]) -> Waiting:
        """A new connection waits for its hello; the longest waiting of its address (or of all,
        if the room is full) is closed to make room for it."""
        same = [w for w in self.waiting if w.address == address]
        if len(same) >= self.per_address:
            self._evict(same[0])
        if len(self.waiting) >= self.in_total:
            self._evict(self.waiting[0])
        entry = Waiting(address, close)
        self.waiting.append(entry)
        return entry

    def leave(self, entry: Waiting) -> None:
        """It said hello (or went away): it no longer waits."""
        if entry in self.waiting:
            self.waiting.remove(entry)

    def overdue(self, now: Optional[float] = None) -> list[Waiting]:
        """Those whose time to say hello is up (the caller closes them)."""
        now = time.monotonic() if now is None else now
        return [w for w in self.waiting if now - w.since >= self.hello_within]

    def _evict(self, entry: Waiting) -> None:
        self.leave(entry)
        self.evicted += 1
        entry.close("too many connections waiting to say hello")
