"""Template tags of the calls' pages and of the sections other pages show."""

from django import template
from django.utils import timezone

from calls_for_projects.cards import render_cards, status_facts

register = template.Library()


@register.simple_tag
def call_status(call, now=None):
    """The status of `call` at `now` (the request's time, else the current
    time): {code, label, prefix, time_left}."""
    return status_facts(call, now or timezone.now())


@register.simple_tag(takes_context=True)
def call_card(context, call, now=None):
    """The card of `call` at `now` (cached but for its status and time left,
    see cards.py)."""
    (card,) = render_cards([call], now or timezone.now(), context.get("request"))
    return card
