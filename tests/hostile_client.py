"""A hostile client against `run_exercise.py host`, on loopback, bounded in count and time.

    python tests/hostile_client.py [--root CHECKOUT]

Starts a host of the reference scenario from CHECKOUT (this one by default), attacks it
(idle sockets, wrong types, binary frames, hostile text, floods, deep nesting), plays the
run to its end, kills and resumes the host, and prints one line per case (ok / FAIL) and
the totals. Not a test the suite runs: a tool for reviewing the host as an attacker would.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

from websockets.sync.client import connect

warnings.filterwarnings("ignore", category=DeprecationWarning)  # connections held open on purpose
HERE = Path(__file__).resolve().parent.parent
RESULTS: list[tuple[str, bool, str]] = []


def case(name: str, ok: bool, detail: str = "") -> None:
    RESULTS.append((name, bool(ok), detail))
    print(f"{'ok  ' if ok else 'FAIL'} {name}" + (f"  ({detail})" if detail and not ok else ""), flush=True)


class Host:
    def __init__(self, root: Path, out: Path, *args: str):
        self.proc = subprocess.Popen([sys.executable, "run_exercise.py", "host", *args, "--port", "0",
                                      "--out", str(out)], cwd=root, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, errors="backslashreplace")
        self.lines: list[str] = []
        self.log: list[str] = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise SystemExit("the host did not start:\n" + self.proc.stderr.read())
            self.lines.append(line)
            if line.startswith("the exercise is paused"):
                break
        threading.Thread(target=self._read_log, daemon=True).start()
        text = "".join(self.lines)
        self.tokens = dict((m.group(2), m.group(3)) for m in re.finditer(r"join (\S+) --seat (\S+) --token (\S+)", text))
        self.address = re.search(r"(?:join|at) (\S+:\d+)", text).group(1)
        self.journal = re.search(r"journal: (\S+)", text).group(1)

    def _read_log(self) -> None:
        for line in self.proc.stderr:
            self.log.append(line)

    def url(self) -> str:
        return f"ws://{self.address}"

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)


def ask(ws, message, *, want=("error", "ack", "welcome"), timeout=5.0) -> dict:
    ws.send(message if isinstance(message, (str, bytes)) else json.dumps(message))
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        reply = json.loads(ws.recv(timeout=max(0.01, end - time.monotonic())))
        if reply.get("type") in want:
            return reply
    raise TimeoutError


def hello(seat: str, token: str, **extra) -> dict:
    return {**{"type": "hello", "version": 1, "seat": seat, "token": token}, **extra}


def seated(host: Host, seat: str):
    ws = connect(host.url(), open_timeout=5, max_size=2**22)
    reply = ask(ws, hello(seat, host.tokens[seat]))
    assert reply["type"] == "welcome", reply
    return ws


def refused(ws, message) -> dict:
    try:
        return ask(ws, message)
    except Exception as exc:  # closed on us: refused too
        return {"type": "error", "code": f"closed ({type(exc).__name__})"}


def attack(host: Host) -> None:
    # 1. idle sockets: 64 held, then a real seat must join
    with contextlib.ExitStack() as idle:
        opened = 0
        for _ in range(64):
            try:
                idle.enter_context(connect(host.url(), open_timeout=3))
                opened += 1
            except Exception:
                pass
        try:
            with connect(host.url(), open_timeout=5) as ws:
                reply = ask(ws, hello("hk_command", host.tokens["hk_command"]))
            case("a seat joins while 64 idle sockets are held", reply["type"] == "welcome", str(reply)[:120])
        except Exception as exc:
            case("a seat joins while 64 idle sockets are held", False, repr(exc)[:120])
    # 2. idle sockets reopened as they are closed, for 8 s, while a seat joins every second
    stop = threading.Event()

    def churn():
        with contextlib.ExitStack() as stack:
            while not stop.is_set():
                try:
                    stack.enter_context(connect(host.url(), open_timeout=2))
                except Exception:
                    time.sleep(0.01)

    threads = [threading.Thread(target=churn, daemon=True) for _ in range(2)]
    for t in threads:
        t.start()
    joined = 0
    for _ in range(8):
        try:
            with connect(host.url(), open_timeout=5) as ws:
                joined += ask(ws, hello("crime_bureau", host.tokens["crime_bureau"]))["type"] == "welcome"
        except Exception:
            pass
        time.sleep(1)
    stop.set()
    case("a seat joins 8 times of 8 while idle sockets churn", joined == 8, f"{joined} of 8")

    # 3. strict types in hello
    for name, value in (("string", "1"), ("float", 1.0), ("true", True), ("null", None), ("2", 2), ("list", [1])):
        with connect(host.url(), open_timeout=5) as ws:
            reply = refused(ws, hello("controller", host.tokens["controller"], version=value))
        case(f"hello version {name} refused", reply["type"] == "error", str(reply)[:100])
    for name, field, value in (("seat int", "seat", 5), ("token int", "token", 12345), ("name list", "name", ["x"]),
                               ("name ANSI", "name", "\x1b[2J\x1b[31mowned"), ("name NUL", "name", "a\x00b"),
                               ("name surrogate", "name", "\ud800"), ("name bidi", "name", "\u202eevil"),
                               ("name 10k", "name", "n" * 10_000), ("seat ANSI", "seat", "\x1b[31mcontroller")):
        with connect(host.url(), open_timeout=5) as ws:
            reply = refused(ws, {**hello("controller", host.tokens["controller"]), field: value})
        case(f"hello with {name} refused", reply["type"] == "error", str(reply)[:100])
    with connect(host.url(), open_timeout=5) as ws:
        reply = refused(ws, json.dumps(hello("controller", host.tokens["controller"])).encode())
    case("binary frame refused", reply["type"] == "error", str(reply)[:100])
    with connect(host.url(), open_timeout=5) as ws:
        reply = refused(ws, {"type": "hello", "version": 1, "seat": "controller", "token": "wrong", "ref": 9})
    case("wrong token refused with its ref", reply.get("code") == "bad_token" and reply.get("ref") == 9, str(reply)[:100])

    # 4. a seated controller and observer, sending what they must not
    controller = seated(host, "controller")
    observer = seated(host, "observer")
    hk = seated(host, "hk_command")
    hostile = [
        ("controller message with a lone surrogate", controller, {"do": "message", "to": "hk_command", "text": "go \ud800"}),
        ("controller message with ANSI", controller, {"do": "message", "to": "hk_command", "text": "\x1b[2Jx"}),
        ("controller message with NUL", controller, {"do": "message", "to": "hk_command", "text": "a\x00"}),
        ("controller message 100k", controller, {"do": "message", "to": "hk_command", "text": "x" * 100_000}),
        ("controller source surrogate", controller, {"do": "message", "to": "hk_command", "text": "x", "source": "\udc00"}),
        ("controller speed as text", controller, {"do": "speed", "x": "4"}),
        ("controller speed true", controller, {"do": "speed", "x": True}),
        ("controller speed huge", controller, {"do": "speed", "x": 1e308}),
        ("controller extend seconds text", controller, {"do": "extend_decision", "decision": "d", "seconds": "9"}),
        ("controller inject as list", controller, {"do": "fire_inject", "inject": ["x"]}),
        ("controller unknown action", controller, {"do": "format_disk"}),
        ("controller extra field", controller, {"do": "pause", "also": 1}),
        ("controller action as list", controller, ["pause"]),
    ]
    for ref, (name, ws, action) in enumerate(hostile, start=1000):
        reply = refused(ws, {"type": "control", "ref": ref, "action": action})
        case(f"{name} refused, with its ref", reply["type"] == "error" and reply.get("ref") == ref, str(reply)[:100])
    for ref, (name, text) in enumerate((("observation with a lone surrogate", "seen \ud800"),
                                        ("observation with ANSI", "\x1b]0;title\x07"),
                                        ("observation empty", "")), start=2000):
        reply = refused(observer, {"type": "observe", "ref": ref, "text": text})
        case(f"{name} refused, with its ref", reply["type"] == "error" and reply.get("ref") == ref, str(reply)[:100])
    for ref, (name, message) in enumerate((
            ("order note with a lone surrogate", {"type": "order", "ref": 0, "order": {"unit": "eu_entry", "do": "move", "to": "corridor", "note": "\ud800"}}),
            ("order queue as 1", {"type": "order", "ref": 0, "queue": 1, "order": {"unit": "eu_entry", "do": "move", "to": "corridor"}}),
            ("send text with ANSI", {"type": "send", "ref": 0, "to": "thai_liaison", "via": "phone", "text": "\x1b[2J"}),
            ("send marker cell as text", {"type": "send", "ref": 0, "to": "thai_liaison", "via": "phone", "marker": {"cell": ["1", 2], "label": "x"}}),
            ("decide with a number", {"type": "decide", "ref": 0, "decision": 5, "option": "x"}),
            ("ref as text", {"type": "ping", "ref": "1"}),
            ("nested 10000 deep", "[" * 10000 + "]" * 10000),
            ("nested 50 deep in an order", {"type": "order", "ref": 0, "order": {"unit": "eu_entry", "do": "move", "to": json.loads("[" * 50 + "]" * 50)}}),
            ("NaN", '{"type": "ping", "ref": NaN}'),
            ("not JSON", "hello?"),
            ("JSON not an object", "5"),
    ), start=3000):
        if isinstance(message, dict) and isinstance(message.get("ref"), int):
            message["ref"] = ref
        reply = refused(hk, message)
        with_ref = not (isinstance(message, dict) and isinstance(message.get("ref"), int)) or reply.get("ref") == ref
        case(f"{name} refused" + (", with its ref" if isinstance(message, dict) and isinstance(message.get("ref"), int) else ""),
             reply["type"] == "error" and with_ref, str(reply)[:100])
    # a flood: refused without stopping the others
    for i in range(3000):
        hk.send(json.dumps({"type": "ping", "ref": i}))
    started = time.monotonic()
    reply = ask(observer, {"type": "observe", "ref": 4000, "text": "still here"})
    case("the host answers others during a flood", reply.get("type") == "ack" and time.monotonic() - started < 5)
    controller.close()
    observer.close()
    hk.close()


def play_to_end_and_resume(root: Path, host: Host, out: Path) -> None:
    controller = seated(host, "controller")
    hk = seated(host, "hk_command")
    ask(hk, {"type": "order", "ref": 1, "order": {"unit": "eu_entry", "do": "stack", "door": "front_gate"}})
    ask(controller, {"type": "control", "ref": 1, "action": {"do": "speed", "x": 16}})
    ask(controller, {"type": "control", "ref": 2, "action": {"do": "resume"}})
    time.sleep(1.5)
    host.kill()
    controller.close()
    hk.close()
    again = Host(root, out, "--resume", host.journal)
    again.tokens = host.tokens  # the seats rejoin with their old tokens
    case("the killed host resumes", "resumed" in "".join(again.lines))
    controller = seated(again, "controller")
    ask(controller, {"type": "control", "ref": 3, "action": {"do": "speed", "x": 16}})
    ask(controller, {"type": "control", "ref": 4, "action": {"do": "resume"}})
    reply = refused(controller, {"type": "control", "ref": 5, "action": {"do": "end"}})
    ended = reply.get("type") == "ack"
    end = time.monotonic() + 240
    while time.monotonic() < end and not any("run record:" in line for line in again.log):
        time.sleep(0.2)
    controller.close()
    logged = "".join(again.log)
    record = re.search(r"run record: (\S+)", logged)
    case("the run ends with a record (ended by the controller)" if ended else "the run ends with a record",
         record is not None, logged[-300:])
    if record:
        verify = subprocess.run([sys.executable, "run_exercise.py", "verify", record.group(1)], cwd=root,
                                capture_output=True, text=True, timeout=300)
        case("the record verifies", verify.returncode == 0, (verify.stdout + verify.stderr)[-200:])
    again.proc.send_signal(signal.SIGINT)
    try:
        again.proc.wait(20)
    except subprocess.TimeoutExpired:
        again.kill()
    logged = "".join(again.log)
    case("no control character reached the host's log raw",
         not any(ch in "".join(host.log) + logged for ch in "\x1b\x00\u202e\x07"))
    case("the log does not repeat 'could not finish'", ("".join(host.log) + logged).count("could not") <= 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(HERE), help="the checkout whose host is attacked")
    args = parser.parse_args()
    root = Path(args.root)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        host = Host(root, out, "scenarios/kowloon_flat.yaml")
        try:
            attack(host)
            play_to_end_and_resume(root, host, out)
        finally:
            if host.proc.poll() is None:
                host.kill()
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"{len(RESULTS) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
