"""Announcements (« petites annonces ») as a visitor, a poster and an editor
meet them: expiry in Paris time (the last day included, gone at the next
midnight, DST or not), the page of an expired one (410), the sitemap and
the home page's section, the contact form that relays a message by email
(stored first, sent after commit, to the private address with the sender as
Reply-To), whose failures are recorded and retried, and the poster's address
that never appears anywhere a visitor can read."""

import datetime as dt
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from events import announcement_relay as relay
from events import vocab
from events.announcement_filters import AnnouncementFilterSet
from events.announcements import (
    AnnouncementIndexPage,
    AnnouncementMessage,
    AnnouncementPage,
    default_expiry,
    expiry_error,
    paris_today,
)
from events.models import paris
from home.roles import EDITORS, MODERATORS
from tests.events.conftest import PRIVATE_EMAIL
from tests.html import soup

REFUSING = "tests.mail_backends.RefusingBackend"

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
# A winter day (Paris = UTC+1) and a summer day (Paris = UTC+2).
WINTER = dt.date(2030, 1, 15)
SUMMER = dt.date(2030, 7, 15)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An instant, Paris time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=paris())


@pytest.fixture
def clock(monkeypatch):
    """`clock(instant)`: the site's clock stopped at `instant`."""

    def _set(instant):
        monkeypatch.setattr(timezone, "now", lambda: instant)

    return _set


@pytest.fixture
def today():
    return paris_today()


def listed(index, now) -> list[str]:
    return [item.title for item in AnnouncementFilterSet({}, scope=index, now=now).qs]


# --- Expiry ---------------------------------------------------------------------------------


def test_a_new_announcement_expires_after_sixty_days_by_default(today):
    assert default_expiry() == today + 60 * DAY
    assert AnnouncementPage().expires_on == today + 60 * DAY


@pytest.mark.parametrize("day", [WINTER, SUMMER], ids=["winter", "summer"])
def test_listed_through_its_last_day_gone_at_the_next_paris_midnight(
    announcements_index, make_announcement, day
):
    make_announcement("Dernier jour", expires_on=day)
    make_announcement("Encore demain", expires_on=day + DAY)
    # The evening of its last day, Paris time (already the next day in UTC
    # for neither; one minute before midnight).
    assert listed(announcements_index, at(day, 23, 59)) == ["Encore demain", "Dernier jour"]
    assert listed(announcements_index, at(day + DAY, 0, 0)) == ["Encore demain"]
    # UTC would still be on its last day at 00:30 Paris (23:30 or 22:30 UTC).
    late = at(day + DAY, 0, 30)
    assert late.astimezone(dt.UTC).date() == day
    assert listed(announcements_index, late) == ["Encore demain"]


def test_queryset_and_python_rules_agree(announcements_index, make_announcement):
    for offset in (-2, -1, 0, 1):
        make_announcement(f"J{offset:+d}", expires_on=WINTER + offset * DAY)
    pages = AnnouncementPage.objects.child_of(announcements_index)
    current = set(pages.current(WINTER).values_list("title", flat=True))
    expired = set(pages.expired(WINTER).values_list("title", flat=True))
    assert current == {"J+0", "J+1"} and expired == {"J-2", "J-1"}
    for page in pages:
        assert page.is_expired_on(WINTER) == (page.title in expired)


@pytest.mark.parametrize(
    ("offset", "previous", "error"),
    [
        (0, None, None),
        (60, None, None),
        (366, None, None),
        (-1, None, "passée"),
        (367, None, "un an au plus"),
        # Unchanged: an expired announcement may still be corrected.
        (-10, -10, None),
        (-10, -9, "passée"),
    ],
)
def test_expiry_an_editor_sets(today, offset, previous, error):
    value = today + offset * DAY
    previous = today + previous * DAY if previous is not None else None
    message = expiry_error(value, previous, today)
    assert (message is None) == (error is None)
    if error:
        assert error in str(message)


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1999, 12, 31)])
def test_implausible_expiry_refused_even_unchanged(today, day):
    assert "entre l'an 2000 et l'an 2100" in str(expiry_error(day, day, today))


