import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.validators import ProhibitNullCharactersValidator
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

# Characters that carry no meaning in a query: controls (NUL included),
# format characters and unassigned code points.
_UNPRINTABLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn"}
_WORD_RE = re.compile(r"\w", re.UNICODE)


def clean_query_text(raw: str) -> str:
    """Drop unprintable characters and squeeze whitespace."""
    text = "".join(" " if unicodedata.category(ch) in _UNPRINTABLE_CATEGORIES else ch for ch in raw)
    return " ".join(text.split())


class SiteFormRenderer(TemplatesSetting):
    """Forms render with the project's templates: one field template
    (label, required mark, help and errors tied to the input) for every form
    of the public site, through `{{ field.as_field_group }}`."""

    field_template_name = "includes/forms/field.html"


class QueryField(forms.CharField):
    """A free-text query: control characters (a NUL byte included) are
    removed before validation instead of failing it."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)
        ]

    def to_python(self, value):
        return clean_query_text(super().to_python(value))


class SearchForm(forms.Form):
    """Validates the `q` and `page` parameters of the search page.

    Long queries are refused rather than truncated silently, and a query
    without a single letter or digit is reported as such: neither reaches the
    search backend.
    """

    q = QueryField(
        label=_("Rechercher sur le site"),
        required=False,
        strip=False,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_q(self):
        text = self.cleaned_data.get("q") or ""
        limit = settings.SEARCH_QUERY_MAX_LENGTH
        if len(text) > limit:
            raise forms.ValidationError(
                _("Votre recherche est trop longue : %(limit)s caractères au plus."),
                code="too_long",
                params={"limit": limit},
            )
        if text and not _WORD_RE.search(text):
            raise forms.ValidationError(
                _("Saisissez au moins un mot ou un nombre."), code="no_word"
            )
        return text


class AccessibleFormMixin(forms.Form):
    """Inputs styled with the site's field classes; once validated, each
    field in error says so (aria-invalid) and points to its message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # (Radio and checkbox groups are laid out by .field--choices.)
            if not isinstance(
                field.widget, (forms.CheckboxInput, forms.HiddenInput, forms.RadioSelect)
            ):
                field.widget.attrs.setdefault("class", "field__input")

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": " ".join(described)}
            )
