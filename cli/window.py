"""The trainee's window: play, replay."""
from __future__ import annotations

import argparse

from cli.common import EXIT_OK, SEED, display_or_refuse, person_name


def cmd_play(args: argparse.Namespace) -> int:
    from sim.format.problems import InputError, Problem
    from ui.main import play

    if args.screenshots and not args.autoplay:
        raise InputError([Problem("--screenshots", 1, 1, "", "screenshots are taken by --autoplay; add it")])
    if args.resume and args.autoplay:
        raise InputError([Problem("--resume", 1, 1, "", "--autoplay plays a fresh run; it cannot resume a journal")])
    display_or_refuse(args.autoplay)

    shots = play(args.scenario, trainee=args.trainee, seed=args.seed, resume=args.resume,
                 autoplay=args.autoplay, screenshots=args.screenshots, results=args.out,
                 max_frames=args.max_frames)
    for path in shots:
        print(f"screenshot: {path}")
    return EXIT_OK

def cmd_replay(args: argparse.Namespace) -> int:
    from ui.main import replay

    display_or_refuse(False)
    replay(args.record, scenario_path=args.scenario)
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("play", help="open the window: briefing, planning, the operation, debrief")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO", help="scenario file (default: a menu of scenarios/)")
    p.add_argument("--trainee", type=person_name, metavar="NAME")
    p.add_argument("--seed", type=SEED, default=1)
    p.add_argument("--resume", metavar="JOURNAL", help="continue a play session from its journal")
    p.add_argument("--autoplay", action="store_true", help="play the doctrine plan by itself through every scene")
    p.add_argument("--screenshots", metavar="DIR", help="with --autoplay: save a PNG of each scene here")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for records and journals")
    p.add_argument("--max-frames", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("replay", help="open the debrief and replay of a saved run record")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    p.set_defaults(func=cmd_replay)
