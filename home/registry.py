"""Sections that one part of the site shows from other apps, without
importing them: the home page's blocks (« open calls »…), an actor fiche's
« its calls », « its meetings », « its conventions », a network page's or a
call's events in the agenda. One mechanism for all.

An app registers, in its `AppConfig.ready()`:

    from home.registry import HOME_SECTIONS

    def open_calls(home_page, request):
        calls = ...  # a fixed number of queries, whatever the content
        if calls is None:
            return None
        return {"template": "calls_for_projects/_home_calls.html", "calls": calls}

    HOME_SECTIONS.register("calls", open_calls, order=10)

The page renders each non-empty section with `{% kept section.fragment %}{%
include section.template with section=section %}{% endkept %}`, in `order`
(then key). A section may name the
stylesheets it needs (`"stylesheets": ["css/calls.css"]`); the page links each
once.

A section that shows the same thing to everyone is registered `cached=True`:
its context is kept in the content's versioned cache (home/cache.py
`CONTENT`: renewed by any change of what a page can show), per page,
language and site, until the next instant anything the pages derive from
the time may change (home/page_cache.py `PAGE_EXPIRY`: a call's status, a
slot's end, midnight). Its `now`, when it has one, is the request's; without
one, its HTML is kept the same way (`section.fragment`). The
sections of a fiche and of the home page read several tables each; cached,
a page without the full-page cache (a logged-in editor, a form, a query
string never seen) costs its own rows only. A section that depends on who
asks (the partners' « propose an update ») is never cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from home.cache import KeptFragment

SectionFunc = Callable[[Any, Any], "dict[str, Any] | None"]


@dataclass(frozen=True)
class Section:
    key: str
    func: SectionFunc
    order: int
    cached: bool = False


class SectionRegistry:
    def __init__(self, name: str):
        self.name = name
        self._sections: dict[str, Section] = {}

    def __repr__(self) -> str:
        return f"<SectionRegistry {self.name}: {', '.join(self._sections)}>"

    def register(self, key: str, func: SectionFunc, order: int = 100, cached: bool = False) -> None:
        self._sections[key] = Section(key, func, order, cached)

    def sections(self, obj, request) -> list[dict[str, Any]]:
        """The non-empty sections for `obj` (a page), in order. On a page in
        English, the rows of other pages still name its French source: the
        sections get a stand-in with the source's key (home/locales.py)."""
        from home.locales import relations_subject

        subject = relations_subject(obj)
        found = []
        window = None
        for section in sorted(self._sections.values(), key=lambda s: (s.order, s.key)):
            if section.cached and getattr(subject, "pk", None) is not None:
                window = window or _time_window()
                context = self._cached_context(section, subject, request, window)
            else:
                context = section.func(subject, request)
            if context:
                found.append({"key": section.key, **context})
        return found

    def _cached_context(self, section: Section, subject, request, window):
        """`section`'s context for `subject`, kept until the content changes
        or the time `window` (now, its end) ends; computed when the window
        is too short to keep anything (less than a second). Its HTML is kept
        the same way (`fragment`, for `{% kept section.fragment %}`) unless
        it shows the request's `now` (a time left changes within a window)."""
        from django.utils.translation import get_language

        from home.cache import CONTENT
        from home.http import site_key

        now, until = window
        seconds = int((until - now).total_seconds())
        if seconds < 1:
            return section.func(subject, request)
        name = (
            f"section:{self.name}:{section.key}:{subject.pk}:{get_language() or '-'}:"
            f"{site_key(request)}:{until.isoformat()}"
        )
        timeout = min(CONTENT.timeout, seconds)
        context = CONTENT.get_or_set(name, lambda: section.func(subject, request), timeout=timeout)
        if not context:
            return context
        if "now" in context:
            return {**context, "now": now}

        def keep(html_name, render):
            return CONTENT.get_or_set(html_name, render, timeout=timeout)

        return {**context, "fragment": KeptFragment(keep, f"{name}:html")}


def _time_window():
    """(now, the end of its time window: home/page_cache.py `time_window`,
    the bound of the full-page cache too)."""
    from django.utils import timezone

    from home.page_cache import time_window

    now = timezone.now()
    return now, time_window(now)


def section_context(registry: SectionRegistry, obj, request, name: str = "related_sections"):
    """What a page's template reads of `registry`'s sections: the sections
    under `name`, and the stylesheets they need (`section_stylesheets`,
    linked by templates/includes/section_stylesheets.html)."""
    sections = registry.sections(obj, request)
    return {name: sections, "section_stylesheets": stylesheets(sections)}


def stylesheets(sections) -> list[str]:
    """The stylesheets the sections need, each once, in order."""
    seen: dict[str, None] = {}
    for section in sections:
        for path in section.get("stylesheets", ()):
            seen.setdefault(path, None)
    return list(seen)


# How many items a page's related section shows at most (an actor fiche's
# calls, conventions…): the page's cost must not grow with the content (a
# région organising 300 calls). The rest is one link away, on the listing
# filtered on that page.
SECTION_LIMIT = 10


