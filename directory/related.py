"""Sections other apps add to an actor's fiche ("its calls", "its meetings",
"its conventions"), without the directory importing them.

An app registers, in its `AppConfig.ready()`:

    from directory.related import register_actor_section

    def calls_of_actor(actor, request):
        calls = ...  # live, public pages of actor.locale linking to actor
        if not calls:
            return None
        return {"template": "calls_for_projects/_actor_calls.html", "calls": calls}

    register_actor_section("calls", calls_of_actor, order=10)

The fiche renders each non-empty section with `{% include section.template
with section=section %}`, in `order`. A section function must run a fixed
number of queries whatever the number of linked items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SectionFunc = Callable[[Any, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class ActorSection:
    key: str
    func: SectionFunc
    order: int


_sections: dict[str, ActorSection] = {}


def register_actor_section(key: str, func: SectionFunc, order: int = 100) -> None:
    _sections[key] = ActorSection(key, func, order)


def actor_sections(actor, request) -> list[dict[str, Any]]:
    sections = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.func(actor, request)
        if context:
            sections.append({"key": section.key, **context})
    return sections
