"""Template tags of the public site: navigation, languages, breadcrumb, pagination.

Everything that needs the active locale's home page shares one query per
request: the live translations of the site's root page (and of the current
page, when there is one) are fetched together and kept on the request.
"""

from dataclasses import dataclass

from django import template
from django.conf import settings
from django.http import QueryDict
from django.urls import translate_url
from django.utils.formats import number_format
from django.utils.html import avoid_wrapping, conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Page, Site

from home.cache import PAGE_TREE
from home.typography import french_spacing as _french_spacing

register = template.Library()

_CACHE_ATTR = "_site_tags_translations"


@dataclass
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool
    # True when `url` shows the same content in that language (used for the
    # hreflang alternates); False when it falls back to that locale's home.
    is_translation: bool


def _active_language() -> str:
    try:
        return get_supported_content_language_variant(get_language() or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE


def _page_from_context(context):
    """The Wagtail page being rendered, if any (not set by plain Django views)."""
    page = context.get("page")
    return page if isinstance(page, Page) else None


def _translations(context):
    """Live translations of the site root and of the current page, by language.

    One query, cached on the request and in the page-tree cache:
    ({code: home page}, {code: page}).
    """
    request = context.get("request")
    page = _page_from_context(context)
    cached = getattr(request, _CACHE_ATTR, None) if request is not None else None
    if cached is not None and cached[0] == (page.pk if page else None):
        return cached[1], cached[2]

    site = Site.find_for_request(request) if request is not None else None
    homes, page_translations = {}, {}
    if site is not None:
        keys = {site.root_page.translation_key}
        if page is not None:
            keys.add(page.translation_key)
        rows = PAGE_TREE.get_or_set(
            "translations:" + ":".join(sorted(str(key) for key in keys)),
            lambda: list(
                Page.objects.live().filter(translation_key__in=keys).select_related("locale")
            ),
        )
        for row in rows:
            code = row.locale.language_code
            if row.translation_key == site.root_page.translation_key:
                homes[code] = row
            if page is not None and row.translation_key == page.translation_key:
                page_translations[code] = row
    if request is not None:
        setattr(request, _CACHE_ATTR, (page.pk if page else None, homes, page_translations))
    return homes, page_translations


def _locale_home(context):
    homes, _ = _translations(context)
    return homes.get(_active_language()) or homes.get(settings.LANGUAGE_CODE)


@register.simple_tag(takes_context=True)
def locale_home(context):
    """The active locale's home page (falls back to the default language's)."""
    return _locale_home(context)


@register.inclusion_tag("includes/main_navigation.html", takes_context=True)
def main_navigation(context):
    """Live, in-menu children of the active locale's home page.

    Each item is a dict of title, url and current: the aria-current value,
    "page" for the page being shown, "true" for the section that contains it.
    Two queries at most: the home translations (shared with the other tags
    and cached on the request) and the children. The site lookup is shared
    with Wagtail's page serving and the settings context processor.
    """
    request = context.get("request")
    home = _locale_home(context)
    current = _page_from_context(context)
    items = []
    if home is not None:
        site = Site.find_for_request(request) if request is not None else None
        children = PAGE_TREE.get_or_set(
            f"menu:{site.pk if site else ''}:{home.pk}",
            lambda: [
                (child.pk, child.path, child.title, child.get_url(request))
                for child in home.get_children().live().in_menu()
            ],
        )
        for pk, path, title, url in children:
            state = None
            if current is not None and current.path:
                if current.pk == pk:
                    state = "page"
                elif current.path.startswith(path):
                    state = "true"
            items.append({"title": title, "url": url, "current": state})
    return {"items": items}


def _language_links(context, home_only=False):
    request = context.get("request")
    current_code = _active_language()
    homes, page_translations = _translations(context)
    page = _page_from_context(context)
    links = []
    for code, name in settings.LANGUAGES:
        is_current = code == current_code
        url, is_translation = None, False
        if home_only:
            home = homes.get(code)
            url = home.get_url(request) if home else None
        elif page is not None:
            # An alias (a page not translated yet, home/locales.py) is reached
            # by the switcher but is no translation for hreflang.
            translation = page_translations.get(code)
            if is_current:
                in_preview = request is None or getattr(request, "is_preview", False)
                url = page.get_url(request) if in_preview else request.get_full_path()
                is_translation = _is_translation(translation)
            elif translation is not None:
                url = translation.get_url(request)
                if url and request is not None and not getattr(request, "is_preview", False):
                    url += _same_route(page.get_url(request), request)
                is_translation = _is_translation(translation)
            elif code in homes:
                url = homes[code].get_url(request)
        elif request is not None:
            url, is_translation = translate_url(request.get_full_path(), code), True
        if url:
            links.append(LanguageLink(code, name, url, is_current, is_translation))
    return links


def _is_translation(page) -> bool:
    """A page in a language shows that language's content: it exists and is
    not an alias of a page in another language."""
    return page is not None and not page.alias_of_id


def _same_route(page_url, request) -> str:
    """What the current address adds to its page's own: a routable page's
    sub-route (« carte/ », « flux/rss/ ») and the query string (a listing's
    filters), so that switching language keeps the view and the filters.
    Sub-routes are the same in every language."""
    path = request.path
    route = path[len(page_url) :] if page_url and path.startswith(page_url) else ""
    query = request.META.get("QUERY_STRING", "")
    return route + (f"?{query}" if query else "")


def _untranslated_source(context):
    """The page that an alias being shown copies when it copies a page of
    another language (its content is that language's), else None. Read from
    the translations already fetched for the language links: no query."""
    page = _page_from_context(context)
    if page is None or not page.alias_of_id:
        return None
    _homes, page_translations = _translations(context)
    for translation in page_translations.values():
        if translation.pk == page.alias_of_id and translation.locale_id != page.locale_id:
            return translation
    return None


@register.simple_tag(takes_context=True)
def untranslated_language(context) -> str:
    """The language code of the content when the page shown is not translated
    yet (an alias of a page in another language: « fr »), else "". base.html
    then says so above the content and marks the content with `lang`."""
    source = _untranslated_source(context)
    return source.locale.language_code if source is not None else ""


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The absolute URL of the page's canonical address: the page itself, or
    the page it shows when it is not translated yet, so that search engines
    index the original rather than its copy."""
    page = _page_from_context(context)
    source = _untranslated_source(context) or page
    request = context.get("request")
    url = source.get_url(request) if source is not None else None
    if request is None:
        return url or ""
    return request.build_absolute_uri(url if url is not None else request.path)


@register.inclusion_tag("includes/language_links.html", takes_context=True)
def language_links(context, home_only=False):
    """One link per language of settings.LANGUAGES.

    With a Wagtail `page` in the context: its live translation, else that
    locale's home page. Without (Django views): `translate_url` of the
    current path. `home_only=True` (error pages) always links to the homes.
    """
    return {"links": _language_links(context, home_only=home_only)}


@register.simple_tag(takes_context=True)
def language_alternates(context):
    """The hreflang alternates: only languages where the content really exists,
    as absolute URLs. Use in <head>."""
    request = context.get("request")
    links = [link for link in _language_links(context) if link.is_translation]
    if request is not None:
        for link in links:
            link.url = request.build_absolute_uri(link.url)
    return links


@register.simple_tag(takes_context=True)
def absolute_url(context, url=None):
    """Absolute URL of `url`, a path or a page (default: the current path,
    without query string). A page's URL is found with the request, which
    keeps Wagtail's site root paths (`page.url` reads them again from the
    cache for each page object)."""
    request = context.get("request")
    if hasattr(url, "get_url"):
        url = url.get_url(request)
    if request is None:
        return url or ""
    return request.build_absolute_uri(url if url is not None else request.path)


@register.inclusion_tag("includes/breadcrumb.html", takes_context=True)
def breadcrumb(context, *trail):
    """A breadcrumb from the active locale's home page.

    With a Wagtail `page`: its ancestors below the Wagtail root, then the page.
    Otherwise (Django views), pass the trail after "Accueil" as alternating
    labels and URLs, the last label (without URL) being the current page:
    `{% breadcrumb themes_label themes_url theme.display_name %}`. With a page
    and a trail (a page's sub-route, such as a map or an archive), the page
    becomes a link and the trail follows it.
    """
    request = context.get("request")
    page = _page_from_context(context)
    items = []
    if page is not None:
        home = _locale_home(context)
        min_depth = max(home.depth if home is not None else 2, 2)
        if page.path and page.depth > min_depth:
            site = Site.find_for_request(request) if request is not None else None
            items = PAGE_TREE.get_or_set(
                f"ancestors:{site.pk if site else ''}:{page.path}:{min_depth}",
                lambda: [
                    {"title": a.title, "url": a.get_url(request)}
                    for a in Page.objects.ancestor_of(page).filter(depth__gte=min_depth)
                ],
            )
            items = [dict(item) for item in items]  # the title of the first may change
            items.append({"title": page.title, "url": page.get_url(request) if trail else None})
            items.extend(_trail_items(trail))
            if items[0]["url"] and home is not None and items[0]["url"] == home.get_url(request):
                items[0]["title"] = gettext("Accueil")
    else:
        home = _locale_home(context)
        if home is not None and trail:
            items.append({"title": gettext("Accueil"), "url": home.get_url(request)})
            items.extend(_trail_items(trail))
    return {"items": items if len(items) > 1 else []}


def _trail_items(trail) -> list[dict]:
    """Alternating labels and URLs as breadcrumb items, the last one current."""
    items = []
    trail = list(trail)
    while trail:
        label = trail.pop(0)
        url = trail.pop(0) if trail else None
        items.append({"title": label, "url": url or None})
    if items:
        items[-1]["url"] = None
    return items


@register.simple_tag(takes_context=True)
def url_replace(context, **kwargs):
    """The current query string with the given parameters replaced, with its
    leading "?": `href="{% url_replace page=3 %}"`. A value of None (or
    page=1) removes the parameter, so page 1 has a single address.

    On a filtered listing (a `filters` filter set in the context) the link
    keeps the valid filters only, never a value they ignored: the listing's
    fragments are cached and shared by every request with the same filters."""
    changes = {
        key: None if value is None or (key == "page" and str(value) == "1") else value
        for key, value in kwargs.items()
    }
    filters = context.get("filters")
    if hasattr(filters, "querystring"):
        encoded = filters.querystring(**changes)
        return f"?{encoded}" if encoded else "?"
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def verbose_name(obj) -> str:
    """The verbose name of a model instance's class (e.g. a page's type)."""
    model = getattr(obj, "specific_class", None) or type(obj)
    return str(model._meta.verbose_name)


@register.filter
def tel_href(number: str) -> str:
    """A `tel:` URI from a displayed phone number ("01 23 45 67 89")."""
    digits = "".join(ch for ch in str(number or "") if ch.isdigit() or ch == "+")
    return f"tel:{digits}" if digits else ""


@register.filter
def name_is_fallback(theme) -> bool:
    """True when a theme's displayed name is the French one in another language,
    so the template can mark it lang="fr"."""
    return not _active_language().startswith("fr") and not getattr(theme, "name_en", "")


@register.filter
def file_size(num_bytes) -> str:
    """A file size in SI units with French abbreviations by default
    ("1,2 Mo"; "1.2 MB" once the English catalogue is in), for download links."""
    try:
        size = float(num_bytes)
    except (TypeError, ValueError):
        return ""
    units = [
        (1000**3, gettext("%(size)s Go")),
        (1000**2, gettext("%(size)s Mo")),
        (1000, gettext("%(size)s Ko")),
    ]
    for factor, label in units:
        if size >= factor:
            value = size / factor
            decimals = 0 if value >= 100 or value == int(value) else 1
            return avoid_wrapping(label % {"size": number_format(value, decimals)})
    return avoid_wrapping(gettext("%(size)s octets") % {"size": int(size)})


@register.filter(needs_autoescape=True)
def french_spacing(value, autoescape=True):
    """`{{ text|french_spacing }}` or `{% filter french_spacing %}…{% endfilter %}`:
    no-break spaces before « : ; ! ? » » and after « « » (home/typography.py).
    Escapes the value first unless it is already safe HTML."""
    text = conditional_escape(value) if autoescape else str(value)
    return mark_safe(_french_spacing(str(text)))  # noqa: S308 - escaped above


class KeptNode(template.Node):
    def __init__(self, nodelist, fragment, extra):
        self.nodelist, self.fragment, self.extra = nodelist, fragment, extra

    def render(self, context):
        fragment = self.fragment.resolve(context)
        if not fragment:  # nothing to keep it in (a preview): rendered each time
            return self.nodelist.render(context)
        extra = [value.resolve(context) for value in self.extra]
        return fragment.get_or_render(lambda: self.nodelist.render(context), *extra)


@register.tag("kept")
def kept(parser, token):
    """`{% kept fragment extra... %}…{% endkept %}`: the content rendered once
    per `fragment` (a `home.cache.KeptFragment`: a listing's, a page's) and
    extra values, read with the page's other cached values in one round
    trip. An empty `fragment` (a preview) renders the content each time."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% kept %} needs a fragment: {% kept fragment %}")
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