def test_the_model_refuses_an_implausible_expiry(announcements_index, make_announcement):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        make_announcement("Année 9999", expires_on=dt.date(9999, 1, 1))
    assert "expires_on" in error.value.message_dict


def test_territory_is_derived_from_the_postcode(make_announcement, today):
    page = make_announcement("Sceaux", postcode="92330", city="Sceaux", expires_on=today)
    assert (page.departement, page.region) == ("92", "11")
    assert page.place == "Sceaux (92)"


# --- The page of an announcement, expired or not ---------------------------------------------


def test_page_of_a_current_announcement(client, make_announcement, today):
    page = make_announcement(
        "Bureau à Sceaux", postcode="92330", city="Sceaux", expires_on=today, organisation="Asso"
    )
    response = client.get(page.url)
    assert response.status_code == 200
    html = soup(response)
    assert html.select_one("h1").get_text(strip=True) == "Bureau à Sceaux"
    assert "Un bureau de 12 m²" in html.select_one(".announcement__text").get_text()
    assert html.select_one("form.announcement-contact__form") is not None
    # Public and cacheable only until its last day ends; here, private (a form).
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("day", [WINTER, SUMMER], ids=["winter", "summer"])
def test_expired_page_answers_410_from_paris_midnight(client, clock, make_announcement, day):
    page = make_announcement("Salle à prêter", expires_on=day)
    clock(at(day, 23, 59))
    assert client.get(page.url).status_code == 200
    clock(at(day + DAY, 0, 0))
    response = client.get(page.url)
    assert response.status_code == 410
    html = soup(response)
    assert "Cette annonce a expiré." in html.select_one(".announcement__expired").get_text()
    # Neither its text nor its contact form.
    assert "Un bureau de 12 m²" not in response.content.decode()
    assert html.select_one("form.announcement-contact__form") is None
    assert html.select_one('meta[name="robots"]')["content"] == "noindex, follow"


def test_an_expired_announcement_accepts_no_message(client, make_announcement, today):
    page = make_announcement("Expirée", expires_on=today - DAY)
    response = client.post(page.url, _message())
    assert response.status_code == 410
    assert not AnnouncementMessage.objects.exists()
    assert mail.outbox == []


def test_expired_announcements_leave_the_sitemap(client, make_announcement, today):
    current = make_announcement("Toujours là", slug="toujours-la", expires_on=today)
    expired = make_announcement("Partie", slug="partie", expires_on=today - DAY)
    body = client.get("/sitemap.xml").content.decode()
    assert current.full_url in body
    assert expired.full_url not in body
    assert PRIVATE_EMAIL not in body


def test_expired_announcements_leave_the_site_search_and_the_theme_pages(
    client, make_announcement, today
):
    from home.models import Theme

    theme = Theme.objects.get(slug="mobilite")
    make_announcement("Vélo cargo à prêter", slug="velo-en-cours", expires_on=today, themes=[theme])
    make_announcement(
        "Vélo cargo à donner", slug="velo-expire", expires_on=today - DAY, themes=[theme]
    )
    search = client.get("/fr/recherche/", {"q": "vélo cargo"}).content.decode()
    assert "Vélo cargo à prêter" in search
    assert "Vélo cargo à donner" not in search
    theme_page = client.get(f"/fr/themes/{theme.slug}/").content.decode()
    assert "Vélo cargo à prêter" in theme_page
    assert "Vélo cargo à donner" not in theme_page


