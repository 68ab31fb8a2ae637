"""`manage.py create_user --role <code> --email <address>`: one account in one role.

The roles come from `home.registry.ACCOUNT_ROLES`: the editorial roles of
`home/roles.py` (redaction, moderation, administration) and those apps
register (partners: partenaire). A generated password is printed once; or
`--password-from-env NAME` reads it from an environment variable (never from
the command line, which shell history and `ps` would keep). An account whose
role has no password (partenaire) gets an unusable one.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from home.registry import ACCOUNT_ROLES


class Command(BaseCommand):
    help = "Creates a user account in a role (editorial roles, partner account)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--role",
            required=True,
            help="; ".join(f"{role.code}: {role.label}" for role in ACCOUNT_ROLES.roles()),
        )
        parser.add_argument("--email", required=True)
        parser.add_argument("--username", help="defaults to the email address")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--site-url",
            default="",
            help="the site's address, for the printed admin link (default: WAGTAILADMIN_BASE_URL)",
        )
        parser.add_argument(
            "--password-from-env",
            metavar="NAME",
            help="read the password from this environment variable instead of generating one",
        )

    def handle(self, *args, **options):
        role = ACCOUNT_ROLES.get(options["role"])
        if role is None:
            raise CommandError(
                f"Rôle inconnu : « {options['role']} ». "
                f"Rôles possibles : {', '.join(ACCOUNT_ROLES.codes())}."
            )
        email = options["email"].strip()
        try:
            validate_email(email)
        except ValidationError as exc:
            raise CommandError(f"Adresse électronique invalide : « {email} ».") from exc
        username = (options["username"] or email).strip()

        User = get_user_model()
        if User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(f"L'identifiant « {username} » existe déjà.")
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"Un compte utilise déjà l'adresse « {email} ».")

        groups = list(Group.objects.filter(name__in=role.groups))
        missing = set(role.groups) - {group.name for group in groups}
        if missing:
            raise CommandError(
                f"Groupe(s) absent(s) : {', '.join(sorted(missing))}. "
                "Lancez d'abord « manage.py setup_roles »."
            )

        user = User(
            email=email,
            first_name=options["first_name"],
            last_name=options["last_name"],
            **{User.USERNAME_FIELD: username},
        )
        password = None
        if not role.password:
            if options["password_from_env"]:
                raise CommandError(
                    f"Le rôle « {role.code} » n'a pas de mot de passe : "
                    "n'indiquez pas --password-from-env."
                )
            user.set_unusable_password()
        elif options["password_from_env"]:
            name = options["password_from_env"]
            password = os.environ.get(name, "")
            if not password:
                raise CommandError(f"La variable d'environnement {name} est vide ou absente.")
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("Mot de passe refusé : " + " ".join(exc.messages)) from exc
            user.set_password(password)
            password = None  # chosen by the caller: never printed
        else:
            password = secrets.token_urlsafe(12)
            user.set_password(password)

        with transaction.atomic():
            user.save()
            user.groups.set(groups)

        lines = [
            f"\nCompte créé ({role.label}) :",
            f"  identifiant : {username}",
        ]
        if password:
            lines.append(f"  mot de passe : {password}  (affiché une seule fois)")
        if role.password:
            site_url = options["site_url"] or settings.WAGTAILADMIN_BASE_URL
            lines.append(f"  {site_url.rstrip('/')}/admin/")
        if role.next_step:
            lines.append(f"  {role.next_step}")
        self.stdout.write(self.style.SUCCESS("\n".join(lines) + "\n"))
