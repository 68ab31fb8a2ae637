"""The announcements' public pages, called by the routes of
`AnnouncementIndexPage` and `AnnouncementPage`: the listing of current
announcements, its RSS and Atom feeds, an announcement's page with its
contact form, and the home page's « Dernières annonces » section.

The listing and its feeds read one filter set (`AnnouncementFilterSet`), so
a link keeps its meaning from one to the other. Expiry is derived from the
day in Paris: a listing's lifetime in caches ends at the next Paris
midnight, an announcement's at its expiry; an expired announcement's page
answers 410 Gone.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from home import feeds as shared
from home import http, ratelimit
from home.cache import PAGE_TREE
from home.forms import clean_query_text
from home.listing import with_query
from home.privacy import private_paths, public
from home.typography import french_spacing

from . import announcement_relay as relay
from .announcement_filters import AnnouncementFilterSet
from .announcements import AnnouncementIndexPage, AnnouncementPage, expiry_instant, paris_today
from .models import paris_midnight

HOME_ANNOUNCEMENTS = 4  # one row of cards on a wide screen


def seconds_until(instant: dt.datetime, now: dt.datetime) -> int:
    return max(0, int((instant - now).total_seconds()))


# --- The listing ---------------------------------------------------------------------------


def empty_message(listing) -> str:
    if listing.has_filters:
        criteria = " ; ".join(f"{chip.label} : {chip.value}" for chip in listing.chips)
        text = _("Aucune annonce en cours ne correspond à ces critères : %(criteria)s.")
        return french_spacing(text % {"criteria": criteria})
    return _("Aucune annonce n'est en cours pour le moment.")


def announcement_index(request, page):
    """The current announcements, newest first (or as sorted)."""
    listing = AnnouncementFilterSet(request.GET, scope=page)
    base = page.get_url(request)
    query = listing.querystring()
    results, page_range = listing.paginate(
        listing.qs.select_related("actor").defer_streamfields(), total=listing.total
    )
    context = page.get_context(request)
    context.update(listing.context(base))
    context.update(
        results=results,
        page_range=page_range,
        announcements=list(results.object_list),
        facets=listing.facets,
        today=listing.today,
        empty_message=empty_message(listing),
        index_url=base,
        rss_url=with_query(base + page.reverse_subpage("rss"), query),
        atom_url=with_query(base + page.reverse_subpage("atom"), query),
    )
    response = TemplateResponse(request, "events/announcements/index_page.html", context)
    # What it lists changes at the next Paris midnight (announcements expire).
    midnight = paris_midnight(listing.today + dt.timedelta(days=1))
    return http.set_cache_lifetime(request, response, seconds_until(midnight, listing.now))


# --- The feeds ---------------------------------------------------------------------------


class AnnouncementFeed(shared.ListingFeed):
    """The filtered current announcements, newest publication first. Never
    the poster's address."""

    filterset_class = AnnouncementFilterSet
    item_guid_is_permalink = False

    def title(self, obj):
        return clean_query_text(obj.title)

    def description(self, obj):
        return obj.introduction or _("Les petites annonces en cours sur le site.")

    def select(self, queryset):
        return queryset.defer_streamfields().select_related("actor")

    def item_title(self, item):
        return f"[{item.kind_label}] {clean_query_text(item.title)}"

    def item_description(self, item):
        facts = [item.category_label, item.place, item.poster_name]
        parts = [
            " · ".join(str(fact) for fact in facts if fact),
            item.text,
            _("Jusqu'au %(date)s") % {"date": item.expires_on.strftime("%d/%m/%Y")},
        ]
        return "\n".join(part for part in parts if part)

    def item_guid(self, item):
        return f"urn:uuid:{item.translation_key}"

    def item_categories(self, item):
        return [item.kind_label, item.category_label]


class AnnouncementAtomFeed(AnnouncementFeed):
    feed_type = shared.AtomFeed


def announcement_rss(request, index_page):
    return AnnouncementFeed(index_page)(request)


def announcement_atom(request, index_page):
    return AnnouncementAtomFeed(index_page)(request)


# --- An announcement's page ----------------------------------------------------------------


