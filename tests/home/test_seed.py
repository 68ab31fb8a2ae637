import json
from html import unescape

import pytest
from django.core.management import call_command
from wagtail import blocks
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Revision
from wagtail.test.utils.form_data import querydict_from_html

from home.models import HomePage, StandardPage, Theme
from home.seeding import as_editor_saves
from tests.html import soup

pytestmark = pytest.mark.django_db


def test_seed_builds_the_site_tree(home_fr, home_en):
    assert isinstance(home_fr, HomePage) and home_fr.locale.language_code == "fr"
    assert home_en.locale.language_code == "en"
    assert home_en.translation_key == home_fr.translation_key
    valley = StandardPage.objects.get(locale__language_code="fr", slug="sceaux-valley")
    assert valley.get_parent().pk == home_fr.pk
    assert valley.live


def test_sceaux_valley_holds_the_seed_facts(client):
    text = unescape(client.get("/fr/sceaux-valley/").text)
    for fact in [
        "Parlons Ensemble de Sceaux",
        "1 400",
        "169",
        "244",
        "106",
        "GSEF-Montréal 2016",
        "Pari Solidaire",
        "Philippe Laurent",
    ]:
        assert fact in text


def test_running_the_seed_twice_changes_nothing(capsys):
    before = (Page.objects.count(), Revision.objects.count(), Theme.objects.count())
    call_command("load_seed_content")
    assert (Page.objects.count(), Revision.objects.count(), Theme.objects.count()) == before
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_seed_leaves_editors_changes_alone(publish):
    valley = StandardPage.objects.get(locale__language_code="fr", slug="sceaux-valley")
    valley.introduction = "Modifié par la rédaction"
    publish(valley)
    call_command("load_seed_content", verbosity=0)
    valley.refresh_from_db()
    assert valley.introduction == "Modifié par la rédaction"


def test_seed_update_restores_a_page_with_a_new_revision(publish):
    valley = StandardPage.objects.get(locale__language_code="fr", slug="sceaux-valley")
    valley.introduction = "Modifié"
    publish(valley)
    revisions = valley.revisions.count()
    call_command("load_seed_content", "--update", verbosity=0)
    valley.refresh_from_db()
    assert valley.introduction.startswith("Un écosystème d'innovation sociétale")
    assert valley.revisions.count() == revisions + 1


# --- Rich text stored as the editor saves it (issue 18) ----------------------------
#
# The first edit of a seeded page used to list untouched rich text fields as
# changed: the seed's HTML had none of the block keys the editor writes. The
# test does what an editor does: open the page in the admin, save it without
# touching anything, then compare the two latest revisions in the history.


def _draftail_posts(contentstate_json: str) -> str:
    """What Draftail puts in its hidden input for an untouched field: the
    content state it was given, or « null » when it holds no text."""
    state = json.loads(contentstate_json)
    empty = all(
        not block["text"].strip() and not block.get("entityRanges") and block["type"] != "atomic"
        for block in state["blocks"]
    )
    return "null" if empty else json.dumps(state)


def _block_inputs(block, state, prefix: str) -> dict[str, str | list[str]]:
    """The inputs the admin's StreamField scripts create for `state` (the form
    state the page rendered for a block), as the browser posts them."""
    if isinstance(block, blocks.StreamBlock):
        data = {f"{prefix}-count": str(len(state))}
        for index, child in enumerate(state):
            data |= {
                f"{prefix}-{index}-deleted": "",
                f"{prefix}-{index}-order": str(index),
                f"{prefix}-{index}-type": child["type"],
                f"{prefix}-{index}-id": child["id"] or "",
            }
            child_block = block.child_blocks[child["type"]]
            data |= _block_inputs(child_block, child["value"], f"{prefix}-{index}-value")
        return data
    if isinstance(block, blocks.ListBlock):
        data = {f"{prefix}-count": str(len(state))}
        for index, item in enumerate(state):
            data |= {
                f"{prefix}-{index}-deleted": "",
                f"{prefix}-{index}-order": str(index),
                f"{prefix}-{index}-type": "",
                f"{prefix}-{index}-id": item["id"] or "",
            }
            data |= _block_inputs(block.child_block, item["value"], f"{prefix}-{index}-value")
        return data
    if isinstance(block, blocks.StructBlock):
        data = {}
        for name, child_block in block.child_blocks.items():
            data |= _block_inputs(child_block, state.get(name), f"{prefix}-{name}")
        return data
    if isinstance(block, blocks.RichTextBlock):
        return {prefix: _draftail_posts(state)}
    if isinstance(state, dict):  # a chooser: its hidden input holds the id
        return {prefix: str(state["id"])}
    if isinstance(state, bool):
        return {prefix: "on"} if state else {}
    if isinstance(state, list):  # a select: its chosen values
        return {prefix: [str(value) for value in state]}
    return {prefix: "" if state is None else str(state)}


