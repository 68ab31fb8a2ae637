"""The contact form of an announcement and the email that relays it.

A visitor writes to the poster through the announcement's page; the
poster's address (`AnnouncementPage.contact_email`) is never shown, and
never sent to the visitor. The request only stores the message
(`AnnouncementMessage`): no email is sent inside a web request. The worker
command `manage.py send_announcement_messages` (every minute beside the dev
server, bin/serve; from cron or a systemd timer in production) relays it to
the private address, with the visitor as `Reply-To`: the poster answers them
directly, if they wish. A failure (SMTP down…) is logged and recorded on the
row (`error`, `attempts`) and tried again by the next run (at most
MAX_ATTEMPTS sends in all); the visitor is told their message is passed on.

The anti-abuse measures are the public forms' (home/): the per-IP rate
limit, a honeypot field, and the validators refusing control characters.
"""

from __future__ import annotations

import logging
from email.utils import formataddr

from django import forms
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from home import ratelimit
from home.forms import AccessibleFormMixin
from home.mail import send_now
from home.typography import french_spacing
from home.validation import validate_no_control_characters

from .announcements import AnnouncementMessage

logger = logging.getLogger(__name__)

RATE_SCOPE = "announcement-contact"
HONEYPOT_FIELD = "site_web"
MAX_ATTEMPTS = 3
BODY_MAX_LENGTH = 5000
SUCCESS_MESSAGE = _("Votre message a été transmis à l'auteur de l'annonce.")


def validate_one_line(value) -> None:
    """A name on one line (it goes in an email header)."""
    if isinstance(value, str) and ("\n" in value or "\r" in value):
        raise forms.ValidationError(_("Écrivez votre nom sur une seule ligne."), code="one_line")


class ContactForm(AccessibleFormMixin):
    """What a visitor writes to the poster of an announcement."""

    sender_name = forms.CharField(
        label=_("Votre nom"),
        max_length=200,
        validators=[validate_no_control_characters, validate_one_line],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    sender_email = forms.EmailField(
        label=_("Votre adresse électronique"),
        max_length=254,
        help_text=_("L'auteur de l'annonce vous répondra à cette adresse."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    body = forms.CharField(
        label=_("Votre message"),
        min_length=10,
        max_length=BODY_MAX_LENGTH,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "min_length": _("Votre message est trop court : 10 caractères au moins."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que mon nom, mon adresse électronique et mon message soient transmis à "
            "l'auteur de l'annonce, et conservés par la Maison de l'ESS le temps de les lui "
            "faire parvenir."
        ),
        error_messages={
            "required": _("Cochez cette case pour que nous transmettions votre message.")
        },
    )
    # The honeypot: hidden from people (and from assistive technologies),
    # filled in by robots.
    site_web = forms.CharField(
        label=_("Ne pas remplir ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors:
            # Shown again as typed, but for NUL bytes (refused above): no
            # page may carry one.
            data = self.data.copy()
            for key in list(data):
                values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
                cleaned = [v.replace("\x00", "") if isinstance(v, str) else v for v in values]
                if hasattr(data, "setlist"):
                    data.setlist(key, cleaned)
                else:
                    data[key] = cleaned[0]
            self.data = data

    def visible_form_fields(self):
        """The fields people fill in (the honeypot is rendered apart, hidden)."""
        return [self[name] for name in self.fields if name != HONEYPOT_FIELD]

    @property
    def honeypot_filled(self) -> bool:
        return bool((self.data.get(self.add_prefix(HONEYPOT_FIELD)) or "").strip())


def rate_limited(request) -> bool:
    """Count one post of the contact form; True once the limit is exceeded
    (the public forms' limit, home/ratelimit.py)."""
    return not ratelimit.hit(request, RATE_SCOPE)


# --- Storing and relaying ----------------------------------------------------------------


def store_message(announcement, form) -> AnnouncementMessage:
    """Keep the message. No email is sent inside a web request (a mail
    server that never answers would hold the visitor): the worker command
    `send_announcement_messages`, every minute beside the server, relays it."""
    return AnnouncementMessage.objects.create(
        announcement=announcement,
        sender_name=form.cleaned_data["sender_name"],
        sender_email=form.cleaned_data["sender_email"],
        body=form.cleaned_data["body"],
        language=translation.get_language() or "",
    )


def email_for(message: AnnouncementMessage) -> EmailMessage:
    """The email relaying `message` to the poster's private address, the
    sender as Reply-To, in the language the sender wrote in."""
    announcement = message.announcement
    context = {
        "message": message,
        "announcement": announcement,
        "announcement_url": announcement.full_url or "",
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    with translation.override(message.language or settings.LANGUAGE_CODE):
        subject = " ".join(
            render_to_string("events/announcements/emails/relay_subject.txt", context).split()
        )
        body = render_to_string("events/announcements/emails/relay.txt", context)
    subject, body = french_spacing(subject), french_spacing(body)
    recipient = announcement.contact_email
    if announcement.contact_name:
        recipient = formataddr((announcement.contact_name, announcement.contact_email))
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [recipient],
        reply_to=[formataddr((message.sender_name, message.sender_email))],
    )


def send(message: AnnouncementMessage) -> bool:
    """Relay `message`; record the outcome on its row (never raises)."""
    attempts = message.attempts + 1
    try:
        # This runs in the worker command: send now, not through the queue.
        send_now(email_for(message))
    except Exception as error:
        logger.exception("Relaying announcement message %s failed", message.pk)
        note = f"{timezone.localtime():%d/%m/%Y %H:%M} – {type(error).__name__}: {error}"
        AnnouncementMessage.objects.filter(pk=message.pk).update(
            attempts=attempts, error=note[:1000]
        )
        message.attempts, message.error = attempts, note[:1000]
        return False
    now = timezone.now()
    AnnouncementMessage.objects.filter(pk=message.pk).update(
        attempts=attempts, sent_at=now, error=""
    )
    message.attempts, message.sent_at, message.error = attempts, now, ""
    return True


def unsent_messages():
    """The messages not relayed yet that may still be tried."""
    return (
        AnnouncementMessage.objects.filter(sent_at=None, attempts__lt=MAX_ATTEMPTS)
        .select_related("announcement")
        .order_by("created_at", "pk")
    )


def retry_unsent(limit: int | None = None) -> tuple[int, int]:
    """Send the messages not relayed yet (new ones, and those that failed
    fewer than MAX_ATTEMPTS times): (sent, failed)."""
    sent = failed = 0
    messages = unsent_messages()
    for message in messages[:limit] if limit else messages:
        if send(message):
            sent += 1
        else:
            failed += 1
    return sent, failed
