from django import forms
from django.utils.translation import gettext_lazy as _

from . import devices


class CodeForm(forms.Form):
    """One code: the 6 digits of the authenticator app or, with
    `backup=True`, a backup code. A field in error says so (aria-invalid)
    and points to its message and help (aria-describedby)."""

    code = forms.CharField(
        label=_("Code de vérification"),
        max_length=32,
        error_messages={"required": _("Saisissez le code.")},
    )

    def __init__(self, *args, backup=False, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.backup = backup
        field = self.fields["code"]
        if backup:
            field.label = label or _("Code de secours")
            field.help_text = _("Un des 10 codes de secours reçus à l'activation (8 caractères).")
            field.widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})
        else:
            field.label = label or _("Code de vérification")
            field.help_text = _("Les 6 chiffres affichés par votre application d'authentification.")
            field.widget.attrs.update(
                {
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "pattern": r"[0-9 ]*",
                    "spellcheck": "false",
                }
            )
        field.widget.attrs["aria-describedby"] = self.help_id

    @property
    def help_id(self):
        return f"{self['code'].auto_id}_helptext"

    @property
    def error_id(self):
        return f"{self['code'].auto_id}_error"

    def clean_code(self):
        code = devices.normalise(self.cleaned_data["code"])
        if not self.backup and not devices.is_app_code(code):
            raise forms.ValidationError(
                _("Le code compte 6 chiffres, sans lettres."), code="format"
            )
        if self.backup and not code.isalnum():
            raise forms.ValidationError(
                _("Un code de secours ne compte que des lettres et des chiffres."),
                code="format",
            )
        return code

    def full_clean(self):
        super().full_clean()
        if "code" in self.errors:
            self._mark_invalid()

    def reject(self, message):
        """A code refused after validation (wrong, expired, throttled)."""
        self.add_error("code", message)
        self._mark_invalid()

    def _mark_invalid(self):
        self.fields["code"].widget.attrs.update(
            {"aria-invalid": "true", "aria-describedby": f"{self.error_id} {self.help_id}"}
        )
