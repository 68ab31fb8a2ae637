"""The proposal forms: what a visitor can know about a structure, the
submitter's details, and the anti-abuse fields (honeypot, one-time form
token against double submits)."""

from __future__ import annotations

import re
import uuid

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from directory.kinds import KIND_CHOICES
from directory.validators import normalise_siret, validate_siren_or_siret
from home.forms import AccessibleFormMixin  # noqa: F401 - the partner forms import it from here

from . import conf
from .validation import validate_document, validate_logo

HONEYPOT_FIELD = "fax_number"
MESSAGE_FIELDSET = (_("Votre message"), ("message",))
POSTCODE_VALIDATOR = RegexValidator(
    r"^(\d{5}|\d{2}[AB]\d{2}|)$",
    _("Indiquez un code postal à 5 chiffres, par exemple 92330."),
    code="postcode",
)
PHONE_VALIDATOR = RegexValidator(
    r"^[0-9+ ().-]{6,30}$",
    _("Indiquez un numéro de téléphone, par exemple 01 41 87 00 00."),
    code="phone",
)


def text_field(label, *, max_length=None, required=False, help_text="", rows=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label,
        max_length=max_length or conf.get("TEXT_MAX_LENGTH"),
        required=required,
        help_text=help_text,
        widget=widget,
    )


def message_field():
    return text_field(
        _("Message à l'équipe de modération"),
        rows=4,
        help_text=_("Facultatif : ce qu'il faut savoir pour vérifier votre proposition."),
    )


class FieldsetsMixin:
    """The fields in groups, as the templates show them: `FIELDSETS` holds
    (legend, field names); a name the form does not have is left out."""

    FIELDSETS = ()

    def fieldsets(self):
        for legend, names in self.FIELDSETS:
            yield legend, [self[name] for name in names if name in self.fields]


class ProposalFormMixin(AccessibleFormMixin):
    """The hidden one-time token: the same form posted twice (a double
    click, a reload) creates one submission."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("form_token", str(uuid.uuid4()))

    def clean_form_token(self):
        try:
            return uuid.UUID(self.cleaned_data.get("form_token") or "")
        except ValueError:
            return None

    @property
    def token_value(self) -> str:
        """The token to render again after an error (kept, so the corrected
        post is still one submission)."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("form_token"), "")
            try:
                return str(uuid.UUID(value))
            except ValueError:
                return str(uuid.uuid4())
        return self.initial["form_token"]


