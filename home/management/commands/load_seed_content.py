from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from home.seeding import SeedReport, registered_loaders


class Command(BaseCommand):
    help = (
        "Builds the site's content from the seed data files kept in each app "
        "(<app>/seed_data/). Idempotent: a second run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help=(
                "Also bring existing content back to the data files (a new revision per "
                "changed page). Without it, content editors changed is left alone."
            ),
        )

    def handle(self, *args, update=False, **options):
        autodiscover_modules("seed")
        for item in registered_loaders():
            report = SeedReport(update=update)
            item.loader(report)
            self.stdout.write(
                f"{item.name}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged"
            )
