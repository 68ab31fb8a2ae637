"""`manage.py import_events FILE [--dry-run] [--format csv|ics]`: create or
update events from a CSV or iCalendar file, as drafts (events/imports/).

The report is the admin's: one line per event (line, title, action or
result, reason), then the counts. A file with errors changes nothing unless
`--confirm-valid-rows` is given.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from events.imports import FORMATS, apply_plan, parse_file
from events.models import AgendaIndexPage
from home.imports import MAX_UPLOAD_BYTES


def find_agenda(reference: str | None = None) -> AgendaIndexPage:
    """The agenda by id or slug; by default the French one."""
    pages = AgendaIndexPage.objects.order_by("path").select_related("locale")
    if reference:
        if reference.isdigit():
            page = pages.filter(pk=int(reference)).first()
        else:
            matches = list(pages.filter(slug=reference))
            french = [p for p in matches if p.locale.language_code == "fr"]
            page = (french or matches or [None])[0]
    else:
        page = pages.filter(locale__language_code="fr").first()
    if page is None:
        if reference:
            raise CommandError(f"Agenda introuvable : « {reference} ».")
        raise CommandError("Aucun agenda en français : indiquez --agenda.")
    return page


class Command(BaseCommand):
    help = (
        "Importe des événements depuis un fichier CSV (colonnes de l'export de l'agenda) "
        "ou iCalendar (.ics), en brouillon : rien n'est publié."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier CSV ou iCalendar (.ics).")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vérifie le fichier et affiche ce qui serait fait, sans rien modifier.",
        )
        parser.add_argument(
            "--format",
            choices=FORMATS,
            help="Format du fichier ; par défaut, d'après son extension et son contenu.",
        )
        parser.add_argument(
            "--confirm-valid-rows",
            action="store_true",
            help="Si des lignes sont en erreur, importe quand même les lignes valides.",
        )
        parser.add_argument(
            "--agenda",
            help="Agenda où importer (identifiant numérique ou slug) ; par défaut, "
            "l'agenda en français.",
        )
        parser.add_argument("--user", help="Nom d'utilisateur auteur des révisions.")

    def handle(self, *args, **options):
        agenda = find_agenda(options["agenda"])
        user = None
        if options["user"]:
            user_model = get_user_model()
            try:
                user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["user"]})
            except user_model.DoesNotExist as exc:
                raise CommandError(f"Utilisateur inconnu : « {options['user']} ».") from exc
        path = Path(options["file"])
        try:
            with path.open("rb") as fh:
                content = fh.read(MAX_UPLOAD_BYTES + 1)
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {path} : {exc.strerror}") from exc
        if len(content) > MAX_UPLOAD_BYTES:
            raise CommandError(f"{path} dépasse {MAX_UPLOAD_BYTES // (1024 * 1024)} Mo.")
        plan = parse_file(content, agenda, name=path.name, file_format=options["format"])

        for error in plan.file_errors:
            self.stdout.write(str(error))
        for notice in plan.notices:
            self.stdout.write(notice)
        if plan.file_errors:
            raise CommandError("Fichier illisible : rien n'a été modifié.")

        if options["dry_run"]:
            for row in plan.rows:
                line = f"ligne {row.line} : « {row.title} » — {row.action_label}"
                self.stdout.write(line + (f" — {row.reason}" if row.errors else ""))
            self.stdout.write(
                f"Essai à blanc : {plan.to_create} création(s), {plan.to_update} mise(s) à "
                f"jour, {len(plan.invalid_rows)} ligne(s) en erreur ; rien n'a été modifié."
            )
            if plan.errors:
                raise CommandError("Le fichier contient des erreurs.")
            return

        report = apply_plan(
            plan, agenda, user=user, confirm_valid_rows=options["confirm_valid_rows"]
        )
        for row in report.rows:
            self.stdout.write(str(row) + (f" — {row.reason}" if row.errors else ""))
        self.stdout.write(report.summary)
        if not report.applied:
            raise CommandError(
                "Le fichier contient des erreurs : rien n'a été modifié. Corrigez-les ou "
                "relancez avec --confirm-valid-rows pour n'importer que les lignes valides."
            )