def save_untouched_in_the_admin(client, page) -> None:
    """Open `page` in the admin's editor and save it without changing anything,
    posting what the browser posts (rendered inputs, Draftail's content state,
    the StreamField inputs its scripts build from the rendered form state)."""
    url = f"/admin/pages/{page.pk}/edit/"
    html = client.get(url).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    form = soup(html).find("form", id="page-edit-form")
    for box in form.select("input[type=checkbox][checked]:not([value])"):
        data.setlist(box["name"], ["on"])  # what a browser posts for a ticked box
    model = type(page)
    for field in model._meta.get_fields():
        if isinstance(field, RichTextField) and field.name in data:
            data[field.name] = _draftail_posts(data[field.name])
        elif isinstance(field, StreamField):
            container = form.find(id=field.name, attrs={"data-controller": "w-block"})
            if container is None:
                continue
            state = json.loads(container["data-w-block-arguments-value"])[0]
            for name, value in _block_inputs(field.stream_block, state, field.name).items():
                data.setlist(name, value if isinstance(value, list) else [value])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors


SEEDED_PAGES_WITH_RICH_TEXT = [
    "courts-circuits",  # a call: four rich text fields filled, three empty
    "mulhouse-alsace-agglomeration",  # an actor fiche: four rich text fields, key figures
    "2015-11-27-premiere-reunion",  # minutes: rich text in the agenda's blocks
    "reseau-92-ess",  # a network: its description
    "sceaux-conventions-partenariat-ess-2014",  # a convention: its context
    "sceaux-valley",  # a standard page: paragraphs in its body
]


@pytest.mark.parametrize("slug", SEEDED_PAGES_WITH_RICH_TEXT)
def test_saving_a_seeded_page_untouched_changes_no_field(client, django_user_model, slug):
    editor = django_user_model.objects.create_superuser("chef", "chef@example.org", "x")
    client.force_login(editor)
    page = Page.objects.get(slug=slug, locale__language_code="fr").specific
    seeded = page.revisions.order_by("created_at", "pk").last()

    save_untouched_in_the_admin(client, page)

    saved = page.revisions.order_by("created_at", "pk").last()
    assert saved.pk != seeded.pk  # the editor's save made a revision
    compare = f"/admin/pages/{page.pk}/revisions/compare/{seeded.pk}...{saved.pk}/"
    response = client.get(compare)
    assert response.status_code == 200
    changed = [str(diff.field_label()) for diff in response.context["comparison"]]
    assert changed == []


def test_seed_rich_text_carries_the_editor_block_keys(db):
    call = Page.objects.get(locale__language_code="fr", slug="courts-circuits").specific
    assert call.description.startswith("<p data-block-key=")
    assert call.eligible_examples == ""  # empty stays empty, as the editor saves it
    minutes = Page.objects.get(
        locale__language_code="fr", slug="2015-11-27-premiere-reunion"
    ).specific
    discussion = minutes.agenda[0].value["discussion"].source
    assert discussion.startswith("<p data-block-key=")


def test_seed_update_leaves_unchanged_pages_without_a_new_revision(capsys):
    revisions = Revision.objects.count()
    call_command("load_seed_content", "--update")
    assert Revision.objects.count() == revisions
    assert "0 created, 0 updated" in capsys.readouterr().out


def test_seed_update_restores_rich_text_as_the_editor_saves_it(publish):
    network = Page.objects.get(locale__language_code="fr", slug="reseau-92-ess").specific
    network.description = "<p>Modifié</p>"
    publish(network)
    call_command("load_seed_content", "--update", verbosity=0)
    network.refresh_from_db()
    assert "Le réseau est né de deux constats" in network.description
    assert network.description.startswith("<p data-block-key=")


def test_seed_rich_text_the_editor_would_alter_is_refused(db):
    """A seed file's rich text that the editor would silently change (a tag
    its features drop, a tag it cannot read) stops the seed with the text."""
    paragraph = [
        {"type": "paragraph", "value": "<p>Un tableau :</p><table><tr><td>1</td></tr></table>"}
    ]
    with pytest.raises(ValueError, match="table"):
        as_editor_saves(StandardPage, {"body": paragraph})
    with pytest.raises(ValueError, match="cannot read"):
        as_editor_saves(StandardPage, {"body": [{"type": "paragraph", "value": "<p>a<br>b</p>"}]})
    saved = as_editor_saves(
        StandardPage, {"body": [{"type": "paragraph", "value": "<p>a<br/>b</p>"}]}
    )
    assert saved["body"][0]["value"].startswith('<p data-block-key="')
