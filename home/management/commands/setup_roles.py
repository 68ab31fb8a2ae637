from django.core.management.base import BaseCommand

from home.roles import WORKFLOW_NAME, setup_roles


class Command(BaseCommand):
    help = "Creates or updates the editorial groups and the review workflow (idempotent)."

    def handle(self, *args, **options):
        groups = setup_roles()
        self.stdout.write(
            f"Groups: {', '.join(groups)}; workflow « {WORKFLOW_NAME} » on the page tree root."
        )
