"""The agenda's fixed vocabularies, as `TextChoices`: codes are stored (French
slugs, the same in every language), labels are translated at display time.

The event types and attendance modes follow what agenda platforms converged
to (OpenAgenda's event structure, schema.org `Event`); the types are those the
seeds describe (forums, world cafés, network meetings, prize-givings of the
Mois de l'ESS…).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    FORUM = "forum", _("Forum, salon")
    CONFERENCE = "conference", _("Conférence, table ronde")
    WORKSHOP = "atelier", _("Atelier")
    WORLD_CAFE = "world-cafe", _("World café")
    NETWORK_MEETING = "reunion-reseau", _("Réunion de réseau")
    TRAINING = "formation", _("Formation")
    FESTIVAL = "festival", _("Festival, fête")
    OPEN_DAY = "portes-ouvertes", _("Portes ouvertes, visite")
    AWARDS = "remise-de-prix", _("Remise de prix")
    OTHER = "autre", _("Autre")


class Mode(models.TextChoices):
    """How one attends (schema.org `eventAttendanceMode`)."""

    ON_SITE = "sur-place", _("Sur place")
    ONLINE = "en-ligne", _("En ligne")
    HYBRID = "hybride", _("Sur place et en ligne")


ON_SITE, ONLINE, HYBRID = Mode
SCHEMA_ATTENDANCE = {
    ON_SITE: "https://schema.org/OfflineEventAttendanceMode",
    ONLINE: "https://schema.org/OnlineEventAttendanceMode",
    HYBRID: "https://schema.org/MixedEventAttendanceMode",
}


class Status(models.TextChoices):
    """What the organisers announce (stored); the time status is derived."""

    SCHEDULED = "programme", _("Programmé")
    POSTPONED = "reporte", _("Reporté")
    CANCELLED = "annule", _("Annulé")
    FULL = "complet", _("Complet")


SCHEDULED, POSTPONED, CANCELLED, FULL = Status
SCHEMA_STATUS = {
    SCHEDULED: "https://schema.org/EventScheduled",
    POSTPONED: "https://schema.org/EventRescheduled",
    CANCELLED: "https://schema.org/EventCancelled",
    FULL: "https://schema.org/EventScheduled",
}
# iCalendar STATUS (RFC 5545): a postponed event whose new date is not known
# yet is tentative.
ICAL_STATUS = {
    SCHEDULED: "CONFIRMED",
    POSTPONED: "TENTATIVE",
    CANCELLED: "CANCELLED",
    FULL: "CONFIRMED",
}


class Price(models.TextChoices):
    FREE = "gratuit", _("Gratuit")
    PAID = "payant", _("Payant")


FREE, PAID = Price


class Registration(models.TextChoices):
    NONE = "aucune", _("Sans inscription")
    LINK = "lien", _("Inscription en ligne")
    EMAIL = "courriel", _("Inscription par courriel")


class Role(models.TextChoices):
    """An organiser's or partner's role in an event."""

    ORGANISER = "organisateur", _("Organisateur")
    CO_ORGANISER = "co-organisateur", _("Co-organisateur")
    PARTNER = "partenaire", _("Partenaire")
    SUPPORT = "soutien", _("Soutien, financeur")


ORGANISER = Role.ORGANISER


class TimeStatus(models.TextChoices):
    """Derived from the time slots and the moment of the request, never stored."""

    UPCOMING = "a-venir", _("À venir")
    TODAY = "aujourd-hui", _("Aujourd'hui")
    ONGOING = "en-cours", _("En cours")
    PAST = "passe", _("Passé")
    UNDATED = "date-a-preciser", _("Date à préciser")


# --- Announcements (« petites annonces », announcements.py) ------------------------


class AnnouncementKind(models.TextChoices):
    """What a member posts: something offered, or something looked for."""

    OFFER = "offre", _("Offre")
    NEED = "demande", _("Demande")


class AnnouncementCategory(models.TextChoices):
    """What an announcement is about: the exchanges the seeds describe
    between members (premises, volunteers, the coworking space…)."""

    PREMISES = "locaux", _("Locaux")
    EQUIPMENT = "materiel", _("Matériel")
    VOLUNTEERING = "benevolat", _("Bénévolat")
    SKILLS = "competences", _("Compétences")
    PARTNERSHIP = "partenariat", _("Partenariat")
    JOB = "emploi-stage", _("Emploi ou stage")
    COWORKING = "coworking", _("Coworking")
    OTHER = "autre", _("Autre")