def index_of(announcement, request) -> tuple:
    index = announcement.get_parent().specific
    return index, (index.get_url(request) if index.live else "")


def expired_page(request, announcement):
    """410 Gone: the announcement has expired (its text is no longer shown,
    nor its contact form)."""
    index, index_url = index_of(announcement, request)
    context = {"page": announcement, "self": announcement, "index": index, "index_url": index_url}
    response = TemplateResponse(request, "events/announcements/expired.html", context, status=410)
    return http.set_cache_lifetime(request, response, None)


def announcement_page(request, announcement):
    """The announcement and its contact form (GET), or a message posted to
    its poster (POST: stored for the worker command to relay, then back to the page
    with a confirmation, or the form again with what was typed)."""
    now = timezone.now()
    today = paris_today(now)
    preview = getattr(request, "is_preview", False)
    if announcement.is_expired_on(today) and not preview:
        return expired_page(request, announcement)

    status = 200
    if request.method == "POST" and not preview:
        form = relay.ContactForm(request.POST)
        if relay.rate_limited(request):
            form.is_valid()
            if ratelimit.unavailable():
                # The cache that counts posts is down: the limit fails closed.
                error = _(
                    "Un de nos services est momentanément indisponible : votre message n'a pas "
                    "pu être envoyé. Réessayez dans quelques minutes ; votre texte est conservé "
                    "ci-dessous."
                )
                status = 503
            else:
                error = _(
                    "Trop de messages ont été envoyés depuis votre connexion : réessayez dans "
                    "une heure. Votre texte est conservé ci-dessous."
                )
                status = 429
            form.add_error(None, error)
        elif form.honeypot_filled:
            # Robots get the same answer as people, and nothing is kept.
            messages.success(request, relay.SUCCESS_MESSAGE)
            return HttpResponseRedirect(announcement.get_url(request) + "#contact")
        elif form.is_valid():
            relay.store_message(announcement, form)
            messages.success(request, relay.SUCCESS_MESSAGE)
            return HttpResponseRedirect(announcement.get_url(request) + "#contact")
        else:
            status = 400
    else:
        form = relay.ContactForm()

    index, index_url = index_of(announcement, request)
    context = announcement.get_context(request)
    context.update(
        form=form,
        today=today,
        index=index,
        index_url=index_url,
        themes=list(announcement.themes.all()),
        poster=announcement.actor if announcement.actor_id and announcement.actor.live else None,
    )
    response = TemplateResponse(request, announcement.get_template(request), context, status=status)
    lifetime = seconds_until(expiry_instant(announcement.expires_on), now)
    http.set_cache_lifetime(request, response, lifetime)
    # The page holds a form (its CSRF token) and maybe a confirmation: for
    # this visitor only.
    patch_cache_control(response, private=True)
    return response


# --- The home page ---------------------------------------------------------------------------


def announcement_index_for(locale_id: int) -> AnnouncementIndexPage | None:
    """The live, public announcements index of a locale (kept in the page
    tree's versioned cache: the home page asks for it on every request)."""

    def find():
        return (
            AnnouncementIndexPage.objects.live()
            .filter(locale_id=locale_id)
            .order_by("path")
            .first()
        )

    index = PAGE_TREE.get_or_set(f"announcement-index:{locale_id}", find)
    if index is None or any(index.path.startswith(path) for path in private_paths()):
        return None
    return index


def newest_announcements(index, today, limit: int = HOME_ANNOUNCEMENTS) -> list:
    """The newest current announcements of `index`: one query."""
    announcements = (
        public(AnnouncementPage.objects.live().descendant_of(index))
        .current(today)
        .newest_first()
        .select_related("actor")
        .defer_streamfields()
    )
    return list(announcements[:limit])


def home_announcements_section(home_page, request):
    """The home page's « Dernières annonces » (home/registry.py)."""
    index = announcement_index_for(home_page.locale_id)
    if index is None:
        return None
    return {
        "template": "events/announcements/home_section.html",
        "stylesheets": ["css/announcements.css"],
        "index": index,
        "index_url": index.get_url(request),
        "announcements": newest_announcements(index, paris_today()),
    }
