"""Announcements (« petites annonces »): offers and needs between members —
premises, equipment, volunteers, skills, partnership, job or internship,
coworking — each with a short plain text, a commune, themes and an expiry
date.

`AnnouncementIndexPage` (one per locale, `/fr/annonces/`) lists the current
`AnnouncementPage`s and serves their RSS and Atom feeds. Whether an
announcement has expired is derived at request time from `expires_on` and
the day in Paris (`AnnouncementQuerySet.current(today)`), never stored: an
expired announcement leaves the listing, the feeds, the home page and the
sitemap by itself, and its page answers 410 Gone; editors still find it in
the admin.

The poster's address (`contact_email`) is private: no template, feed,
search index or structured data ever reads it. People write to the poster
through the page's contact form; each message is kept as an
`AnnouncementMessage` row and relayed by email (announcement_relay.py).

Imported at the end of models.py, so that Django finds these models.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from directory.models import TerritoryMixin
from home.admin_forms import BasePageForm
from home.cache import VersionedCache
from home.models import BasePage, IndexPage
from home.models.index import view_route

from . import vocab
from .models import paris

# An announcement stays listed this many days unless the editor says otherwise.
DEFAULT_DAYS = 60
# An editor may set the expiry at most this many days ahead.
MAX_DAYS = 366
# The short text, in characters.
TEXT_MAX_LENGTH = 1500
FIRST_DAY, LAST_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

# What the announcements' listing may cache: choices that depend on the
# content only (communes in use). Selections and counts never: they depend
# on the day.
ANNOUNCEMENTS = VersionedCache(
    "announcements", invalidated_by=["events.AnnouncementPage", "directory.ActorPage"]
)


def paris_today(now: dt.datetime | None = None) -> dt.date:
    """The day in Paris at `now` (default: the current instant)."""
    return timezone.localtime(now or timezone.now(), paris()).date()


def default_expiry() -> dt.date:
    """Today (Paris) + DEFAULT_DAYS: the expiry a new announcement gets."""
    return paris_today() + dt.timedelta(days=DEFAULT_DAYS)


def expiry_instant(expires_on: dt.date) -> dt.datetime:
    """The instant an announcement expires: the Paris midnight that ends its
    last day."""
    return dt.datetime.combine(expires_on + dt.timedelta(days=1), dt.time.min, tzinfo=paris())


PLAUSIBLE_MESSAGE = _("Indiquez une date entre l'an 2000 et l'an 2100.")


def expiry_error(value: dt.date | None, previous: dt.date | None, today: dt.date):
    """What is wrong with an expiry an editor (or later a member) sets, or
    None: a day between the years 2000 and 2100, not before today, at most
    MAX_DAYS ahead. An unchanged expiry (`previous`) is accepted as it is,
    so that an expired announcement may still be corrected."""
    if value is None:
        return None
    if not FIRST_DAY <= value <= LAST_DAY:
        return PLAUSIBLE_MESSAGE
    if previous is not None and value == previous:
        return None
    if value < today:
        return _("Cette date est passée : choisissez aujourd'hui ou une date à venir.")
    last = today + dt.timedelta(days=MAX_DAYS)
    if value > last:
        return _(
            "Une annonce reste publiée un an au plus : choisissez une date jusqu'au %(last)s."
        ) % {"last": date_format(last, "SHORT_DATE_FORMAT")}
    return None


class AnnouncementPageForm(BasePageForm):
    """The admin's form: the expiry an editor sets is checked against today
    (the model itself accepts any plausible day: seeds, imports, tests)."""

    def clean_expires_on(self):
        value = self.cleaned_data.get("expires_on")
        # Before the form's values reach the instance: its saved expiry.
        previous = self.instance.expires_on if self.instance.pk else None
        error = expiry_error(value, previous, paris_today())
        if error:
            raise ValidationError(error, code="expiry")
        return value


class AnnouncementIndexPage(IndexPage):
    subpage_types = ["events.AnnouncementPage"]
    template = "events/announcements/index_page.html"

    class Meta:
        verbose_name = _("page des petites annonces")
        verbose_name_plural = _("pages des petites annonces")

    # The listing and its feeds share one filter set (announcement_filters.py).
    index_route = view_route("", "events.announcement_views.announcement_index")
    rss_route = view_route("flux/rss/", "events.announcement_views.announcement_rss", name="rss")
    atom_route = view_route(
        "flux/atom/", "events.announcement_views.announcement_atom", name="atom"
    )


class AnnouncementQuerySet(PageQuerySet):
    """The announcements' domain queries. Expiry is always that of a day in
    Paris (`today`, default: the current one)."""

    def current(self, today: dt.date | None = None):
        """Not expired: the expiry day is today or later."""
        return self.filter(expires_on__gte=today or paris_today())

    def expired(self, today: dt.date | None = None):
        return self.filter(expires_on__lt=today or paris_today())

    def newest_first(self):
        return self.order_by(models.F("first_published_at").desc(nulls_last=True), "-pk")


class AnnouncementPage(RoutablePageMixin, TerritoryMixin, BasePage):
    kind = models.CharField(
        _("offre ou demande"),
        max_length=20,
        choices=vocab.AnnouncementKind.choices,
        default=vocab.AnnouncementKind.OFFER,
    )
    category = models.CharField(
        _("catégorie"), max_length=20, choices=vocab.AnnouncementCategory.choices
    )
    text = models.TextField(
        _("texte de l'annonce"),
        max_length=TEXT_MAX_LENGTH,
        validators=[MaxLengthValidator(TEXT_MAX_LENGTH)],
        help_text=_(
            "Texte simple, sans mise en forme : ce qui est proposé ou recherché, "
            "les conditions, les dates utiles. 1 500 caractères au plus."
        ),
    )
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    actor = models.ForeignKey(
        "directory.ActorPage",
        verbose_name=_("fiche de l'annuaire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="announcements",
        help_text=_("La structure qui publie l'annonce, si elle a une fiche dans l'annuaire."),
    )
    organisation = models.CharField(
        _("structure (hors annuaire)"),
        max_length=200,
        blank=True,
        help_text=_("Le nom affiché de la structure qui publie, si elle n'a pas de fiche."),
    )
    expires_on = models.DateField(
        _("date d'expiration"),
        default=default_expiry,
        help_text=_(
            "Dernier jour de publication (heure de Paris). Ensuite l'annonce disparaît de la "
            "liste, des flux et du plan du site. Au plus un an après aujourd'hui."
        ),
    )
    # Private: never shown on the site, in feeds or in the search index.
    contact_email = models.EmailField(
        _("courriel de contact (privé)"),
        help_text=_(
            "Les messages du formulaire de contact y sont transmis. Jamais affiché sur le site."
        ),
    )
    contact_name = models.CharField(_("nom du contact (privé)"), max_length=200, blank=True)

    objects = PageManager.from_queryset(AnnouncementQuerySet)()

    content_panels = BasePage.content_panels + [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("category")]),
        FieldPanel("text"),
        FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
        FieldRowPanel([FieldPanel("region"), FieldPanel("departement")]),
        FieldRowPanel([FieldPanel("actor"), FieldPanel("organisation")]),
        FieldPanel("expires_on"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_name")],
            _("Contact (privé : jamais affiché)"),
        ),
    ]

    # Never `contact_email` nor `contact_name`.
    search_fields = BasePage.search_fields + [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("text"),
        index.SearchField("city"),
        index.SearchField("organisation"),
        index.FilterField("kind"),
        index.FilterField("category"),
        index.FilterField("region"),
        index.FilterField("departement"),
        index.FilterField("expires_on"),
    ]

    translatable_fields = BasePage.translatable_fields + [
        SynchronizedField("kind"),
        SynchronizedField("category"),
        TranslatableField("text"),
        SynchronizedField("postcode"),
        SynchronizedField("city"),
        SynchronizedField("region"),
        SynchronizedField("departement"),
        SynchronizedField("actor"),
        SynchronizedField("organisation"),
        SynchronizedField("expires_on"),
        SynchronizedField("contact_email"),
        SynchronizedField("contact_name"),
    ]

    parent_page_types = ["events.AnnouncementIndexPage"]
    subpage_types = []
    template = "events/announcements/announcement_page.html"
    base_form_class = AnnouncementPageForm

    class Meta:
        verbose_name = _("petite annonce")
        verbose_name_plural = _("petites annonces")

    # --- Saving ---------------------------------------------------------------

    def clean(self):
        super().clean()
        self.derive_territory(self.postcode)
        if self.expires_on and not FIRST_DAY <= self.expires_on <= LAST_DAY:
            raise ValidationError({"expires_on": PLAUSIBLE_MESSAGE})

    # --- Expiry -----------------------------------------------------------------

    def is_expired_on(self, today: dt.date) -> bool:
        """The rule of `AnnouncementQuerySet.current`, in Python."""
        return self.expires_on < today

    @property
    def is_expired(self) -> bool:
        return self.is_expired_on(paris_today())

    def get_sitemap_urls(self, request=None):
        # An expired announcement leaves the sitemap (its page answers 410).
        if self.is_expired:
            return []
        return super().get_sitemap_urls(request)

    # --- Labels -----------------------------------------------------------------

    @property
    def kind_label(self) -> str:
        return self.get_kind_display()

    @property
    def category_label(self) -> str:
        return self.get_category_display()

    @property
    def poster_name(self) -> str:
        """Who publishes, as shown: the fiche's name, else the free text."""
        if self.actor_id and self.actor is not None and self.actor.live:
            return self.actor.title
        return self.organisation

    @property
    def place(self) -> str:
        """« Sceaux (92) », « Sceaux », « Hauts-de-Seine »."""
        if self.city:
            return f"{self.city} ({self.departement})" if self.departement else self.city
        return self.departement_name or self.region_name

    def get_summary_text(self) -> str:
        return self.text

    # --- Routes -----------------------------------------------------------------

    page_route = view_route("", "events.announcement_views.announcement_page", name="page_route")


class AnnouncementMessage(models.Model):
    """A message written to the poster of an announcement through its
    contact form: kept whatever happens to the email that relays it (sent
    after the transaction commits; a failure is recorded here and retried
    by `manage.py send_announcement_messages`)."""

    announcement = models.ForeignKey(
        AnnouncementPage,
        verbose_name=_("annonce"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    sender_name = models.CharField(_("nom de l'expéditeur"), max_length=200)
    sender_email = models.EmailField(_("courriel de l'expéditeur"))
    body = models.TextField(_("message"))
    language = models.CharField(_("langue"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("reçu le"), auto_now_add=True)
    sent_at = models.DateTimeField(_("transmis le"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("tentatives d'envoi"), default=0)
    error = models.TextField(_("dernière erreur d'envoi"), blank=True)

    class Meta:
        verbose_name = _("message d'une petite annonce")
        verbose_name_plural = _("messages des petites annonces")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["sent_at", "attempts"], name="events_annmsg_unsent")]

    def __str__(self):
        return _("Message de %(name)s") % {"name": self.sender_name}

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None
