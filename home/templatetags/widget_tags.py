"""The « Intégrer sur votre site » panel of the listings
(templates/includes/listing/embed_panel.html; home/widgets.py)."""

from django import template

from home.widgets import snippets

register = template.Library()


@register.simple_tag(takes_context=True)
def widget_snippets(context, page, listing):
    """The iframe and script snippets of `page`'s widget with the listing's
    valid filters; None when the page has no widget."""
    return snippets(page, listing, context.get("request"))
