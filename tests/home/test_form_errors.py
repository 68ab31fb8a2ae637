"""After a refused submit, every public and partner form shows one error
summary above the form (RGAA 11.10, 11.11): focusable (static/js/forms.js
moves the focus to it), with one link per field in error that leads to that
field's control, without JavaScript too (a plain anchor). The focus itself is
checked in a browser: tests/browser/test_forms.py."""

import pytest
from django.urls import reverse

from partners.models import Submission
from tests.html import soup
from tests.partners.helpers import (
    actor_payload,
    current_task_state,
    make_actor,
    make_user,
    propose_url,
    update_payload,
    update_url,
)
from tests.partners.test_partners_calls import call_payload

pytestmark = pytest.mark.django_db

CONTROLS = {"input", "select", "textarea"}


def _public_actor(client):
    data = actor_payload(title="", siret="123 456 789", consent="")
    return client.post(propose_url(), data), {"title", "siret", "consent"}


def _public_call(client):
    # An unknown applicant: the error belongs to a group of checkboxes.
    data = call_payload(title="", applicants=["inconnu"])
    return client.post(reverse("partners:propose_call"), data), {"title", "applicants"}


def _public_update(client):
    actor = make_actor("Erreurs Fiche Ibis")
    data = update_payload(actor, website="pas une adresse", postcode="123")
    return client.post(update_url(actor), data), {"website", "postcode"}


def _space_update(client):
    actor = make_actor("Erreurs Fiche Grèbe")
    client.force_login(make_user("erreurs-grebe", partner_of=[actor]))
    url = reverse("partners:space_propose_update", args=[actor.pk])
    return client.post(url, update_payload(actor, title="", email="pas-un-courriel")), {
        "title",
        "email",
    }


def _space_call(client):
    actor = make_actor("Erreurs Fiche Sterne")
    client.force_login(make_user("erreurs-sterne", partner_of=[actor]))
    data = call_payload(organiser_name=str(actor.pk), call_type="", deadline="demain")
    return client.post(reverse("partners:space_propose_call"), data), {"call_type", "deadline"}


def _follow_correction(client):
    client.post(propose_url(), actor_payload(title="Erreurs Ressourcerie Pluvier"))
    submission = Submission.objects.get(title="Erreurs Ressourcerie Pluvier")
    current_task_state(submission).specific.reject(user=None, comment="La commune, svp.")
    url = reverse("partners:follow", args=[submission.follow_key])
    return client.post(url, actor_payload(title="", city="", postcode="ABC")), {
        "title",
        "postcode",
    }


def _partner_login(client):
    return client.post(reverse("partners:space_login"), {"email": "pas-une-adresse"}), {"email"}


def _search(client):
    return client.get(reverse("search"), {"q": "a" * 1000}), {"q"}


FORMS = {
    "proposition publique d'une structure": _public_actor,
    "proposition publique d'un appel": _public_call,
    "mise à jour d'une fiche": _public_update,
    "espace partenaires : mise à jour": _space_update,
    "espace partenaires : appel": _space_call,
    "suivi : correction demandée": _follow_correction,
    "espace partenaires : connexion": _partner_login,
    "recherche": _search,
}


@pytest.mark.parametrize("refused", FORMS.values(), ids=FORMS.keys())
def test_a_refused_form_shows_one_summary_linking_each_field_to_its_control(client, refused):
    response, fields_in_error = refused(client)
    assert response.status_code in (200, 400)
    page = soup(response)
    summaries = page.select("[data-error-summary]")
    assert len(summaries) == 1
    summary = summaries[0]
    # Focusable by script, not in the tab order; read out when it appears.
    assert summary["tabindex"] == "-1"
    assert summary["role"] == "alert"
    assert (
        page.find(id=summary["aria-labelledby"])
        .get_text(strip=True)
        .startswith("Le formulaire contient")
    )
    # Above the form it sums up; each link leads to a control of that form.
    form = summary.find_next("form")
    targets = []
    for link in summary.select("a"):
        assert link["href"].startswith("#")
        target = form.find(id=link["href"][1:])
        assert target is not None, f"{link['href']} leads nowhere in the form"
        assert target.name in CONTROLS and target.get("type") != "hidden"
        targets.append(target.get("name"))
    assert set(targets) == fields_in_error
    # In the order the page shows the fields.
    order = [control.get("id") for control in form.find_all(CONTROLS)]
    positions = [order.index(link["href"][1:]) for link in summary.select("a")]
    assert positions == sorted(positions)
    # The script that moves the focus is on the page, deferred.
    script = page.select_one('script[src$="js/forms.js"]')
    assert script is not None and script.has_attr("defer")


@pytest.mark.parametrize(
    "refused",
    [_public_actor, _public_call, _follow_correction, _search],
    ids=["structure", "appel", "correction", "recherche"],
)
def test_the_page_title_says_there_is_an_error(client, refused):
    response, _fields = refused(client)
    assert soup(response).title.get_text().startswith("Erreur")


def test_a_summary_link_names_the_field_and_the_problem(client):
    response, _fields = _public_actor(client)
    summary = soup(response).select_one("[data-error-summary]")
    links = [" ".join(link.get_text().split()) for link in summary.select("a")]
    assert any(text.startswith("SIREN ou SIRET : ") and "clé de contrôle" in text for text in links)
    # A long label (the consent sentence) is shortened, its message kept whole.
    consent = next(text for text in links if text.startswith("J'accepte"))
    assert consent.endswith("Cochez cette case pour que nous puissions traiter votre proposition.")
    assert len(consent) < 200


@pytest.mark.parametrize(
    "url",
    [
        "/fr/proposer/structure/",
        "/fr/proposer/appel-a-projets/",
        "/fr/espace-partenaires/connexion/",
        "/fr/recherche/?q=economie",
    ],
)
def test_no_summary_before_a_submit(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert not soup(response).select("[data-error-summary]")
