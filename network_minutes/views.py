"""Public views of the networks, called by the routes of `NetworksIndexPage`
and `NetworkPage`, and the context of a minutes page.

Each view runs a fixed number of queries whatever the number of networks,
meetings, participants or actions (tests/network_minutes/test_pages.py pins them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F
from django.template.response import TemplateResponse

from directory.models import ActorPage, DirectoryIndexPage
from home.listing import PageListing
from home.privacy import public

from .filters import ACTIONS_PER_PAGE, MinutesFilterSet
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


@dataclass
class NetworkCard:
    page: NetworkPage
    meeting_count: int = 0
    last_meeting: object = None


def networks_index(request, index_page):
    networks = public(NetworkPage.objects.live().child_of(index_page))
    listing = PageListing(
        request.GET, networks.select_related("host_organisation").order_by("title")
    )
    results, page_range = listing.paginate()
    stats = MeetingMinutesPage.objects.of_network(index_page).stats_by_network(index_page)
    cards = [NetworkCard(page, *stats.get(page.path, (0, None))) for page in results.object_list]
    context = index_page.get_context(request)
    context.update(
        results=results,
        page_range=page_range,
        cards=cards,
        notices=listing.notices,
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
        public(ActorPage.objects.live())
        .filter(networks=network_page.network_id, locale_id=network_page.locale_id)
        .only("title", "url_path", "kind", "city", "path", "depth", "locale_id")
        .order_by("sort_title", "pk")
    )
    shown = list(members[: MEMBERS_SHOWN + 1])
    if len(shown) <= MEMBERS_SHOWN:
        return shown, len(shown)
    return shown[:MEMBERS_SHOWN], members.count()


def _network_links(request, network_page) -> dict[str, str]:
    base = network_page.get_url(request)
    return {
        "reset_url": base,
        "ical_url": base + network_page.reverse_subpage("ical"),
        "rss_url": base + network_page.reverse_subpage("rss"),
        "actions_url": base + network_page.reverse_subpage("open_actions"),
    }


def network_index(request, network_page):
    listing = MinutesFilterSet(request.GET, scope=network_page)
    results, page_range = listing.paginate(listing.qs.defer_streamfields().select_related("host"))
    counts = dict(
        Participant.objects.filter(page_id__in=[meeting.pk for meeting in results.object_list])
        .values("page_id")
        .annotate(n=Count("pk"))
        .values_list("page_id", "n")
    )
    for meeting in results.object_list:
        meeting.participant_count = counts.get(meeting.pk, 0)
    members, member_count = network_members(network_page)
    links = _network_links(request, network_page)
    context = network_page.get_context(request)
    context.update(
        listing.context(links["reset_url"]),
        form=listing.display_form(),
        results=results,
        page_range=page_range,
        facets=[facet for facet in [listing.year_facet] if facet.items],
        members=members,
        member_count=member_count,
        directory_network_url=directory_network_url(request, network_page),
        # The latest minutes that announce a next meeting, if any.
        announcement=MeetingMinutesPage.objects.of_network(network_page)
        .announcing()
        .defer_streamfields()
        .select_related("next_meeting_host")
        .order_by("-date", "-pk")
        .first(),
        **links,
    )
    return TemplateResponse(request, "network_minutes/network_page.html", context)


def open_actions(request, network_page):
    """Action items not marked done, across the network's meetings: the
    oldest due first, those without a due date last."""
    meetings = MeetingMinutesPage.objects.of_network(network_page)
    actions = (
        ActionItem.objects.filter(done=False, page__in=meetings.values("pk"))
        .select_related("page", "owner_organisation")
        # What an action's card shows: no page bodies, no fiche sections.
        .only(*ACTION_CARD_FIELDS)
        .order_by(F("due_date").asc(nulls_last=True), "-page__date", "page_id", "sort_order")
    )
    listing = PageListing(request.GET, actions)
    results, page_range = listing.paginate(per_page=ACTIONS_PER_PAGE)
    context = network_page.get_context(request)
    context.update(
        results=results,
        page_range=page_range,
        notices=listing.notices,
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
