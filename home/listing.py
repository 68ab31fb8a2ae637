"""What every filtered listing shares (directory, calls, minutes, conventions):
the notices for rejected parameters and a queryset whose count is known."""

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from home.forms import clean_query_text


class CountedQuerySet:
    """A queryset whose length is already known, so that the paginator does not
    count it again."""

    ordered = True

    def __init__(self, queryset, count: int):
        self.queryset = queryset
        self._count = count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        return self.queryset[key]


def shown_value(value) -> str:
    """A rejected value, safe and short enough to quote in a notice."""
    return Truncator(clean_query_text(str(value))).chars(40)


def form_notices(form) -> list[str]:
    """One sentence per rejected parameter of a filter form: the listing
    ignores it and says so, never a 500."""
    notices = []
    for name in form.fields:
        if name not in form.errors:
            continue
        reason = "; ".join(str(message) for message in form.errors[name])
        params = {"value": shown_value(form.data.get(name, "")), "reason": reason}
        if name == "page":
            notices.append(
                _("Numéro de page « %(value)s » ignoré (%(reason)s) : première page affichée.")
                % params
            )
        elif name == "sort":
            notices.append(
                _("Tri « %(value)s » ignoré (%(reason)s) : tri par défaut appliqué.") % params
            )
        else:
            params["label"] = form.fields[name].label
            notices.append(_("%(label)s : « %(value)s » ignoré (%(reason)s).") % params)
    return notices


def page_notices(result, results) -> list[str]:
    """The filter notices, plus one when the page asked for does not exist
    (`results` is the page the paginator fell back to)."""
    notices = list(result.notices)
    if result.page_number and results.number != result.page_number:
        notices.append(
            _("La page %(asked)s n'existe pas : page %(shown)s affichée.")
            % {"asked": result.page_number, "shown": results.number}
        )
    return notices
