"""Template filters of the conventions' pages: a convention's status on the
date the view computed once (`today`), so that a listing reads one date, and
French spacing around high punctuation."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from conventions import status as lifecycle
from conventions.typography import french_spacing as _french_spacing

register = template.Library()


@register.filter
def status_on(convention, today) -> str:
    """`{{ convention|status_on:today }}`: the status code."""
    return convention.status_on(today)


@register.filter
def status_label_on(convention, today) -> str:
    """`{{ convention|status_label_on:today }}`: the status in words."""
    return str(lifecycle.STATUS_LABELS[convention.status_on(today)])


@register.filter(needs_autoescape=True)
def french_spacing(value, autoescape=True):
    """`{{ text|french_spacing }}` or `{% filter french_spacing %}…{% endfilter %}`:
    no-break spaces before « : ; ! ? » » and after « « » (conventions/typography.py).
    Escapes the value first unless it is already safe HTML."""
    text = conditional_escape(value) if autoescape else str(value)
    return mark_safe(_french_spacing(str(text)))  # noqa: S308 - escaped above
