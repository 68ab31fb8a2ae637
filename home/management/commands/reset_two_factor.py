"""`manage.py reset_two_factor <username>`: for a lost or replaced phone.

Deletes every two-factor device of the account (its authenticator app,
confirmed or being set up, and its backup codes) and says what it removed.
The person then logs in with their password alone; if two-factor
authentication is required for them (ADMIN_2FA_REQUIRED, superuser or
ADMIN_2FA_GROUPS) the admin asks them to set up a new app first.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from home.two_factor import devices


class Command(BaseCommand):
    help = (
        "Removes the two-factor devices (authenticator app and backup codes) of an "
        "admin account, after a lost phone."
    )

    def add_arguments(self, parser):
        parser.add_argument("username", help="the account's user name")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as exc:
            raise CommandError(f"Aucun compte « {username} ».") from exc
        removed = devices.remove_devices(user)
        if not any(removed.values()):
            self.stdout.write(
                f"« {username} » n'avait pas de double authentification : rien à faire."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Double authentification de « {username} » réinitialisée : "
                f"{removed['apps']} application(s) confirmée(s), "
                f"{removed['pending']} en cours de configuration et "
                f"{removed['backup_codes']} code(s) de secours supprimés."
            )
        )
        if devices.must_use_two_factor(user):
            self.stdout.write(
                "À sa prochaine connexion, l'administration lui demandera de configurer "
                "une nouvelle application d'authentification."
            )
        else:
            self.stdout.write("Son mot de passe suffit désormais pour se connecter.")
