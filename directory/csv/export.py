"""The directory as CSV and JSON rows (the file format: docs/csv-import.md).

`actor_row` is the one definition of a row: an actor's own values (a dict by
column), the slugs of its networks and themes, its published contacts and its
address. `actor_rows` makes the rows of the exports from `values()` of a
queryset, a chunk at a time, with one query per related table and chunk;
`actor_to_row` makes the row of one actor instance (a page or a revision's
copy: the import's comparisons and round trips). `iter_csv` writes the
import's comma-separated file of instances."""

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from home.exports import CsvExport, csv_chunks, grouped, page_themes, value_chunks

from ..models import ActorContact, ActorPage, ContactRole, Publication
from .columns import (
    COLUMNS,
    CONTACT_FIELDS,
    CONTACT_SEPARATOR,
    CSV_COLUMNS,
    LIST_SEPARATOR,
    escape,
    protect_cell,
)

# The public export: semicolons, UTF-8 with a byte order mark.
DIRECTORY_CSV = CsvExport(
    "annuaire-acteurs",
    _("Annuaire des acteurs"),
    _(
        "Les acteurs de l'annuaire (collectivités, structures de l'ESS, réseaux…) et leurs "
        "contacts publiés, dans les colonnes de l'import CSV. Fichier UTF-8 avec BOM, "
        "séparateur « ; »."
    ),
    COLUMNS,
)


# The columns read from the actor's own fields; the others come from its
# related rows and its place in the page tree.
RELATED_COLUMNS = ("networks", "themes", "contacts", "url")
FIELD_COLUMNS = [column for column in CSV_COLUMNS if column not in RELATED_COLUMNS]

# The SQL twin of `ActorContact.is_public` (what `ActorPage.public_contacts()`
# keeps): « Publier le nom » always, « Ne pas publier le nom » never, « Selon
# le rôle » for an elected representative only. tests/directory/test_exports.py
# checks that both agree on every role × publication choice.
PUBLIC_CONTACTS = Q(publication=Publication.YES) | (
    Q(role=ContactRole.ELECTED) & ~Q(publication=Publication.NO)
)


def contact_to_text(contact: ActorContact | Mapping[str, Any]) -> str:
    """A contact (an `ActorContact`, or a dict of its `CONTACT_FIELDS`) as one
    item of the contacts cell: « rôle:nom:fonction:service:courriel »."""
    if isinstance(contact, Mapping):
        fields = [contact[name] for name in CONTACT_FIELDS]
    else:
        fields = [getattr(contact, name) for name in CONTACT_FIELDS]
    while fields and not fields[-1]:
        fields.pop()
    return CONTACT_SEPARATOR.join(escape(" ".join((value or "").split())) for value in fields)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def actor_row(
    values: Mapping[str, Any],
    networks: Iterable[str],
    themes: Iterable[str],
    contacts: Iterable[ActorContact | Mapping[str, Any]],
    url: str | None,
    protect: bool = True,
) -> dict[str, str]:
    """One actor as a row: every column of `CSV_COLUMNS`, as text, in order.

    `values`: the actor's `FIELD_COLUMNS`; `networks` and `themes`: their
    slugs; `contacts`: its published contacts only, in the editor's order;
    `url`: the fiche's full address. `protect=False` (JSON, which has no
    formulas to guard against) leaves the cells as they are."""
    related = {
        "networks": LIST_SEPARATOR.join(sorted(networks)),
        "themes": LIST_SEPARATOR.join(sorted(themes)),
        "contacts": LIST_SEPARATOR.join(map(contact_to_text, contacts)),
        "url": url or "",
    }
    row = {
        column: related[column] if column in related else _text(values[column])
        for column in CSV_COLUMNS
    }
    return {column: protect_cell(value) for column, value in row.items()} if protect else row


def actor_to_row(actor: ActorPage, request=None, protect: bool = True) -> dict[str, str]:
    """The row of an actor instance (a page, or a revision's copy with its
    unsaved contacts and networks): a few queries per actor unless
    ``contacts``, ``networks`` and ``themes`` are prefetched. The exports
    read many actors with `actor_rows`."""
    return actor_row(
        {column: getattr(actor, column) for column in FIELD_COLUMNS},
        networks=(network.slug for network in actor.networks.all()),
        themes=(theme.slug for theme in actor.themes.all()),
        contacts=actor.public_contacts(),
        url=actor.get_full_url(request),
        protect=protect,
    )


def actor_rows(
    actors, url_of: Callable[[str], str], *, chunk_size: int, protect: bool = True
) -> Iterator[dict[str, str]]:
    """The rows of the actors of the queryset `actors`, in its order, read as
    `values()` in chunks of `chunk_size` (home/exports.py `value_chunks`):
    per chunk, one query for the networks, one for the themes and one for
    the published contacts, whatever the number of actors in it. `url_of`
    turns an actor's `url_path` into its address (home/exports.py
    `descendant_urls`)."""
    for chunk in value_chunks(actors, ["pk", "url_path", *FIELD_COLUMNS], chunk_size):
        ids = [values["pk"] for values in chunk]
        networks = grouped(
            ActorPage.networks.through.objects.filter(actorpage_id__in=ids).values_list(
                "actorpage_id", "network__slug"
            )
        )
        themes = page_themes(ids)
        contacts = grouped(
            (contact["actor_id"], contact)
            for contact in ActorContact.objects.filter(PUBLIC_CONTACTS, actor_id__in=ids)
            .order_by("actor_id", "sort_order", "pk")
            .values("actor_id", *CONTACT_FIELDS)
        )
        for values in chunk:
            pk = values["pk"]
            yield actor_row(
                values,
                networks=networks[pk],
                themes=(theme.slug for theme in themes[pk]),
                contacts=contacts[pk],
                url=url_of(values["url_path"]),
                protect=protect,
            )


def iter_csv(actors: Iterable[ActorPage], request=None, delimiter: str = ",") -> Iterator[str]:
    """The import's CSV file of actor instances as chunks of text: a UTF-8
    BOM, the header, then one line per actor (`actor_to_row`)."""
    rows = (actor_to_row(actor, request) for actor in actors)
    lines = ([row[column] for column in CSV_COLUMNS] for row in rows)
    return csv_chunks(CSV_COLUMNS, lines, delimiter=delimiter)
