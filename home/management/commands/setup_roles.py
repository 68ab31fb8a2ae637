from django.core.management.base import BaseCommand

from home.locales import SOURCE_LANGUAGE, setup_locales
from home.roles import WORKFLOW_NAME, setup_roles


class Command(BaseCommand):
    help = (
        "Creates or updates the editorial groups, the review workflow and the "
        "languages synchronised from French (idempotent)."
    )

    def handle(self, *args, **options):
        groups = setup_roles()
        self.stdout.write(
            f"Groups: {', '.join(groups)}; workflow « {WORKFLOW_NAME} » on the page tree root."
        )
        languages = setup_locales()
        self.stdout.write(
            f"Languages synchronised from « {SOURCE_LANGUAGE} »: {', '.join(languages)} "
            "(every page has its counterpart, an alias until translated)."
        )