def test_editors_still_find_expired_announcements_in_the_admin(
    client, django_user_model, make_announcement, today
):
    make_announcement("Annonce expirée admin", expires_on=today - DAY)
    make_announcement("Annonce en cours admin", expires_on=today)
    user = django_user_model.objects.create_user("redac-annonces", "r@example.org", "x")
    user.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(user)
    response = client.get("/admin/announcements/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Annonce expirée admin" in html and "Annonce en cours admin" in html
    assert "expirée" in html
    only_expired = client.get("/admin/announcements/", {"expiry": "expiree"}).content.decode()
    assert "Annonce expirée admin" in only_expired
    assert "Annonce en cours admin" not in only_expired


@pytest.mark.parametrize(
    ("expires_on", "error"),
    [
        ("yesterday", "Cette date est passée"),
        ("in-two-years", "un an au plus"),
        ("0001-01-01", "entre l&#x27;an 2000 et l&#x27;an 2100"),
        ("9999-12-31", "entre l&#x27;an 2000 et l&#x27;an 2100"),
        ("31/02/2030", "Saisissez une date valide"),
    ],
)
def test_the_admin_form_refuses_a_bad_expiry(
    client, django_user_model, announcements_index, today, expires_on, error
):
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    user = django_user_model.objects.create_superuser("admin-annonces", "a@example.org", "x")
    client.force_login(user)
    url = f"/admin/pages/add/events/announcementpage/{announcements_index.pk}/"
    data = nested_form_data(
        {
            "title": "Local à louer",
            "slug": "local-a-louer",
            "kind": "offre",
            "category": "locaux",
            "text": "Un local de 30 m².",
            "expires_on": {
                "yesterday": (today - DAY).isoformat(),
                "in-two-years": (today + 730 * DAY).isoformat(),
            }.get(expires_on, expires_on),
            "contact_email": "poster@example.org",
            "comments": inline_formset([]),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with what was typed
    assert error in response.content.decode()
    assert not AnnouncementPage.objects.filter(slug="local-a-louer").exists()
    data["expires_on"] = (today + 30 * DAY).isoformat()
    response = client.post(url, data)
    assert response.status_code == 302
    page = AnnouncementPage.objects.get(locale__language_code="fr", slug="local-a-louer")
    assert page.expires_on == today + 30 * DAY


# --- The home page --------------------------------------------------------------------------


def test_home_page_shows_the_newest_current_announcements(client, home_fr, fr, today):
    index = AnnouncementIndexPage.objects.get(locale=fr, slug="annonces")
    for n in range(5):
        page = AnnouncementPage(
            title=f"Annonce accueil {n}",
            category="materiel",
            text="Du matériel à prêter.",
            contact_email=PRIVATE_EMAIL,
            expires_on=today if n != 4 else today - DAY,
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    response = client.get(home_fr.url)
    section = soup(response).select_one(".home-announcements")
    assert section.select_one("h2").get_text(strip=True) == "Dernières annonces"
    titles = [a.get_text(strip=True) for a in section.select(".announcement-card__title")]
    # The newest four current ones (the fifth, the newest, has expired).
    assert titles == [
        "Annonce accueil 3",
        "Annonce accueil 2",
        "Annonce accueil 1",
        "Annonce accueil 0",
    ]
    assert section.select_one(".home-announcements__more a")["href"] == index.url
    assert PRIVATE_EMAIL not in response.content.decode()


def test_home_section_runs_a_fixed_number_of_queries(
    client, home_fr, fr, today, django_assert_num_queries
):
    from django.test import RequestFactory

    from events.announcement_views import home_announcements_section

    index = AnnouncementIndexPage.objects.get(locale=fr, slug="annonces")
    request = RequestFactory().get("/fr/")

    def count():
        home_announcements_section(home_fr, request)  # caches warmed
        with django_assert_num_queries(1) as captured:
            home_announcements_section(home_fr, request)
        return len(captured.captured_queries)

    few = count()
    for n in range(6):
        page = AnnouncementPage(
            title=f"Q{n}", category="autre", text="Texte.", contact_email=PRIVATE_EMAIL
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    assert count() == few


# --- The email relay --------------------------------------------------------------------------


def _message(**overrides):
    data = {
        "sender_name": "Camille Martin",
        "sender_email": "camille@example.net",
        "body": "Bonjour, le bureau est-il encore disponible en janvier ?",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_a_message_is_stored_by_the_request_then_relayed_by_the_worker(
    client, make_announcement, today, django_capture_on_commit_callbacks
):
    page = make_announcement("Bureau partagé", expires_on=today, contact_name="Dominique")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, _message())
    # Stored, not sent: no email inside a web request.
    assert AnnouncementMessage.objects.count() == 1
    assert mail.outbox == []
    assert response.status_code == 302
    assert response["Location"] == page.url + "#contact"
    call_command("send_announcement_messages", stdout=_Out())

    (email,) = mail.outbox
    assert email.to == [f"Dominique <{PRIVATE_EMAIL}>"]
    assert email.reply_to == ["Camille Martin <camille@example.net>"]
    assert "Bureau partagé" in email.subject and "Camille Martin" in email.subject
    assert "le bureau est-il encore disponible en janvier" in email.body
    assert page.full_url in email.body
    message = AnnouncementMessage.objects.get()
    assert message.sent_at is not None and message.attempts == 1 and message.error == ""
    assert (message.sender_name, message.sender_email) == ("Camille Martin", "camille@example.net")
    assert message.announcement_id == page.pk


def test_the_sender_sees_a_confirmation_never_the_address(
    client, make_announcement, today, django_capture_on_commit_callbacks
):
    page = make_announcement("Matériel de sono", expires_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, _message(), follow=True)
    assert response.status_code == 200
    confirmation = (
        soup(response).select_one(".announcement__confirmation").get_text(" ", strip=True)
    )
    assert confirmation == "Votre message a été transmis à l'auteur de l'annonce."
    assert PRIVATE_EMAIL not in response.content.decode()
    # The sender receives nothing: only the poster is written to.
    call_command("send_announcement_messages", stdout=_Out())
    assert [message.to for message in mail.outbox] == [[PRIVATE_EMAIL]]
    # The confirmation is shown once (the message is consumed).
    assert soup(client.get(page.url)).select_one(".announcement__confirmation") is None


def test_an_smtp_failure_is_recorded_and_the_sender_still_sees_success(
    client, make_announcement, today, monkeypatch, django_capture_on_commit_callbacks
):
    page = make_announcement("Local associatif", expires_on=today)

    monkeypatch.setattr(settings, "EMAIL_DELIVERY_BACKEND", REFUSING)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, _message(), follow=True)
    assert response.status_code == 200
    assert "Votre message a été transmis" in response.content.decode()
    call_command("send_announcement_messages", stdout=_Out())
    message = AnnouncementMessage.objects.get()
    assert message.sent_at is None and message.attempts == 1
    assert "SMTPServerDisconnected" in message.error

    # The command retries it (at most three attempts in all).
    call_command("send_announcement_messages", stdout=_Out())
    message.refresh_from_db()
    assert message.attempts == 2 and message.sent_at is None
    monkeypatch.undo()
    call_command("send_announcement_messages", stdout=_Out())
    message.refresh_from_db()
    assert message.attempts == 3 and message.sent_at is not None and message.error == ""
    assert [email.to for email in mail.outbox] == [[PRIVATE_EMAIL]]
    # Sent: never again.
    call_command("send_announcement_messages", stdout=_Out())
    assert len(mail.outbox) == 1


def test_retries_stop_after_three_attempts(make_announcement, today, monkeypatch):
    page = make_announcement("Trois essais", expires_on=today)
    message = AnnouncementMessage.objects.create(
        announcement=page, sender_name="A", sender_email="a@example.net", body="Bonjour à vous."
    )
    monkeypatch.setattr(settings, "EMAIL_DELIVERY_BACKEND", REFUSING)
    for _ in range(5):
        relay.retry_unsent()
    message.refresh_from_db()
    assert message.attempts == relay.MAX_ATTEMPTS and message.sent_at is None


class _Out:
    def write(self, *_args, **_kwargs):
        pass

    def flush(self):
        pass


def test_honeypot_gets_the_same_answer_and_nothing_is_kept(
    client, make_announcement, today, django_capture_on_commit_callbacks
):
    page = make_announcement("Pot de miel", expires_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, _message(site_web="http://spam.example"))
    assert response.status_code == 302
    assert not AnnouncementMessage.objects.exists()
    assert mail.outbox == []


@override_settings(PARTNERS_RATE_LIMIT=2, PARTNERS_RATE_WINDOW=600)
def test_rate_limit(client, make_announcement, today, django_capture_on_commit_callbacks):
    page = make_announcement("Très demandé", expires_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert client.post(page.url, _message()).status_code == 302
        response = client.post(page.url, _message(body="Un troisième message trop vite."))
    assert response.status_code == 429
    html = soup(response)
    assert "réessayez dans une heure" in html.select_one(".error-summary").get_text()
    # What was typed is kept.
    assert (
        html.select_one("textarea[name=body]").get_text().strip()
        == "Un troisième message trop vite."
    )
    assert AnnouncementMessage.objects.count() == 2
    call_command("send_announcement_messages", stdout=_Out())
    assert len(mail.outbox) == 2


# --- Bad and hostile input on the contact form ------------------------------------------------

HOSTILE_FORMS = [
    ({"sender_name": ""}, "sender_name"),
    ({"sender_email": "pas-une-adresse"}, "sender_email"),
    ({"sender_email": "a@b.c\nBcc: x@example.org"}, "sender_email"),
    ({"body": ""}, "body"),
    ({"body": "Court"}, "body"),
    ({"body": "x" * 10_000}, "body"),
    ({"body": "Bonjour\x00 le NUL"}, "body"),
    ({"body": "Bonjour \x1b[31m en couleur"}, "body"),
    ({"sender_name": "Camille\x07"}, "sender_name"),
    ({"sender_name": "Camille\r\nBcc: victime@example.org"}, "sender_name"),
    ({"sender_name": "n" * 10_000}, "sender_name"),
    ({"consent": ""}, "consent"),
]


@pytest.mark.parametrize(("overrides", "field"), HOSTILE_FORMS, ids=lambda v: repr(v)[:30])
def test_bad_input_is_refused_with_the_form_again(
    client, make_announcement, today, overrides, field, django_capture_on_commit_callbacks
):
    page = make_announcement("Annonce robuste", expires_on=today)
    data = _message(**overrides)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, data)
    assert response.status_code == 400
    html = soup(response)
    assert html.title.get_text().startswith("Erreur")
    # The summary links to the field; the field says why and is tied to it.
    summary = html.select_one(".error-summary")
    assert summary is not None and summary.select_one(f'a[href="#id_{field}"]')
    control = html.select_one(f'[name="{field}"]')
    assert control["aria-invalid"] == "true"
    assert f"id_{field}_error" in control["aria-describedby"]
    assert html.select_one(f"#id_{field}_error").get_text(strip=True)
    assert not AnnouncementMessage.objects.exists()
    assert mail.outbox == []
    body = response.content.decode()
    assert "\x00" not in body and PRIVATE_EMAIL not in body


def test_a_refused_form_keeps_what_was_typed(client, make_announcement, today):
    page = make_announcement("Annonce mémoire", expires_on=today)
    response = client.post(
        page.url, _message(sender_email="faux", body="<script>alert(1)</script>!")
    )
    assert response.status_code == 400
    html = soup(response)
    assert html.select_one("input[name=sender_name]")["value"] == "Camille Martin"
    assert html.select_one("input[name=sender_email]")["value"] == "faux"
    assert html.select_one("textarea[name=body]").get_text().strip() == "<script>alert(1)</script>!"
    assert "<script>alert(1)" not in response.content.decode()


def test_script_in_a_message_is_relayed_as_plain_text(
    client, make_announcement, today, django_capture_on_commit_callbacks
):
    page = make_announcement("Annonce texte", expires_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page.url, _message(body="<script>alert('x')</script> Bonjour !"))
    call_command("send_announcement_messages", stdout=_Out())
    (email,) = mail.outbox
    assert email.content_subtype == "plain"
    assert "<script>alert('x')</script> Bonjour" in email.body


@pytest.mark.parametrize(
    "path", ["?page=%00", "?q=%00%01", "?x=" + "é" * 10_000, "?id=99999999999999999999999"]
)
def test_hostile_query_strings_on_the_page(client, make_announcement, today, path):
    page = make_announcement("Annonce solide", expires_on=today)
    response = client.get(page.url + path)
    assert response.status_code == 200


# --- The poster's address is never shown ------------------------------------------------------


def test_the_private_address_is_nowhere_a_visitor_can_read(
    client, announcements_index, make_announcement, today, home_fr
):
    page = make_announcement(
        "Coworking discret",
        expires_on=today,
        city="Sceaux",
        postcode="92330",
        contact_name="Nom Privé Du Contact",
    )
    index_url = announcements_index.url
    # Where it is listed, and where it is not (the home page shows the seeded
    # index's announcements).
    listed = [
        index_url,
        index_url + "?q=coworking",
        index_url + "flux/rss/",
        index_url + "flux/atom/",
        page.url,
        "/fr/recherche/?q=coworking",
    ]
    for url in [*listed, home_fr.url, "/sitemap.xml"]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert ("Coworking discret" in body) == (url in listed), url
        assert PRIVATE_EMAIL not in body, url
        assert "Nom Privé Du Contact" not in body, url
    # Neither the site search nor the listing's find it by its private details.
    for query in ("exemple-secret", "auteur.prive", "Nom Privé Du Contact"):
        assert (
            "Coworking discret" not in soup(client.get("/fr/recherche/", {"q": query})).get_text()
        )
        assert "Coworking discret" not in soup(client.get(index_url, {"q": query})).get_text()


def test_the_private_address_is_not_in_the_search_index():
    indexed = {field.field_name for field in AnnouncementPage.get_search_fields()}
    assert "contact_email" not in indexed and "contact_name" not in indexed


# --- Messages in the admin: moderators read them, nobody edits them --------------------------


def test_moderators_read_messages_editors_do_not(
    client, django_user_model, make_announcement, today
):
    page = make_announcement("Annonce modérée", expires_on=today)
    message = AnnouncementMessage.objects.create(
        announcement=page, sender_name="Lou", sender_email="lou@example.net", body="Bonjour Lou."
    )
    moderator = django_user_model.objects.create_user("modo-annonces", "m@example.org", "x")
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    editor = django_user_model.objects.create_user("redac-msg", "e@example.org", "x")
    editor.groups.add(Group.objects.get(name=EDITORS))

    client.force_login(moderator)
    listing = client.get("/admin/announcement_messages/")
    assert listing.status_code == 200 and "Lou" in listing.content.decode()
    inspect = client.get(f"/admin/announcement_messages/inspect/{message.pk}/")
    assert inspect.status_code == 200 and "Bonjour Lou." in inspect.content.decode()
    # Read-only: no form to change or add one.
    assert client.get(f"/admin/announcement_messages/edit/{message.pk}/").status_code in (302, 403)
    assert client.get("/admin/announcement_messages/new/").status_code in (302, 403)

    client.force_login(editor)
    assert client.get("/admin/announcement_messages/").status_code in (302, 403)
    assert client.get(f"/admin/announcement_messages/inspect/{message.pk}/").status_code in (
        302,
        403,
    )


# --- Seed content -----------------------------------------------------------------------------


def test_seeded_announcements_are_current_and_linked(client, fr, en, today):
    index = AnnouncementIndexPage.objects.get(locale=fr, slug="annonces")
    assert index.url == "/fr/annonces/"
    assert index.get_translation(en).url == "/en/announcements/"
    seeded = AnnouncementPage.objects.child_of(index).live()
    assert seeded.count() >= 5
    assert all(page.expires_on >= today for page in seeded)
    coworking = seeded.get(slug="espace-de-coworking-a-sceaux")
    assert coworking.actor.slug == "ville-de-sceaux"
    assert (coworking.category, coworking.departement, coworking.region) == (
        "coworking",
        "92",
        "11",
    )
    assert all(parseaddr(page.contact_email)[1].endswith("@example.org") for page in seeded)
    assert client.get(index.url).status_code == 200
    assert vocab.AnnouncementCategory.COWORKING.label == "Coworking"
