"""Writes SITE_URL to the default Wagtail Site (hostname and port), so the
links in emails, the sitemap, feeds and exports carry the real address.
Idempotent: run by `make db` and after each deploy (docs/operations.md)."""

from django.core.management.base import BaseCommand, CommandError

from home.sites import configure_default_site


class Command(BaseCommand):
    help = "Sets the default site's hostname and port from the SITE_URL setting."

    def handle(self, *args, **options):
        changed, site = configure_default_site()
        if site is None:
            raise CommandError(
                "Aucun site par défaut : lancez d'abord migrate et load_seed_content."
            )
        state = "mis à jour" if changed else "déjà à jour"
        self.stdout.write(f"Site {site.root_url} ({state})")