class SubmitterFormMixin(forms.Form):
    """Who proposes (kept for moderators only), consent, and the honeypot."""

    submitter_name = text_field(_("Votre nom"), max_length=200, required=True)
    submitter_email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("Pour vous répondre et vous envoyer le lien de suivi. Jamais publiée."),
    )
    submitter_organisation = text_field(_("Votre organisation"), max_length=200)
    message = message_field()
    consent = forms.BooleanField(
        label=_(
            "J'accepte que la Maison de l'ESS conserve mon nom, mon adresse électronique et "
            "mon organisation pour traiter cette proposition. Ces informations ne sont jamais "
            "publiées ; vous pouvez demander leur suppression à tout moment."
        ),
        error_messages={
            "required": _("Cochez cette case pour que nous puissions traiter votre proposition.")
        },
    )
    # The honeypot: hidden from people (and from assistive technologies),
    # filled in by robots.
    fax_number = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    FIELDSET = (
        _("Vous"),
        ("submitter_name", "submitter_email", "submitter_organisation", "message", "consent"),
    )

    @property
    def honeypot_filled(self) -> bool:
        return bool((self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip())


class ActorFieldsForm(FieldsetsMixin, forms.Form):
    """A directory fiche's fields a visitor can know."""

    title = text_field(_("Nom de la structure"), max_length=255, required=True)
    kind = forms.ChoiceField(
        label=_("Type de structure"), choices=[("", _("Choisissez un type"))] + KIND_CHOICES
    )
    acronym = text_field(_("Sigle"), max_length=40)
    siret = forms.CharField(
        label=_("SIREN ou SIRET"),
        max_length=20,
        required=False,
        help_text=_("9 chiffres (SIREN) ou 14 chiffres (SIRET), espaces permis."),
    )
    summary = text_field(
        _("Présentation courte"),
        max_length=1000,
        rows=3,
        help_text=_("Deux ou trois phrases, 1 000 caractères au plus."),
    )
    website = forms.URLField(
        label=_("Site web"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("Par exemple https://www.exemple.fr"),
    )
    email = forms.EmailField(
        label=_("Courriel public de la structure"), max_length=254, required=False
    )
    phone = forms.CharField(
        label=_("Téléphone public"), max_length=30, required=False, validators=[PHONE_VALIDATOR]
    )
    address_line1 = text_field(_("Adresse"), max_length=200)
    address_line2 = text_field(_("Complément d'adresse"), max_length=200)
    postcode = forms.CharField(
        label=_("Code postal"), max_length=10, required=False, validators=[POSTCODE_VALIDATOR]
    )
    city = text_field(_("Commune"), max_length=120)
    programme = text_field(
        _("Activités et programme d'intervention dans le champ de l'ESS"),
        rows=6,
        help_text=_(
            "Texte simple : séparez les paragraphes par une ligne vide ; les adresses web "
            "deviennent des liens."
        ),
    )
    example_actions = text_field(
        _("Exemples d'actions"),
        rows=6,
        help_text=_("Texte simple, comme ci-dessus."),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG ou WebP."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    document = forms.FileField(
        label=_("Document de présentation (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    ACTOR_FIELDS = (
        "title",
        "kind",
        "acronym",
        "siret",
        "summary",
        "website",
        "email",
        "phone",
        "address_line1",
        "address_line2",
        "postcode",
        "city",
        "programme",
        "example_actions",
    )
    FIELDSETS = (
        (_("La structure"), ("title", "kind", "acronym", "siret", "summary")),
        (_("Coordonnées publiques"), ("website", "email", "phone")),
        (_("Adresse"), ("address_line1", "address_line2", "postcode", "city")),
        (_("Activités"), ("programme", "example_actions")),
        (_("Fichiers"), ("logo", "document")),
    )

    def clean_siret(self):
        value = normalise_siret(self.cleaned_data.get("siret", ""))
        if value:
            validate_siren_or_siret(value)
        return value

    def clean_postcode(self):
        return re.sub(r"\s+", "", self.cleaned_data.get("postcode", "")).upper()

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        if upload:
            validate_logo(upload)
        return upload

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload:
            validate_document(upload)
        return upload

    def proposal_data(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in self.ACTOR_FIELDS}


class PublicActorForm(ProposalFormMixin, ActorFieldsForm, SubmitterFormMixin):
    """« Proposer une structure » and « Proposer une mise à jour »."""

    FIELDSETS = (*ActorFieldsForm.FIELDSETS, SubmitterFormMixin.FIELDSET)


class PartnerActorForm(ProposalFormMixin, ActorFieldsForm):
    """The same fields in the partner space: the submitter is the account."""

    message = message_field()
    FIELDSETS = (*ActorFieldsForm.FIELDSETS, MESSAGE_FIELDSET)


class LoginLinkForm(AccessibleFormMixin):
    email = forms.EmailField(label=_("Votre adresse électronique"), max_length=254)


class PartnerActorMixin:
    """In the partner space the organisation a proposal is made for is one of
    the account's fiches: the field `actor_field` becomes a choice among
    them (labelled `actor_label`), and the proposal records the fiche's name."""

    actor_field = "organiser_name"
    actor_label = ""

    def __init__(self, *args, actors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actors = {str(actor.pk): actor for actor in actors}
        self.fields[self.actor_field] = forms.ChoiceField(
            label=self.actor_label,
            choices=[(pk, actor.title) for pk, actor in self.actors.items()],
            widget=forms.Select(attrs={"class": "field__input"}),
        )

    @property
    def organiser(self):
        """The fiche chosen (None when the form has no such choice)."""
        return self.actors.get(self.cleaned_data.get(self.actor_field))

    def proposal_data(self) -> dict:
        data = super().proposal_data()
        if self.organiser is not None:
            data[self.actor_field] = self.organiser.title
        return data
