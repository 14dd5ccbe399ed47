"""The joint exercise in the scenario format: seats, channels, and what a seat's share
of a plan passes on by itself.

A seat is a place at the exercise for one trainee (or team): the agencies whose units it
commands. Information passes between seats only by the scenario's channels, each with
its delay and rules, as between real agencies: direct police-to-police liaison is fast
but needs the liaison officer; a formal request is slow.
"""
from __future__ import annotations

from typing import Literal, Optional

from pydantic import Field

from .fields import Id, Model, Seconds, Text, TriggerFields

ThingKind = Literal["victims", "perpetrators", "evidence"]


class Seat(Model):
    """A seat at a joint exercise: one trainee or team commanding some agencies' units."""
    id: Id
    name: Text
    agencies: tuple[Id, ...] = Field(min_length=1)
    """The agencies whose units this seat commands; every agency belongs to one seat."""
    needs: tuple[ThingKind, ...] = ("victims", "perpetrators")
    """What this seat must know of to do its job; the information-sharing metrics time how long it took to learn of each."""


class Channel(Model):
    """A way information passes between the seats of two agencies."""
    id: Id
    name: Text
    kind: Literal["direct_liaison", "command_net", "formal_request", "phone", "radio"]
    between: tuple[Id, Id]
    """The two agencies it links; 'all' on one side links the other agency with every agency."""
    delay: Seconds
    """Seconds from sending to arriving (exercise time): seconds for liaison, tens of minutes for a formal request."""
    requires_unit: Optional[Id] = None
    """The channel works only while this unit is on scene (e.g. the liaison officer)."""


def channels_linking(seats: tuple[Seat, ...], channels: tuple[Channel, ...], sender: str, to: str) -> list[Channel]:
    """The channels that link two seats (an agency of one with an agency of the other, either
    way round; 'all' stands for every agency), fastest first."""
    agencies = {s.id: set(s.agencies) for s in seats}
    mine, theirs = agencies.get(sender, set()), agencies.get(to, set())
    found = []
    for channel in channels:
        a, b = channel.between
        if (a in mine or a == "all") and (b in theirs or b == "all") or \
                (b in mine or b == "all") and (a in theirs or a == "all"):
            found.append(channel)
    return sorted(found, key=lambda c: (c.delay, c.id))


class PlannedMessage(TriggerFields):
    """A message a seat sends by itself when its trigger fires: part of a seat's plan, played
    when nobody takes the seat."""
    sender: Id
    """The seat that sends it."""
    to: Id
    """The seat it goes to."""
    via: Id
    """The channel it goes by."""
    text: Text
    about: Optional[Id] = None
    """A person or item whose last-known place (in the sender's picture) goes with the text."""


class Report(Model):
    """A standing order: pass on every new sighting of these kinds as soon as the seat has it."""
    sender: Id
    to: Id
    via: Id
    about: tuple[ThingKind, ...] = ("victims", "perpetrators", "evidence")
