"""The base of every page type's admin listing (« Acteurs », « Appels à
projets », « Agenda »...): Wagtail's page listing without the English
aliases of French pages (home/locales.py). An alias mirrors its source
until someone translates it; listed, every item would show twice, and it
has nothing of its own to edit. Real translations stay listed, with their
locale label.
"""

from wagtail.admin.views.pages.listing import IndexView


class PageTypeIndexView(IndexView):
    def get_base_queryset(self):
        # By primary key, as Wagtail's own permission filter does: the admin
        # search then accepts it (alias_of is not a search filter field).
        sources = self.model.objects.filter(alias_of__isnull=True).values("pk")
        return super().get_base_queryset().filter(pk__in=sources)
