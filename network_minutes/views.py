"""Public views of the networks, called by the routes of `NetworksIndexPage`
and `NetworkPage`, and the context of a minutes page.

Each view runs a fixed number of queries whatever the number of networks,
meetings, participants or actions (tests/test_minutes_pages.py pins them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Max
from django.db.models.functions import Substr
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from directory.models import ActorPage, DirectoryIndexPage
from home.search import paginate

from .filters import (
    ACTIONS_PER_PAGE,
    PER_PAGE,
    PageNumberForm,
    filtered_minutes,
    form_notices,
    meetings_of,
)
from .models import ActionItem, MeetingMinutesPage, NetworkPage, Participant

MEMBERS_SHOWN = 40
_PAGE_LINK_FIELDS = ("title", "url_path", "path", "depth", "locale_id")
ACTION_CARD_FIELDS = (
    "page_id",
    "sort_order",
    "agenda_point",
    "description",
    "owner_name",
    "owner_organisation_id",
    "due_date",
    "done",
    "page__date",
    *(f"page__{name}" for name in _PAGE_LINK_FIELDS),
    *(f"owner_organisation__{name}" for name in _PAGE_LINK_FIELDS),
)


def _out_of_range_notice(asked, results) -> list[str]:
    if asked and results.number != asked:
        return [
            _("La page %(asked)s n'existe pas : page %(shown)s affichée.")
            % {"asked": asked, "shown": results.number}
        ]
    return []


# --- Index of networks ---------------------------------------------------------------


@dataclass
class NetworkCard:
    page: NetworkPage
    meeting_count: int = 0
    last_meeting: object = None


def networks_index(request, index_page):
    form = PageNumberForm(request.GET)
    form.is_valid()
    notices = form_notices(form)
    networks = (
        NetworkPage.objects.live()
        .public()
        .child_of(index_page)
        .select_related("host_organisation")
        .order_by("title")
    )
    results, page_range = paginate(networks, form.cleaned_data.get("page"), PER_PAGE)
    notices += _out_of_range_notice(form.cleaned_data.get("page"), results)
    # Meeting counts and last dates of every network in one GROUP BY on the
    # network's part of the tree path.
    prefix = NetworkPage.steplen * (index_page.depth + 1)
    stats = {
        path: (n, last)
        for path, n, last in MeetingMinutesPage.objects.live()
        .public()
        .descendant_of(index_page)
        .filter(locale_id=index_page.locale_id)
        .order_by()
        .annotate(network_path=Substr("path", 1, prefix))
        .values("network_path")
        .annotate(n=Count("pk"), last=Max("date"))
        .values_list("network_path", "n", "last")
    }
    cards = [NetworkCard(page, *stats.get(page.path, (0, None))) for page in results.object_list]
    context = index_page.get_context(request)
    context.update(
        results=results,
        page_range=page_range,
        cards=cards,
        notices=notices,
        rss_url=index_page.get_url(request) + index_page.reverse_subpage("rss"),
    )
    return TemplateResponse(request, "network_minutes/networks_index_page.html", context)


# --- A network's meetings ----------------------------------------------------------------


def directory_network_url(request, network_page) -> str:
    """The directory listing filtered on the network, in the page's locale."""
    if network_page.network_id is None:
        return ""
    directory = DirectoryIndexPage.objects.live().filter(locale_id=network_page.locale_id).first()
    if directory is None:
        return ""
    return f"{directory.get_url(request)}?network={network_page.network.slug}"


def network_members(network_page):
    """(the first MEMBERS_SHOWN member fiches, how many there are)."""
    if network_page.network_id is None:
        return [], 0
    members = (
        ActorPage.objects.live()
        .public()
        .filter(networks=network_page.network_id, locale_id=network_page.locale_id)
        .only("title", "url_path", "kind", "city", "path", "depth", "locale_id")
        .order_by("sort_title", "pk")
    )
    shown = list(members[: MEMBERS_SHOWN + 1])
    if len(shown) <= MEMBERS_SHOWN:
        return shown, len(shown)
    return shown[:MEMBERS_SHOWN], members.count()


def _participant_counts(pages) -> dict[int, int]:
    ids = [page.pk for page in pages]
    if not ids:
        return {}
    return dict(
        Participant.objects.filter(page_id__in=ids)
        .values("page_id")
        .annotate(n=Count("pk"))
        .values_list("page_id", "n")
    )


def _network_links(request, network_page) -> dict[str, str]:
    base = network_page.get_url(request)
    return {
        "reset_url": base,
        "ical_url": base + network_page.reverse_subpage("ical"),
        "rss_url": base + network_page.reverse_subpage("rss"),
        "actions_url": base + network_page.reverse_subpage("open_actions"),
    }


