"""The joint exercise: host, join, joint-view."""
from __future__ import annotations

import argparse

from cli.common import EXIT_OK, PORT, SEED, display_or_refuse, scenario_of_record, person_name


def cmd_host(args: argparse.Namespace) -> int:
    from sim.joint.command import run_host

    return run_host(args.scenario, seed=args.seed, port=args.port, bind=args.bind, seats=args.seats,
                    resume=args.resume, results=args.out, db=args.db, trainee=args.trainee)

def cmd_join(args: argparse.Namespace) -> int:
    from ui.joint.main import join

    display_or_refuse(bool(args.screenshots))  # screenshots are drawn off-screen too
    return join(args.address, seat=args.seat, token=args.token, name=args.name, results=args.out,
                screenshot_dir=args.screenshots, shot_every=args.shot_every or 0, max_frames=args.frames)

def cmd_joint_view(args: argparse.Namespace) -> int:
    from sim.evaluation import record as records
    from sim.evaluation.joint_view import joint_view_text
    from sim.format.problems import InputError, Problem

    record = records.load(args.record)
    scenario = scenario_of_record(args.record, record, args.scenario)
    if "joint" not in record:
        raise InputError([Problem(args.record, 1, 1, "joint", "not a joint run: it was played solo, by one "
                                  "trainee commanding every unit")])
    print(joint_view_text(scenario.spec, record["events"]))
    return EXIT_OK


def add_parsers(sub) -> None:
    p = sub.add_parser("host", help="host a joint exercise: one seat per agency, a controller and an observer")
    p.add_argument("scenario", nargs="?", metavar="SCENARIO")
    p.add_argument("--seed", type=SEED, default=1)
    p.add_argument("--port", type=PORT, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    p.add_argument("--seats", metavar="SEAT,SEAT", help="the seats people play (default all); the others "
                                                         "are played by their share of the doctrine plan")
    p.add_argument("--resume", metavar="JOURNAL", help="continue a joint exercise from its journal")
    p.add_argument("--trainee", type=person_name, metavar="NAME", help="the team's name for the results")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for the record and journal")
    p.add_argument("--db", metavar="PATH", help="results store (default results/exercise.db)")
    p.set_defaults(func=cmd_host)

    p = sub.add_parser("join", help="open the window as one seat of a hosted joint exercise")
    p.add_argument("address", metavar="ADDRESS", help="host:port, as the host printed it")
    p.add_argument("--seat", required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--name", type=person_name, help="your name, shown to the controller")
    p.add_argument("--out", metavar="DIR", default="results", help="folder for the records (default results/)")
    p.add_argument("--screenshots", metavar="DIR", help="save PNGs of the window here (with --shot-every)")
    p.add_argument("--shot-every", type=float, metavar="SECONDS", help="a screenshot every SECONDS of wall time, "
                                                                      "on the clock, so several windows match")
    p.add_argument("--frames", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_join)

    p = sub.add_parser("joint-view", help="who knew what, when and how, in a joint run's record; the messages")
    p.add_argument("record", metavar="RECORD")
    p.add_argument("--scenario", metavar="FILE", help="scenario file (default: the path in the record)")
    p.set_defaults(func=cmd_joint_view)
