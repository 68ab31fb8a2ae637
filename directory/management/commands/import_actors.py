"""`manage.py import_actors FILE.csv`: create or update actor fiches as drafts.

The columns and rules are documented in docs/csv-import.md. Nothing is
published: new fiches are unpublished, existing ones get a draft revision
(submitted to the review workflow when `--user` is given). A file with errors
changes nothing unless `--confirm-valid-rows` is given.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from directory.csv import apply_plan, parse_csv
from directory.models import DirectoryIndexPage


def find_index_page(reference: str | None = None) -> DirectoryIndexPage:
    """The directory index page by id or slug; by default the French one."""
    pages = DirectoryIndexPage.objects.order_by("path")
    if reference:
        if reference.isdigit():
            page = pages.filter(pk=int(reference)).first()
        else:
            matches = list(pages.filter(slug=reference).select_related("locale"))
            french = [p for p in matches if p.locale.language_code == "fr"]
            page = (french or matches or [None])[0]
    else:
        page = pages.filter(locale__language_code="fr").first()
    if page is None:
        if reference:
            raise CommandError(f"Annuaire introuvable : « {reference} ».")
        raise CommandError("Aucun annuaire en français : indiquez --index-page.")
    return page


class Command(BaseCommand):
    help = (
        "Importe des fiches acteurs depuis un fichier CSV (colonnes décrites dans "
        "docs/csv-import.md), en brouillon : rien n'est publié."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="Fichier CSV (UTF-8, séparateur virgule ou point-virgule)."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vérifie le fichier et affiche ce qui serait fait, sans rien modifier.",
        )
        parser.add_argument(
            "--confirm-valid-rows",
            action="store_true",
            help="Si des lignes sont en erreur, importe quand même les lignes valides.",
        )
        parser.add_argument(
            "--index-page",
            help="Annuaire où importer (identifiant numérique ou slug) ; par défaut, "
            "l'annuaire en français.",
        )
        parser.add_argument(
            "--user",
            help="Nom d'utilisateur auteur des révisions ; les fiches sont alors soumises "
            "à la relecture.",
        )

    def handle(self, *args, **options):
        index_page = find_index_page(options["index_page"])
        user = None
        if options["user"]:
            user_model = get_user_model()
            try:
                user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["user"]})
            except user_model.DoesNotExist as exc:
                raise CommandError(f"Utilisateur inconnu : « {options['user']} ».") from exc
        try:
            with open(options["file"], "rb") as fh:
                plan = parse_csv(fh, index_page=index_page)
        except OSError as exc:
            raise CommandError(f"Lecture impossible de {options['file']} : {exc.strerror}") from exc

        for error in plan.errors:
            self.stdout.write(str(error))

        if options["dry_run"]:
            for row in plan.rows:
                self.stdout.write(f"ligne {row.line} : « {row.title} » — {row.action_label}")
            valid, invalid = len(plan.valid_rows), len(plan.invalid_rows)
            self.stdout.write(
                f"Essai à blanc : {valid} ligne(s) valide(s), {invalid} ligne(s) en erreur ; "
                "rien n'a été modifié."
            )
            if plan.errors:
                raise CommandError("Le fichier contient des erreurs.")
            return

        report = apply_plan(
            plan, index_page, user=user, confirm_valid_rows=options["confirm_valid_rows"]
        )
        for error in report.errors:
            if error not in plan.errors:
                self.stdout.write(str(error))
        for row in report.rows:
            self.stdout.write(str(row))
        self.stdout.write(report.summary)
        if not report.applied:
            raise CommandError(
                "Le fichier contient des erreurs : rien n'a été modifié. Corrigez-les ou "
                "relancez avec --confirm-valid-rows pour n'importer que les lignes valides."
            )