def latest_announcement(network_page):
    """The latest minutes that announce a next meeting, if any."""
    return (
        meetings_of(network_page)
        .exclude(
            next_meeting_date__isnull=True,
            next_meeting_approximate="",
            next_meeting_host__isnull=True,
            next_meeting_host_text="",
        )
        .defer_streamfields()
        .select_related("next_meeting_host")
        .order_by("-date", "-pk")
        .first()
    )


def network_index(request, network_page):
    result = filtered_minutes(network_page, request.GET)
    meetings = result.queryset.defer_streamfields().select_related("host")
    results, page_range = paginate(meetings, result.page_number, PER_PAGE)
    counts = _participant_counts(results.object_list)
    for meeting in results.object_list:
        meeting.participant_count = counts.get(meeting.pk, 0)
    members, member_count = network_members(network_page)
    announcement = latest_announcement(network_page)
    context = network_page.get_context(request)
    context.update(
        filters=result,
        form=result.display_form(),
        results=results,
        page_range=page_range,
        notices=result.notices + _out_of_range_notice(result.page_number, results),
        chips=result.chips,
        years=result.years,
        members=members,
        member_count=member_count,
        directory_network_url=directory_network_url(request, network_page),
        announcement=announcement,
        **_network_links(request, network_page),
    )
    return TemplateResponse(request, "network_minutes/network_page.html", context)


def open_actions(request, network_page):
    """Action items not marked done, across the network's meetings: the
    oldest due first, those without a due date last."""
    form = PageNumberForm(request.GET)
    form.is_valid()
    notices = form_notices(form)
    actions = (
        ActionItem.objects.filter(done=False, page__in=meetings_of(network_page).values("pk"))
        .select_related("page", "owner_organisation")
        # What an action's card shows: no page bodies, no fiche sections.
        .only(*ACTION_CARD_FIELDS)
        .order_by(F("due_date").asc(nulls_last=True), "-page__date", "page_id", "sort_order")
    )
    results, page_range = paginate(actions, form.cleaned_data.get("page"), ACTIONS_PER_PAGE)
    notices += _out_of_range_notice(form.cleaned_data.get("page"), results)
    context = network_page.get_context(request)
    context.update(
        results=results,
        page_range=page_range,
        notices=notices,
        **_network_links(request, network_page),
    )
    return TemplateResponse(request, "network_minutes/open_actions.html", context)


# --- A minutes page -------------------------------------------------------------------------


@dataclass
class OrganisationGroup:
    label: str
    actor: object = None
    participants: list = field(default_factory=list)


def group_by_organisation(participants) -> list[OrganisationGroup]:
    """Participants grouped by organisation, groups in order of first
    appearance; those without an organisation last."""
    groups: dict[tuple, OrganisationGroup] = {}
    loose = OrganisationGroup(label="")
    for participant in participants:
        if participant.organisation_id and participant.organisation is not None:
            key = ("actor", participant.organisation_id)
            label = participant.organisation.title
            actor = participant.organisation
        elif participant.organisation_text.strip():
            key = ("text", participant.organisation_text.strip().casefold())
            label = participant.organisation_text.strip()
            actor = None
        else:
            loose.participants.append(participant)
            continue
        groups.setdefault(key, OrganisationGroup(label=label, actor=actor))
        groups[key].participants.append(participant)
    result = list(groups.values())
    if loose.participants:
        result.append(loose)
    return result


@dataclass
class AgendaEntry:
    number: int
    block: object
    actions: list = field(default_factory=list)


def minutes_context(page, request=None) -> dict:
    parent = page.get_parent()
    network = parent.specific if parent is not None else None
    actions_url = ""
    if isinstance(network, NetworkPage):
        actions_url = network.get_url(request) + network.reverse_subpage("open_actions")
    participants = list(page.participants.all().select_related("organisation"))
    actions = list(page.action_items.all().select_related("owner_organisation"))
    agenda = [AgendaEntry(number, block) for number, block in enumerate(page.agenda or [], start=1)]
    by_number = {entry.number: entry for entry in agenda}
    other_actions = []
    for action in actions:
        entry = by_number.get(action.agenda_point)
        (entry.actions if entry else other_actions).append(action)
    decisions = [
        (entry.number, entry.block.value["title"], decision)
        for entry in agenda
        for decision in entry.block.value["decisions"]
    ]
    return {
        "network": network,
        "network_actions_url": actions_url,
        "participants": participants,
        "organisation_groups": group_by_organisation(participants),
        "speaker_count": sum(1 for p in participants if p.attendance == Participant.SPEAKER),
        "agenda_entries": agenda,
        "actions": actions,
        "other_actions": other_actions,
        "decisions": decisions,
        "attachments": list(page.attachments.all().select_related("document")),
    }