def bounded(queryset, limit: int = SECTION_LIMIT) -> tuple[list, bool]:
    """The first `limit` items of `queryset` and whether more exist: one
    query for `limit + 1` rows, no count."""
    rows = list(queryset[: limit + 1])
    return rows[:limit], len(rows) > limit


def page_url_with_query(page, request, query: str) -> str:
    """`page`'s URL (for `request`'s site) with `query`, or "" without a page."""
    if page is None:
        return ""
    url = page.get_url(request) or ""
    return f"{url}?{query}" if url and query else url


# The home page's sections (home/models/pages.py).
HOME_SECTIONS = SectionRegistry("home")
# An actor fiche's sections (directory/models.py).
ACTOR_SECTIONS = SectionRegistry("actor")
# A network page's sections (network_minutes/models.py: NetworkPage), such as
# its meetings announced in the agenda.
NETWORK_SECTIONS = SectionRegistry("network")
# A call for projects' sections (calls_for_projects/models.py:
# CallForProjectsPage), such as its information sessions in the agenda.
CALL_SECTIONS = SectionRegistry("call")


# --- Account roles -----------------------------------------------------------------
#
# `manage.py create_user --role <code>` creates an account in a role. The core
# registers its editorial roles (`home/roles.py`); an app registers its own
# (the partners app: `partenaire`, an account with no admin access) from its
# `AppConfig.ready()`:
#
#     ACCOUNT_ROLES.register(AccountRole("partenaire", "Compte partenaire", password=False))


class HiddenPagesRegistry:
    """Live pages that the listings spanning every page type (the site search,
    the theme pages) leave out, each app naming its own: an expired
    announcement stays live for its editors but is shown nowhere.

        HIDDEN_PAGES.register("expired-announcements", lambda now: ids_query)

    where the function returns a query of page ids (`.values("pk")`), so the
    exclusion stays one SQL query."""

    def __init__(self):
        self._funcs: dict[str, Callable[[Any], Any]] = {}

    def register(self, key: str, func: Callable[[Any], Any]) -> None:
        self._funcs[key] = func

    def exclude_from(self, pages, now=None):
        from django.utils import timezone

        now = now or timezone.now()
        for func in self._funcs.values():
            pages = pages.exclude(pk__in=func(now))
        return pages


HIDDEN_PAGES = HiddenPagesRegistry()


@dataclass(frozen=True)
class AccountRole:
    code: str
    label: str
    # Names of the groups the account joins (they must exist: `setup_roles`).
    groups: tuple[str, ...] = ()
    # False: the account gets no usable password (it signs in another way).
    password: bool = True
    # Printed after the account is created: what to do next, if anything.
    next_step: str = ""
    order: int = 100


class AccountRoleRegistry:
    def __init__(self):
        self._roles: dict[str, AccountRole] = {}

    def __repr__(self) -> str:
        return f"<AccountRoleRegistry: {', '.join(self.codes())}>"

    def register(self, role: AccountRole) -> None:
        self._roles[role.code] = role

    def get(self, code: str) -> AccountRole | None:
        return self._roles.get(code)

    def roles(self) -> list[AccountRole]:
        return sorted(self._roles.values(), key=lambda r: (r.order, r.code))

    def codes(self) -> list[str]:
        return [role.code for role in self.roles()]


ACCOUNT_ROLES = AccountRoleRegistry()


# --- Saved-search alert sources ------------------------------------------------------
#
# The listings a visitor may follow by email (the `alerts` app): each listing
# app registers, in its `AppConfig.ready()`, its key, its label, its filter
# set and the page model that scopes it, as dotted paths (nothing imported
# before it is needed):
#
#     ALERT_SOURCES.register(AlertSource(
#         "calls", _("Appels à projets"),
#         filterset="calls_for_projects.filters.CallFilterSet",
#         scope_model="calls_for_projects.CallsIndexPage",
#     ))
#
# An alert stores the key, the scope page and the filter set's normalised
# query string; its digest runs the same filter set again.


@dataclass(frozen=True)
class AlertSource:
    key: str
    label: Any
    # Dotted path of the listing's `ListingFilterSet` subclass.
    filterset: str
    # "app_label.ModelName" of the page that scopes the listing (its index).
    scope_model: str
    order: int = 100

    def filterset_class(self):
        from django.utils.module_loading import import_string

        return import_string(self.filterset)

    def scope_model_class(self):
        from django.apps import apps

        return apps.get_model(self.scope_model)


class AlertSourceRegistry:
    def __init__(self):
        self._sources: dict[str, AlertSource] = {}

    def __repr__(self) -> str:
        return f"<AlertSourceRegistry: {', '.join(self._sources)}>"

    def register(self, source: AlertSource) -> None:
        self._sources[source.key] = source

    def get(self, key) -> AlertSource | None:
        return self._sources.get(key) if isinstance(key, str) else None

    def sources(self) -> list[AlertSource]:
        return sorted(self._sources.values(), key=lambda s: (s.order, s.key))

    def for_filterset(self, filterset_class) -> AlertSource | None:
        """The source whose filter set is `filterset_class` (exactly)."""
        path = f"{filterset_class.__module__}.{filterset_class.__qualname__}"
        return next((s for s in self._sources.values() if s.filterset == path), None)


ALERT_SOURCES = AlertSourceRegistry()
