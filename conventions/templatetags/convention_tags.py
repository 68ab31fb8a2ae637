"""Template filters of the conventions' pages: a convention's status on the
date the view computed once (`today`), so that a listing reads one date."""

from django import template

register = template.Library()


@register.filter
def status_on(convention, today) -> str:
    """`{{ convention|status_on:today }}`: the status code."""
    return convention.status_on(today).value


@register.filter
def status_label_on(convention, today) -> str:
    """`{{ convention|status_label_on:today }}`: the status in words."""
    return str(convention.status_on(today).label)
