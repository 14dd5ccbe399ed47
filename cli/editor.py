"""The trainers' scenario editor: edit."""
from __future__ import annotations

import argparse

from cli.common import EXIT_OK, display_or_refuse


def cmd_edit(args: argparse.Namespace) -> int:
    from sim.format.problems import InputError, Problem
    from ui.editor.main import edit

    if args.screenshots and not args.autoplay:
        raise InputError([Problem("--screenshots", 1, 1, "", "screenshots are taken by --autoplay; add it")])
    if args.restore and args.discard:
        raise InputError([Problem("--restore", 1, 1, "", "give --restore or --discard, not both")])
    display_or_refuse(args.autoplay)
    shots = edit(args.scenario, template=args.template, autoplay=args.autoplay, screenshots=args.screenshots,
                 restore=True if args.restore else False if args.discard else None, max_frames=args.max_frames)
    for path in shots:
        print(f"screenshot: {path}")
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("edit", help="open the scenario editor: draw the floor plan, place people, edit every field, "
                                    "check live, try it out")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO",
                   help="scenario file to open (a new one is made there if it does not exist); "
                        "without it, a new scenario on a blank floor")
    p.add_argument("--template", metavar="FILE", help="start a new scenario from a copy of this one (a new id)")
    p.add_argument("--autoplay", action="store_true", help="walk every tool and panel by itself")
    p.add_argument("--screenshots", metavar="DIR", help="with --autoplay: save a PNG of each panel here")
    p.add_argument("--restore", action="store_true", help="restore unsaved work left by a closed editor without asking")
    p.add_argument("--discard", action="store_true", help="discard unsaved work left by a closed editor without asking")
    p.add_argument("--max-frames", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_edit)
