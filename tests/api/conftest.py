import datetime as dt

import pytest
from django.utils import timezone

from home.api import API_RESOURCES

# What must never appear in any answer of the API.
SECRET_EMAIL = "contact.non-publie@secret.test"
SECRET_NAME = "Personne Jamais Publiée"
POSTER_EMAIL = "annonceur.prive@secret.test"
POSTER_NAME = "Annonceur Privé"
DRAFT_TITLE = "Brouillon Jamais Publié"


@pytest.fixture(autouse=True)
def _generous_rate_limit(settings):
    """The walks below make hundreds of requests from one address; the
    rate limit's own test sets its limit low."""
    settings.API_RATE_LIMIT = 100_000


@pytest.fixture
def api(client):
    """GET (or another method) under /api/v1/."""

    def get(path, method="get", **extra):
        return getattr(client, method)("/api/v1/" + path.lstrip("/"), **extra)

    return get


def resource_keys():
    return [resource.key for resource in API_RESOURCES.resources()]


def first_index(model):
    return model.objects.filter(locale__language_code="fr").order_by("path").first()


@pytest.fixture
def examples(db):
    """Seeded content plus what the seed may lack today (an upcoming event,
    a current announcement) and what must stay hidden: an actor's
    unpublished contact, an announcement's private contact, a page never
    published, a draft revision of a live fiche."""
    from directory.models import ActorContact, ActorPage, DirectoryIndexPage
    from events.announcements import AnnouncementIndexPage, AnnouncementPage
    from events.models import AgendaIndexPage, EventPage, EventSlot

    today = timezone.localdate()
    event = EventPage(title="Forum de l'ESS à venir", event_type="forum", region="44")
    event.slots.add(EventSlot(start_date=today + dt.timedelta(days=10)))
    first_index(AgendaIndexPage).add_child(instance=event)
    event.save_revision().publish()

    announcement = AnnouncementPage(
        title="Bureau à partager",
        kind="offre",
        category="locaux",
        text="Un bureau à partager.",
        contact_email=POSTER_EMAIL,
        contact_name=POSTER_NAME,
        expires_on=today + dt.timedelta(days=30),
    )
    first_index(AnnouncementIndexPage).add_child(instance=announcement)
    announcement.save_revision().publish()

    directory = first_index(DirectoryIndexPage)
    actor = ActorPage.objects.live().descendant_of(directory).order_by("pk").first()
    actor.contacts.add(
        ActorContact(
            role="charge-de-mission", name=SECRET_NAME, email=SECRET_EMAIL, publication="no"
        )
    )
    actor.save_revision().publish()
    draft = ActorPage.objects.get(pk=actor.pk)
    draft.title = DRAFT_TITLE
    draft.save_revision()  # a draft revision of a live page: never shown

    hidden = ActorPage(title=DRAFT_TITLE + " 2", kind=actor.kind, live=False)
    directory.add_child(instance=hidden)
    return {"actor": ActorPage.objects.get(pk=actor.pk), "event": event}
