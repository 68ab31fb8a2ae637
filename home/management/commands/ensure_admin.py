"""The local administrator account of `make run`.

Creates it when the database has no superuser and prints its password once;
later runs print only the admin's address. `--reset-password` (`make
admin-password`) gives it a new password, printed once. `--site-url` is the
address the site is served on, so the printed admin link is the real one.
"""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Creates a local administrator account if the database has none, and prints its "
        "password once; --reset-password gives it a new one."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--email", default="admin@localhost")
        parser.add_argument(
            "--site-url",
            default="",
            help="the address the site is served on (default: WAGTAILADMIN_BASE_URL)",
        )
        parser.add_argument(
            "--reset-password",
            action="store_true",
            help="give the administrator account a new password and print it once",
        )

    def handle(self, *args, username, email, site_url, reset_password, **options):
        admin_url = f"{(site_url or settings.WAGTAILADMIN_BASE_URL).rstrip('/')}/admin/"
        User = get_user_model()
        superusers = User.objects.filter(is_superuser=True)
        if not superusers.exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username=username, email=email, password=password)
            self._credentials("Compte d'administration créé", username, password, admin_url)
            return
        if not reset_password:
            self.stdout.write(
                f"Administration : {admin_url}  (identifiants oubliés : make admin-password)"
            )
            return
        user = superusers.filter(**{User.USERNAME_FIELD: username}).first()
        if user is None:
            names = ", ".join(sorted(superusers.values_list(User.USERNAME_FIELD, flat=True)))
            raise CommandError(
                f"Aucun compte d'administration « {username} ». "
                f"Comptes d'administration : {names}. Indiquez --username."
            )
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.save(update_fields=["password"])
        self._credentials(
            "Nouveau mot de passe du compte d'administration",
            user.get_username(),
            password,
            admin_url,
        )

    def _credentials(self, title, username, password, admin_url):
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{title} (affiché une seule fois) :\n"
                f"  identifiant : {username}\n  mot de passe : {password}\n"
                f"  {admin_url}\n"
            )
        )
