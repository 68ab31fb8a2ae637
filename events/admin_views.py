"""The admin's import of events (« Importer des événements »): a CSV file
or an iCalendar file, upload → dry-run report → confirmation, the shared
flow of home.imports.ImportView. Open to the editors who may add events
to an agenda (the others are sent back to the dashboard, as everywhere in
the admin); nothing is published (events/imports/)."""

from django.utils.translation import gettext_lazy

from home.imports import ImportUploadForm, ImportView, index_pages_for

from .exports import COLUMNS
from .imports import MAX_OCCURRENCES, apply_plan, parse_file
from .models import AgendaIndexPage

SESSION_KEY = "events_import"


def import_agendas(user) -> list[AgendaIndexPage]:
    """The agendas (default language) where `user` may add events."""
    return index_pages_for(AgendaIndexPage, user)


class EventUploadForm(ImportUploadForm):
    extensions = (".csv", ".txt", ".ics", ".ical", ".ifb")
    wrong_type_message = gettext_lazy(
        "Choisissez un fichier CSV (.csv) ou iCalendar (.ics) : « %(name)s » n'en est pas un."
    )


class EventImportView(ImportView):
    page_title = gettext_lazy("Importer des événements")
    session_key = SESSION_KEY
    url_name = "events_import"
    listing_url_name = "events:index"
    listing_label = gettext_lazy("Agenda")
    item_label = gettext_lazy("Événement")
    index_label = gettext_lazy("Agenda")
    file_label = gettext_lazy("Fichier CSV ou iCalendar (.ics)")
    file_help = gettext_lazy(
        "CSV : UTF-8, séparateur virgule ou point-virgule, colonnes de l'export CSV de "
        "l'agenda ou en-têtes en français. iCalendar : fichier .ics de l'agenda, "
        "d'OpenAgenda ou de Google Agenda. 5 Mo au plus."
    )
    help_template = "events/admin/_import_help.html"
    form_class = EventUploadForm

    def get_index_pages(self, user):
        return import_agendas(user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(columns=COLUMNS, max_occurrences=MAX_OCCURRENCES, **kwargs)

    def parse(self, content, index_page, name):
        return parse_file(content, index_page, name=name)

    def apply(self, plan, index_page, user, confirm_valid_rows):
        return apply_plan(plan, index_page, user=user, confirm_valid_rows=confirm_valid_rows)
