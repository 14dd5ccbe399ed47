"""jinja2 templates of the evaluators' documents (HTML); autoescaped, so names and texts
from a scenario or a review are shown as text, never run as markup."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape


@lru_cache(maxsize=1)
def environment() -> Environment:
    return Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=select_autoescape(["j2", "html"]),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(name: str, **values) -> str:
    return environment().get_template(name).render(**values)
