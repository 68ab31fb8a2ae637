from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from home.locales import replace_localize_creation_hook
from home.models import Theme
from home.two_factor import wagtail_hooks as _two_factor  # noqa: F401


class ThemeViewSet(SnippetViewSet):
    """The theme vocabulary, managed by moderators and administrators."""

    model = Theme
    icon = "tag"
    menu_label = _("Thèmes")
    menu_order = 300
    add_to_admin_menu = True
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
    search_backend_name = None  # plain database lookups: themes are not search-indexed
    ordering = ["name"]
    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("description_en"),
    ]


register_snippet(ThemeViewSet)

# A page created in the admin gets its English alias once, whether it was
# published on creation or saved as a draft (home/locales.py).
replace_localize_creation_hook()
