from django import forms
from django.utils.translation import gettext_lazy as _

from home.forms import AccessibleFormMixin

from .models import Frequency

HONEYPOT_FIELD = "fax_number"


class HoneypotMixin(forms.Form):
    # Hidden from people (and from assistive technologies), filled in by robots.
    fax_number = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    @property
    def honeypot_filled(self) -> bool:
        return bool((self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip())


class EmailFieldMixin(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Elle ne sert qu'à vous envoyer vos alertes. Jamais publiée ni partagée."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Indiquez votre adresse électronique."),
            "invalid": _("Saisissez une adresse électronique valide, par exemple nom@exemple.fr."),
        },
    )


class AlertForm(AccessibleFormMixin, EmailFieldMixin, HoneypotMixin, forms.Form):
    frequency = forms.ChoiceField(
        label=_("Fréquence"),
        choices=Frequency.choices,
        initial=Frequency.WEEKLY,
        widget=forms.RadioSelect,
        help_text=_("Vous ne recevez un courriel que s'il y a du nouveau."),
        error_messages={"invalid_choice": _("Choisissez une fréquence proposée.")},
    )

    deadline_reminder = forms.BooleanField(
        label=_("Rappel 7 jours avant la clôture"),
        required=False,
        help_text=_(
            "Le courriel signale aussi les appels de cette recherche dont la date limite "
            "est dans 7 jours."
        ),
    )

    field_order = ["email", "frequency", "deadline_reminder", HONEYPOT_FIELD]


class ManageRequestForm(AccessibleFormMixin, EmailFieldMixin, HoneypotMixin, forms.Form):
    field_order = ["email", HONEYPOT_FIELD]


class FollowForm(AccessibleFormMixin, EmailFieldMixin, HoneypotMixin, forms.Form):
    """A deadline reminder or a network subscription: an address only."""

    field_order = ["email", HONEYPOT_FIELD]
