from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class AllLocalesSitemap(Sitemap):
    """Wagtail's sitemap lists the default locale's tree only; with one tree
    per language we list the site root's every translation."""

    def items(self):
        site = self.get_wagtail_site()
        roots = site.root_page.get_translations(inclusive=True)
        in_trees = Q()
        for root in roots:
            in_trees |= Q(path__startswith=root.path)
        return (
            Page.objects.live()
            .public()
            .filter(in_trees)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
