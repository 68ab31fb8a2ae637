"""The admin's CSV import of actors: upload, dry-run report, confirmation.

Same rules as `manage.py import_actors` (file format: docs/csv-import.md): draft
revisions only, a file with errors changes nothing unless the valid lines are
explicitly confirmed. The flow (the file kept in the session between the
preview and the confirmation, read again when confirmed) is the shared one:
`home.imports.ImportView`.
"""

from django.utils.translation import gettext_lazy

from home.imports import MAX_UPLOAD_BYTES, ImportView, index_pages_for

from .csv import CSV_COLUMNS, apply_plan, parse_csv
from .models import DirectoryIndexPage

__all__ = ["MAX_UPLOAD_BYTES", "SESSION_KEY", "ActorImportView", "import_index_pages"]

SESSION_KEY = "directory_actor_import"


def import_index_pages(user) -> list[DirectoryIndexPage]:
    """The directory index pages (in the default language: the others are
    translations) under which `user` may create actor fiches."""
    return index_pages_for(DirectoryIndexPage, user)


class ActorImportView(ImportView):
    page_title = gettext_lazy("Importer des acteurs")
    session_key = SESSION_KEY
    url_name = "directory_import_actors"
    listing_url_name = "directory_actors:index"
    listing_label = gettext_lazy("Acteurs")
    item_label = gettext_lazy("Acteur")
    index_label = gettext_lazy("Annuaire")
    file_label = gettext_lazy("Fichier CSV")
    file_help = gettext_lazy(
        "UTF-8, séparateur virgule ou point-virgule, 5 Mo au plus ; mêmes colonnes que "
        "l'export CSV de l'annuaire."
    )
    help_template = "directory/admin/_import_help.html"

    def get_index_pages(self, user):
        return import_index_pages(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=CSV_COLUMNS, **kwargs)

    def parse(self, content, index_page, name):
        return parse_csv(content, index_page=index_page)

    def apply(self, plan, index_page, user, confirm_valid_rows):
        return apply_plan(plan, index_page, user=user, confirm_valid_rows=confirm_valid_rows)
