from .cache_versions import CacheVersion
from .documents import LinkedDocument
from .index import IndexPage
from .mixins import BasePage, SeoMixin, ThemesMixin
from .pages import HomePage, StandardPage
from .site_settings import SiteSettings
from .themes import PageTheme, Theme

__all__ = [
    "BasePage",
    "CacheVersion",
    "HomePage",
    "IndexPage",
    "LinkedDocument",
    "PageTheme",
    "SeoMixin",
    "SiteSettings",
    "StandardPage",
    "Theme",
    "ThemesMixin",
]
