"""A document of the Wagtail library attached to a page, in the editor's
order, with an optional heading: what the fiches, calls, minutes, conventions
and events each attach (their own subclass adds the page it belongs to and,
where useful, a nature)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable


class LinkedDocument(Orderable):
    document = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("document"),
    )
    title = models.CharField(
        _("intitulé"), max_length=250, blank=True, help_text=_("Par défaut, le titre du document.")
    )

    panels = [FieldPanel("document"), FieldPanel("title")]

    class Meta(Orderable.Meta):
        abstract = True
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title or self.document.title
