"""The actor directory: a network member fiche per actor.

`DirectoryIndexPage` (one per locale) lists `ActorPage`s. An actor carries
the fields of a network member fiche (seed 003): kind, identity, territory,
membership, contacts, the fiche's sections, themes and documents.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index
from wagtail_localize.fields import SynchronizedField, TranslatableField

from home.admin_forms import BaseSnippetForm
from home.blocks import KeyFigureBlock
from home.cache import CONTENT
from home.fields import LeanStreamField
from home.http import site_key
from home.models import BasePage, IndexPage, LinkedDocument
from home.models.index import view_route

from . import geo
from .kinds import GROUP_OF_KIND, KIND_CHOICES, KIND_LABELS, KINDS_BY_GROUP, is_local_authority
from .validators import normalise_siret, validate_siren_or_siret


def fold_for_sorting(text: str) -> str:
    """« Économie » → "economie": what alphabetical order compares."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("œ", "oe").replace("æ", "ae")
    return plain.lstrip(" «\"'“‘([").strip()[:255]


SECTION_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class Network(models.Model):
    """A network actors belong to (e.g. RTES, Réseau 92 ESS)."""

    # The snippet form refuses control characters (home/admin_forms.py).
    base_form_class = BaseSnippetForm

    name = models.CharField(_("nom"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    website = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("acronym"),
        FieldPanel("slug"),
        FieldPanel("website"),
        FieldPanel("description"),
    ]

    class Meta:
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")
        ordering = ["name"]

    def __str__(self):
        return self.acronym or self.name


class DirectoryIndexPage(IndexPage):
    subpage_types = ["directory.ActorPage"]
    template = "directory/directory_index_page.html"

    class Meta:
        verbose_name = _("annuaire")
        verbose_name_plural = _("annuaires")

    # The listing, its map and its exports share one set of filters
    # (directory/filters.py); the views live in directory/views.py. Route
    # segments carry no dot: Wagtail's page URL pattern does not accept one
    # (the download's file name comes from Content-Disposition).
    index_route = view_route("", "directory.views.directory_index")
    map_route = view_route("carte/", "directory.views.directory_map", name="map")
    geojson_route = view_route("geojson/", "directory.views.directory_geojson", name="geojson")
    widget_route = view_route("widget/", "home.widgets.serve_widget", name="widget")
    csv_route = view_route("export/csv/", "directory.views.directory_csv", name="export_csv")
    csv_schema_route = view_route(
        "export/csv/schema/", "directory.views.directory_csv_schema", name="export_csv_schema"
    )
    json_route = view_route("export/json/", "directory.views.directory_json", name="export_json")


class ActorQuerySet(PageQuerySet):
    """The directory's domain queries: one definition of « a local authority »
    or « an actor in Grand Est » for the public filters, the admin filters,
    the map and the other apps."""

    def of_kind(self, code: str):
        """Actors of a kind, or of any kind of a group (« collectivites »)."""
        if code in KINDS_BY_GROUP:
            return self.filter(kind__in=KINDS_BY_GROUP[code])
        return self.filter(kind=code)

    def listed_in(self, region: str = "", departement: str = ""):
        """Actors of a région and/or a département (INSEE codes)."""
        codes = {"region": region, "departement": departement}
        return self.filter(**{name: code for name, code in codes.items() if code})

    def member_of(self, network):
        """Members of a network (a `Network` or its id)."""
        return self.filter(networks=network)

    def members_since(self, year: int):
        """Actors that joined the network in `year` or later."""
        return self.filter(membership_year__gte=year)

    def located(self):
        """Actors with coordinates (those the map can place)."""
        return self.filter(latitude__isnull=False, longitude__isnull=False)


class TerritoryMixin(models.Model):
    """A région and a département (codes of `geo`), and their names: a fiche,
    a call, an event."""

    region = models.CharField(_("région"), max_length=3, blank=True, choices=geo.region_choices())
    departement = models.CharField(
        _("département"), max_length=3, blank=True, choices=geo.departement_choices()
    )

    class Meta:
        abstract = True

    @property
    def region_name(self) -> str:
        region = geo.regions().get(self.region)
        return region.name if region else ""

    @property
    def departement_name(self) -> str:
        departement = geo.departements().get(self.departement)
        return departement.name if departement else ""

    def derive_territory(self, postcode: str = "") -> None:
        """Complete the département from `postcode` and the région from the
        département (geo.derive_territory)."""
        self.departement, self.region = geo.derive_territory(
            postcode, self.departement, self.region
        )


class PlaceMixin(TerritoryMixin):
    """A place in France: postcode, commune, country, coordinates, and its
    territory derived from the postcode (a fiche, an event)."""

    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=120, blank=True)
    country = models.CharField(_("pays"), max_length=80, default="France", blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    class Meta:
        abstract = True

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def derive_territory(self, postcode: str | None = None) -> None:
        super().derive_territory(self.postcode if postcode is None else postcode)


class ActorPage(PlaceMixin, BasePage):  # noqa: DJ008 - Page gives __str__ (the title)
    # Identity
    kind = models.CharField(_("type d'acteur"), max_length=40, choices=KIND_CHOICES)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    siret = models.CharField(
        _("SIREN ou SIRET"),
        max_length=17,
        blank=True,
        validators=[validate_siren_or_siret],
        help_text=_("9 chiffres (SIREN) ou 14 chiffres (SIRET)."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    summary = models.TextField(_("présentation courte"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("courriel public"), blank=True)
    phone = models.CharField(_("téléphone public"), max_length=30, blank=True)

    # Territory
    address_line1 = models.CharField(_("adresse"), max_length=200, blank=True)
    address_line2 = models.CharField(_("complément d'adresse"), max_length=200, blank=True)
    cedex = models.CharField(_("CEDEX"), max_length=40, blank=True)
    population = models.PositiveIntegerField(
        _("nombre d'habitants sur le territoire"), null=True, blank=True
    )

    # Network membership
    membership_year = models.PositiveSmallIntegerField(
        _("année d'adhésion"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    networks = ParentalManyToManyField(
        Network, blank=True, related_name="members", verbose_name=_("réseaux")
    )

    # The fiche's sections
    panorama = RichTextField(
        _("panorama de l'ESS sur le territoire"), blank=True, features=SECTION_FEATURES
    )
    budget = RichTextField(
        _("budget et moyens affectés à l'ESS"), blank=True, features=SECTION_FEATURES
    )
    budget_amount = models.DecimalField(
        _("montant du budget ESS (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    budget_year = models.PositiveSmallIntegerField(
        _("année du budget"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    programme = RichTextField(
        _("programme d'intervention dans le champ de l'ESS"),
        blank=True,
        features=SECTION_FEATURES,
    )
    example_actions = RichTextField(
        _("exemples d'actions soutenues"), blank=True, features=SECTION_FEATURES
    )
    key_figures = LeanStreamField(
        [("figure", KeyFigureBlock())], blank=True, verbose_name=_("chiffres clés")
    )
    is_draft_fiche = models.BooleanField(
        _("fiche en cours de rédaction"),
        default=False,
        help_text=_("Affiché publiquement : la fiche est incomplète."),
    )
    last_verified = models.DateField(_("informations vérifiées le"), null=True, blank=True)
    # The title folded for alphabetical order (no case, no accents, no
    # leading quote marks), kept by save(): sorting on an indexed column is
    # ~15x faster than folding titles in SQL at 10,000 actors.
    sort_title = models.CharField(max_length=255, editable=False, db_index=True, default="")

    content_panels = BasePage.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("acronym"),
                FieldPanel("siret"),
                FieldPanel("logo"),
                FieldPanel("summary"),
                FieldRowPanel([FieldPanel("website"), FieldPanel("email"), FieldPanel("phone")]),
                FieldPanel("is_draft_fiche"),
                FieldPanel("last_verified"),
            ],
            _("Identité"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address_line1"),
                FieldPanel("address_line2"),
                FieldRowPanel([FieldPanel("postcode"), FieldPanel("city"), FieldPanel("cedex")]),
                FieldPanel("country"),
                FieldRowPanel([FieldPanel("region"), FieldPanel("departement")]),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("population"),
            ],
            _("Territoire"),
        ),
        MultiFieldPanel(
            [FieldPanel("membership_year"), FieldPanel("networks")],
            _("Adhésion au réseau"),
        ),
        InlinePanel("contacts", label=_("Contacts"), heading=_("Contacts")),
        MultiFieldPanel(
            [
                FieldPanel("panorama"),
                FieldPanel("budget"),
                FieldRowPanel([FieldPanel("budget_amount"), FieldPanel("budget_year")]),
                FieldPanel("programme"),
                FieldPanel("example_actions"),
                FieldPanel("key_figures"),
            ],
            _("Fiche"),
        ),
        InlinePanel("documents", label=_("Documents"), heading=_("Documents liés")),
    ]

    search_fields = BasePage.search_fields + [
        index.SearchField("title", boost=3),
        index.AutocompleteField("title"),
        index.SearchField("acronym", boost=3),
        index.AutocompleteField("acronym"),
        index.SearchField("summary", boost=2),
        index.SearchField("city", boost=2),
        index.SearchField("panorama"),
        index.SearchField("programme"),
        index.SearchField("example_actions"),
        index.FilterField("kind"),
        index.FilterField("region"),
        index.FilterField("departement"),
        index.FilterField("membership_year"),
        index.FilterField("population"),
        index.FilterField("is_draft_fiche"),
    ]

    # Codes, numbers, coordinates, contacts and documents are the same in
    # every language: synchronised. Text written for readers is translated.
    translatable_fields = BasePage.translatable_fields + [
        SynchronizedField("kind"),
        SynchronizedField("acronym"),
        SynchronizedField("siret"),
        SynchronizedField("logo"),
        TranslatableField("summary"),
        SynchronizedField("website"),
        SynchronizedField("email"),
        SynchronizedField("phone"),
        SynchronizedField("address_line1"),
        SynchronizedField("address_line2"),
        SynchronizedField("postcode"),
        SynchronizedField("city"),
        SynchronizedField("cedex"),
        SynchronizedField("country"),
        SynchronizedField("region"),
        SynchronizedField("departement"),
        SynchronizedField("latitude"),
        SynchronizedField("longitude"),
        SynchronizedField("population"),
        SynchronizedField("membership_year"),
        SynchronizedField("networks"),
        TranslatableField("panorama"),
        TranslatableField("budget"),
        SynchronizedField("budget_amount"),
        SynchronizedField("budget_year"),
        TranslatableField("programme"),
        TranslatableField("example_actions"),
        TranslatableField("key_figures"),
        SynchronizedField("is_draft_fiche"),
        SynchronizedField("last_verified"),
        SynchronizedField("contacts"),
        SynchronizedField("documents"),
    ]

    parent_page_types = ["directory.DirectoryIndexPage"]
    subpage_types = []
    template = "directory/actor_page.html"

    objects = PageManager.from_queryset(ActorQuerySet)()

    class Meta:
        verbose_name = _("fiche acteur")
        verbose_name_plural = _("fiches acteurs")

    def save(self, *args, **kwargs):
        self.sort_title = fold_for_sorting(self.title)
        return super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.siret = normalise_siret(self.siret)
        self.derive_territory()

    def get_summary_text(self) -> str:
        return self.summary

    def get_context(self, request, *args, **kwargs):
        from home.registry import ACTOR_SECTIONS, section_context

        context = super().get_context(request, *args, **kwargs)
        context.update(section_context(ACTOR_SECTIONS, self, request))
        # The fiche's own content, kept as HTML per content version, page,
        # site and language (templates/directory/actor_page.html); a
        # preview (a draft, a revision) is rendered each time.
        if not getattr(request, "is_preview", False):
            name = f"fiche:{self.pk}:{site_key(request)}:{get_language() or '-'}"
            context["fiche_fragment"] = CONTENT.fragment(name)
        return context

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def kind_group(self) -> str:
        return GROUP_OF_KIND.get(self.kind, "")

    @property
    def is_local_authority(self) -> bool:
        return is_local_authority(self.kind)

    @property
    def has_contact_details(self) -> bool:
        """Whether the fiche's « Coordonnées » box has anything to show."""
        return self.has_coordinates or any(
            [
                self.address_line1,
                self.address_line2,
                self.postcode,
                self.city,
                self.region,
                self.departement,
                self.population is not None,
                self.website,
                self.email,
                self.phone,
                self.siret,
            ]
        )

    def public_contacts(self):
        """Contacts whose name may be published. Use this, never `contacts`,
        wherever a contact reaches the public (pages, API, feeds, exports)."""
        return [contact for contact in self.contacts.all() if contact.is_public]


class ContactRole(models.TextChoices):
    ELECTED = "elu", _("Élu·e représentant·e")
    OFFICER = "charge-de-mission", _("Chargé·e de mission")
    DIRECTOR = "direction", _("Direction")
    OTHER = "autre", _("Autre")


class Publication(models.TextChoices):
    AUTO = "auto", _("Selon le rôle : publié pour un·e élu·e, pas pour les autres")
    YES = "yes", _("Publier le nom")
    NO = "no", _("Ne pas publier le nom")


class PublicationBasis(models.TextChoices):
    """Why a name may be published: the rule of the departmental network (seed
    002: only data « déjà visibles sur le site des communes ou dont les Elus
    ont donné leur accord »), plus the elected office, which makes an elected
    representative's name public by itself."""

    CONSENT = "accord", _("Accord de la personne")
    PUBLIC_SOURCE = "source-publique", _("Déjà public dans la source citée")
    ELECTED_OFFICE = "mandat-electif", _("Mandat électif")


class ActorContact(Orderable):
    """A person to contact at an actor. The name reaches the public only when
    `is_public`: an elected representative by default (the elected office),
    anyone else on an editor's decision (« Publier le nom ») that records its
    basis (`publication_basis`, and the source cited for an already public
    name). A contact without a basis for publication stays unpublished."""

    Role = ContactRole
    Publication = Publication
    Basis = PublicationBasis
    # The codes under their former names (imports, seeds, tests).
    ELECTED, OFFICER, DIRECTOR, OTHER = Role.ELECTED, Role.OFFICER, Role.DIRECTOR, Role.OTHER
    ROLE_CHOICES = Role.choices
    PUBLICATION_AUTO = Publication.AUTO

    actor = ParentalKey(ActorPage, on_delete=models.CASCADE, related_name="contacts")
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices, default=Role.OFFICER)
    name = models.CharField(_("nom"), max_length=200)
    function = models.CharField(
        _("titre ou fonction"),
        max_length=250,
        blank=True,
        help_text=_("Par exemple « conseillère communautaire »."),
    )
    service = models.CharField(_("service"), max_length=250, blank=True)
    email = models.EmailField(_("courriel professionnel"), blank=True)
    publication = models.CharField(
        _("publication du nom"),
        max_length=10,
        choices=Publication.choices,
        default=Publication.AUTO,
        help_text=_(
            "Minimisation des données : le nom d'un·e agent·e n'est publié que sur décision, "
            "avec le fondement de cette publication."
        ),
    )
    publication_basis = models.CharField(
        _("fondement de la publication"),
        max_length=20,
        choices=PublicationBasis.choices,
        blank=True,
        help_text=_(
            "Pourquoi le nom peut être publié : l'accord de la personne, une source publique "
            "qui le donne déjà (à citer ci-contre) ou un mandat électif. Obligatoire pour "
            "« Publier le nom »."
        ),
    )
    publication_source = models.CharField(
        _("source citée"),
        max_length=300,
        blank=True,
        help_text=_(
            "Pour un nom déjà public : le document ou la page qui le donne (titre, date ou "
            "adresse)."
        ),
    )

    panels = [
        FieldRowPanel([FieldPanel("role"), FieldPanel("publication")]),
        FieldRowPanel([FieldPanel("publication_basis"), FieldPanel("publication_source")]),
        FieldRowPanel([FieldPanel("name"), FieldPanel("function")]),
        FieldRowPanel([FieldPanel("service"), FieldPanel("email")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        elected = self.role == ContactRole.ELECTED
        if elected and not self.publication_basis and self.publication != Publication.NO:
            # The « auto » rule's own basis: the elected office.
            self.publication_basis = PublicationBasis.ELECTED_OFFICE
        errors = {}
        if self.publication == Publication.YES and not self.publication_basis:
            errors["publication_basis"] = _(
                "Indiquez le fondement de la publication du nom : l'accord de la personne, "
                "une source publique qui le donne déjà ou un mandat électif."
            )
        elif self.publication_basis == PublicationBasis.ELECTED_OFFICE and not elected:
            errors["publication_basis"] = _(
                "Le mandat électif ne fonde que la publication du nom d'un·e élu·e."
            )
        elif self.publication_basis and self.publication == Publication.AUTO and not elected:
            errors["publication"] = _(
                "Pour publier ce nom sur ce fondement, choisissez « Publier le nom »."
            )
        if self.publication_basis == PublicationBasis.PUBLIC_SOURCE and not (
            self.publication_source.strip()
        ):
            errors["publication_source"] = _("Citez la source qui donne déjà ce nom.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        if self.publication == Publication.YES:
            return True
        if self.publication == Publication.NO:
            return False
        return self.role == ContactRole.ELECTED

    @property
    def role_label(self) -> str:
        return self.get_role_display()


PUBLICATION_YES = Publication.YES


class ActorDocument(LinkedDocument):
    actor = ParentalKey(ActorPage, on_delete=models.CASCADE, related_name="documents")

    class Meta(LinkedDocument.Meta):
        verbose_name = _("document lié")
        verbose_name_plural = _("documents liés")


class ActorLinkMixin(models.Model):
    """A directory fiche (`actor`, declared by each subclass), or a name in
    free text for one not in the directory."""

    name = models.CharField(
        _("nom (hors annuaire)"),
        max_length=250,
        blank=True,
        help_text=_("Seulement si la structure n'a pas de fiche dans l'annuaire."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if not self.actor_id and not self.name.strip():
            raise ValidationError(
                {"name": _("Choisissez une fiche de l'annuaire ou saisissez un nom.")}
            )

    @property
    def display_name(self) -> str:
        if self.actor_id and self.actor is not None:
            return self.actor.title
        return self.name
