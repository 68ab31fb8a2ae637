from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("robots.txt", cache_control(max_age=3600)(home_views.robots_txt), name="robots_txt"),
    path("sitemap.xml", home_views.sitemap, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", home_views.healthz, name="healthz"),
    path("favicon.ico", home_views.favicon, name="favicon"),
    path(".well-known/security.txt", home_views.security_txt, name="security_txt"),
    path("api/v1/", include("home.api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path(_("recherche/"), home_views.search, name="search"),
    path(_("themes/"), home_views.theme_index, name="theme_index"),
    path(_("themes/<slug:slug>/"), home_views.theme_detail, name="theme_detail"),
    path("", include("partners.urls")),
    path("", include("alerts.urls")),
    # Wagtail's page serving must stay last: it catches every other path
    # (Wagtail's own URLs, routed from a cached root page: home/routing.py).
    path("", include("home.routing")),
    prefix_default_language=True,
)

handler404 = "home.views.page_not_found"
handler500 = "home.views.server_error"
