"""Shared base for the typed, immutable input models (scenario, orders, plans).

The models are pydantic classes: one declaration gives the typed frozen object,
the structural checks with the path of every error, and the JSON Schema that
editors use to autocomplete. Strict mode: "5" is not a number and a list is a
tuple (the YAML reader hands sequences over as tuples), so nothing is coerced
behind the trainer's back.
"""
from __future__ import annotations

from typing import Annotated, Optional

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True,
                              use_attribute_docstrings=True)


Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$", max_length=64)]
"""An identifier: starts with a letter; letters, digits, '_' and '-'."""

Seconds = Annotated[float, Field(ge=0, le=86_400)]
Probability = Annotated[float, Field(ge=0, le=1)]
Fraction = Probability
Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
"""A language as a BCP 47 / ISO 639 code: th (Thai), zh (Mandarin), yue (Cantonese), en."""


class TriggerFields(Model):
    """When something fires: one of at, on, when (the trigger vocabulary, `triggers.py`)."""
    at: Optional[Seconds] = None
    """Fire this many seconds into the exercise."""
    on: Optional[str] = None
    """Fire the first time this event happens, e.g. `breach_started front_gate`."""
    when: Optional[str] = None
    """Fire as soon as this condition holds, e.g. `perpetrator_alerted`."""
