from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from home.privacy import public


class AllLocalesSitemap(Sitemap):
    """Wagtail's sitemap lists the default locale's tree only; with one tree
    per language we list the site root's every translation. Aliases (pages
    not translated yet, home/locales.py) are left out: their content is
    their French page's, listed once."""

    def items(self):
        site = self.get_wagtail_site()
        roots = site.root_page.get_translations(inclusive=True)
        in_trees = Q()
        for root in roots:
            in_trees |= Q(path__startswith=root.path)
        return (
            public(Page.objects.live())
            .filter(in_trees, alias_of__isnull=True)
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
