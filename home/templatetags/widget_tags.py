"""The « Intégrer sur votre site » panel of the listings
(templates/includes/listing/embed_panel.html; home/widgets.py)."""

from django import template

from home.widgets import snippets

register = template.Library()


@register.simple_tag
def widget_snippets(page, listing):
    """The iframe and script snippets of `page`'s widget with the listing's
    valid filters; None when the page has no widget."""
    return snippets(page, listing)
