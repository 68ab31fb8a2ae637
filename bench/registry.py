"""Registry of synthetic data generators and benchmarked URLs.

Each app describes its own benchmark data in `<app>/bench.py`, discovered with
`autodiscover_modules("bench")`:

    from bench.registry import register_generator, register_urls

    def make_actors(n, rng):
        ...  # create n actors in the database, quickly (bulk inserts)

    register_generator("actors", make_actors, depends_on=["standard_pages"])

    @register_urls
    def actor_urls():
        return [("actor list", "/fr/acteurs/"), "/fr/acteurs/?theme=habitat"]

A generator receives the number of items to create and a seeded
`random.Random`; it runs inside a transaction. A URL function runs after the
generators, with French active, and returns paths or `(label, path)` pairs.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

GeneratorFunc = Callable[[int, random.Random], object]
UrlFunc = Callable[[], Iterable["str | tuple[str, str]"]]


@dataclass(frozen=True)
class Generator:
    name: str
    func: GeneratorFunc
    depends_on: tuple[str, ...] = field(default_factory=tuple)
    module: str = ""


_generators: dict[str, Generator] = {}
_url_funcs: list[UrlFunc] = []
_discovered = False


def register_generator(
    name: str, func: GeneratorFunc | None = None, depends_on: Iterable[str] = ()
):
    """Register `func(n, rng)` under `name`.

    Usable directly, `register_generator("pages", make_pages)`, or as a
    decorator, `@register_generator("pages", depends_on=["themes"])`.
    """
    deps = tuple(depends_on)

    def _register(f: GeneratorFunc) -> GeneratorFunc:
        existing = _generators.get(name)
        if existing is not None and existing.func is not f:
            raise ValueError(
                f"Generator {name!r} is already registered by {existing.module or '?'}"
            )
        _generators[name] = Generator(name, f, deps, getattr(f, "__module__", ""))
        return f

    if func is None:
        return _register
    return _register(func)


def register_urls(func: UrlFunc) -> UrlFunc:
    """Register a function returning extra URLs to benchmark (usable as a decorator)."""
    if func not in _url_funcs:
        _url_funcs.append(func)
    return func


def discover() -> None:
    """Import every installed app's `bench` module (once)."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("bench")
        _discovered = True


def generators() -> dict[str, Generator]:
    return dict(_generators)


def url_functions() -> list[UrlFunc]:
    return list(_url_funcs)


def resolve_order(names: Iterable[str] | None = None) -> list[Generator]:
    """The requested generators (all when `names` is None) plus their
    dependencies, dependencies first. Raises on unknown names and cycles."""
    wanted = list(names) if names is not None else sorted(_generators)
    unknown = [n for n in wanted if n not in _generators]
    if unknown:
        known = ", ".join(sorted(_generators)) or "none"
        raise KeyError(f"Unknown generator(s): {', '.join(unknown)} (known: {known})")

    ordered: list[Generator] = []
    state: dict[str, str] = {}  # name -> "visiting" | "done"

    def visit(name: str, chain: tuple[str, ...]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            raise ValueError("Generator dependency cycle: " + " -> ".join((*chain, name)))
        if name not in _generators:
            raise KeyError(f"Generator {chain[-1]!r} depends on unknown generator {name!r}")
        state[name] = "visiting"
        for dep in _generators[name].depends_on:
            visit(dep, (*chain, name))
        state[name] = "done"
        ordered.append(_generators[name])

    for name in wanted:
        visit(name, ())
    return ordered


def collect_urls() -> list[tuple[str, str]]:
    """(label, path) pairs from every registered URL function, without duplicates."""
    seen: set[str] = set()
    result: list[tuple[str, str]] = []
    for func in _url_funcs:
        for item in func() or ():
            label, path = item if isinstance(item, tuple) else (item, item)
            if path and path not in seen:
                seen.add(path)
                result.append((label, path))
    return result
