"""Cross-reference checks of the joint-exercise fields: seats, channels, decision owners,
inject routes, and the messages and reports of a plan.

A mixin of `checks.Checker` (it uses the checker's `s`, `add`, `ref`, `check_trigger`),
so this module needs nothing from that one.
"""
from __future__ import annotations

from typing import Any

from .problems import did_you_mean, one_of


class JointChecks:
    def check_seats(self) -> None:
        check_seats(self)

    def check_plan_joint(self, path: tuple, plan: Any) -> None:
        check_plan_joint(self, path, plan)


def check_seats(checker: Any) -> None:
    s = checker.s
    agencies = [a.id for a in s.get("agencies", ())]
    seats = s.get("seats", ())
    seat_of: dict[str, str] = {}
    seen: set[str] = set()
    for i, seat in enumerate(seats):
        if seat.id in seen:
            checker.add(("seats", i, "id"), f"seat '{seat.id}' is listed twice")
        elif seat.id in checker.names.kinds or seat.id in ("controller", "observer"):
            what = checker.names.kinds.get(seat.id, "the name of a seat every joint exercise has")
            checker.add(("seats", i, "id"), f"'{seat.id}' is already {what if what.startswith('the') else 'a ' + what}; "
                                            "give the seat an id of its own")
        seen.add(seat.id)
        for j, agency in enumerate(seat.agencies):
            path = ("seats", i, "agencies", j)
            if agencies and agency not in agencies:
                checker.add(path, f"unknown agency '{agency}'{did_you_mean(agency, agencies)}; {one_of(agencies)}")
            elif agency in seat_of:
                checker.add(path, f"agency '{agency}' is already in seat '{seat_of[agency]}'; "
                                  "every agency belongs to one seat")
            else:
                seat_of[agency] = seat.id
    if seats and agencies and "agencies" not in checker.broken:
        left = [a for a in agencies if a not in seat_of]
        if left:
            checker.add(("seats",), f"agencies in no seat: {', '.join(left)}; every agency belongs to one seat "
                                    "(add them to the seat that commands their units)")
    channels = s.get("channels", ())
    names: set[str] = set()
    for i, channel in enumerate(channels):
        if channel.id in names:
            checker.add(("channels", i, "id"), f"channel '{channel.id}' is listed twice")
        names.add(channel.id)
        for j, agency in enumerate(channel.between):
            if agencies and agency != "all" and agency not in agencies:
                checker.add(("channels", i, "between", j), f"unknown agency '{agency}'"
                            f"{did_you_mean(agency, agencies)}; {one_of(agencies + ['all'])}")
        if channel.requires_unit is not None:
            checker.ref(("channels", i, "requires_unit"), channel.requires_unit, ("unit",))
    if (channels or any(d.owner for d in s.get("decisions", ()))) and not seats:
        checker.add(("seats",) if "seats" in s else ("channels",),
                    "channels and decision owners need seats: list the seats of the joint exercise")
    seat_ids = [seat.id for seat in seats]
    for i, decision in enumerate(s.get("decisions", ())):
        if decision.owner is not None and seats:
            _seat(checker, ("decisions", i, "owner"), decision.owner, seat_ids)
    channel_ids = [c.id for c in channels]
    for i, inject in enumerate(s.get("injects", ())):
        if inject.to is not None:
            _seat(checker, ("injects", i, "to"), inject.to, seat_ids)
        if inject.channel is not None:
            _channel(checker, ("injects", i, "channel"), inject.channel, channel_ids)


def check_plan_joint(checker: Any, path: tuple, plan: Any) -> None:
    s = checker.s
    seat_ids = [seat.id for seat in s.get("seats", ())]
    channel_ids = [c.id for c in s.get("channels", ())]
    for key, items in (("messages", plan.messages), ("reports", plan.reports)):
        for i, item in enumerate(items):
            here = path + (key, i)
            _seat(checker, here + ("sender",), item.sender, seat_ids)
            _seat(checker, here + ("to",), item.to, seat_ids)
            _channel(checker, here + ("via",), item.via, channel_ids)
            if item.sender == item.to:
                checker.add(here + ("to",), "a seat does not send messages to itself")
            if key == "messages":
                checker.check_trigger(here, item, required=False)
                if item.about is not None:
                    checker.ref(here + ("about",), item.about, ("victim", "perpetrator", "evidence"))
    injects = [i.id for i in s.get("injects", ())]
    for inject_id, channel in plan.routes.items():
        if inject_id not in injects:
            checker.add(path + ("routes", inject_id), f"unknown inject '{inject_id}'"
                        f"{did_you_mean(inject_id, injects)}; {one_of(injects)}", at_key=True)
        _channel(checker, path + ("routes", inject_id), channel, channel_ids)


def _seat(checker: Any, path: tuple, value: str, seats: list[str]) -> None:
    if not seats:
        checker.add(path, "this needs seats: the scenario lists none")
    elif value not in seats:
        checker.add(path, f"unknown seat '{value}'{did_you_mean(value, seats)}; {one_of(seats)}")


def _channel(checker: Any, path: tuple, value: str, channels: list[str]) -> None:
    if value not in channels:
        checker.add(path, f"unknown channel '{value}'{did_you_mean(value, channels)}; "
                          f"{one_of(channels) if channels else 'the scenario lists no channels'}")
