"""Public proposal forms and the partner space: ordinary Django views.

Partners never reach the Wagtail admin; everything they may do is here,
scoped to the fiches their account is linked to (`PartnerAccess`).

Every proposal form is a `ProposalFormView`: the public ones (a structure, an
update of a fiche, a call for projects, an event, an announcement), the
partner space's (an update of a fiche, a call, an update of a call, an event,
a change to or the cancellation of one of the organisation's events, an
announcement) and the correction form of a proposal whose changes were
requested (`CorrectionView`, on its follow page).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_user_model, login, logout
from django.core import signing
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from directory.models import ActorPage
from home import ratelimit
from home.privacy import public

from . import announcements, calls, conf, display, events, notifications, services
from .forms import LoginLinkForm, PartnerActorForm, PublicActorForm
from .models import Submission

LOGIN_SALT = "partners.login-link"
# One-time login links sent to one address in an hour, at most.
LOGIN_LINKS_PER_ADDRESS = 3
Kind, Origin, Status = Submission.Kind, Submission.Origin, Submission.Status
CALL_KINDS = (Kind.CALL_NEW, Kind.CALL_UPDATE)
EVENT_KINDS = (Kind.EVENT_NEW, Kind.EVENT_UPDATE)
ANNOUNCEMENT_KINDS = (Kind.ANNOUNCEMENT_NEW, None)  # never an update
# The largest id a database row can have: a bigger one in a URL is a 404,
# never an overflow in the database driver.
MAX_ID = 2**63 - 1
PROPOSE_UPDATE = gettext_lazy("Proposer une mise à jour")
NOTHING_CHANGED = gettext_lazy(
    "Vous n'avez rien modifié : changez au moins un champ ou écrivez un message."
)


def _private(response):
    """Pages reached through a private link: not cached, not indexed, and
    the link never leaks to another site in a Referer header (same-origin,
    not no-referrer: with no-referrer browsers send `Origin: null` on the
    page's own form posts, which CSRF protection rightly refuses)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _rate_limited(request):
    """Too many posts (429), or none can be counted: the cache that counts
    them is down (503, the limit fails closed)."""
    unavailable = ratelimit.unavailable()
    return render(
        request,
        "partners/rate_limited.html",
        {"window_minutes": ratelimit.window_minutes(), "unavailable": unavailable},
        status=503 if unavailable else 429,
    )


def _files(form) -> dict:
    """The uploads kept on the submission (a call's rules are its document)."""
    if "rules" in form.fields:
        return {"document": form.cleaned_data.get("rules")}
    return {name: form.cleaned_data.get(name) for name in ("logo", "document")}


def _submission_url(submission, *, space: bool) -> str:
    if space:
        return reverse("partners:space_submission", args=[submission.pk])
    return reverse("partners:follow", args=[submission.follow_key])


# --- Partner accounts ---------------------------------------------------------------


def partner_actors(user):
    return ActorPage.objects.filter(partner_accesses__user=user).order_by("title")


def visible_submissions(user):
    """A partner's own submissions and those of their organisation (partner
    origin on a linked fiche); never another organisation's, never the
    public's (which hold third parties' personal data)."""
    actor_ids = list(partner_actors(user).values_list("pk", flat=True))
    return Submission.objects.filter(
        Q(user=user) | Q(origin=Origin.PARTNER, actor_id__in=actor_ids)
    ).select_related("actor", "result_page")


def partner_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("partners:space_login")
        return view(request, *args, **kwargs)

    return wrapper


# --- The proposal forms -------------------------------------------------------------


class ProposalFormView(View):
    """A proposal form. GET shows it (for an update, with the live page's
    values); POST saves the proposal when the form is valid and proposes
    something, else shows the form again with what the person typed (files
    excepted: browsers cannot refill them).

    Subclasses say what the form is about (`load` sets `target`, the page an
    update changes, and `actor`, the fiche the proposal belongs to), which
    form (`form_class`, `get_form_kwargs`, `get_initial`), the page's texts,
    and what a valid form does (`form_valid`)."""

    http_method_names = ["get", "head", "post"]
    template_name = "partners/propose_form.html"
    form_class = None
    kinds = (Kind.ACTOR_NEW, Kind.ACTOR_UPDATE)  # (new, update)
    space = False  # the partner space: the signed-in account proposes
    rate_scope = None  # each post counts against this rate limit
    refuse_unchanged = True  # an update must change something
    heading = lead = update_lead = ""  # a new proposal's title, its lead; an update's lead
    target = actor = None

    def dispatch(self, request, *args, **kwargs):
        if request.method.lower() in self.http_method_names:
            self.load(**kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load(self, **kwargs):
        """Find what the form is about; Http404 when it is not there or not
        the partner's."""

    def get(self, request, *args, **kwargs):
        return self.render(self.get_form())

    def post(self, request, *args, **kwargs):
        if self.rate_scope and not ratelimit.hit(request, self.rate_scope):
            return _rate_limited(request)
        form = self.get_form()
        if getattr(form, "honeypot_filled", False):
            # Robots get the same answer as people, and nothing is created.
            return redirect("partners:thanks")
        if form is not None and form.is_valid():
            data = self.proposal(form)
            if data is not None:
                return self.form_valid(form, data)
        return self.render(form)

    def get_form_class(self):
        return self.form_class

    def get_form_kwargs(self) -> dict:
        return {}

    def get_initial(self) -> dict | None:
        return services.initial_for(self.target) if self.target is not None else None

    def get_form(self):
        form_class, kwargs = self.get_form_class(), self.get_form_kwargs()
        if self.request.method == "POST":
            return form_class(self.request.POST, self.request.FILES, **kwargs)
        return form_class(initial=self.get_initial(), **kwargs)

    def proposal(self, form) -> dict | None:
        """The proposed values (for an update, only what changed), or None
        when an update changes nothing (the form then says so)."""
        data = form.proposal_data()
        if self.target is None:
            title = data["title"]
        else:
            data.pop("organiser_name", None)
            title = data.get("title") or self.target.title
            data = services.changed_fields(self.target, data)
            message, uploads = form.cleaned_data.get("message"), any(_files(form).values())
            if self.refuse_unchanged and not (data or message or uploads):
                form.add_error(None, NOTHING_CHANGED)
                return None
        data.setdefault("title", title)
        # A partner's call: the fiche chosen as its organiser.
        self.actor = getattr(form, "organiser", None) or self.actor
        return data

    def submitter(self, form) -> dict:
        """Who proposes: the partner's account, or the person's own details."""
        if self.space:
            user = self.request.user
            name, email = user.get_full_name() or user.get_username(), user.email
            organisation = self.actor.title
        else:
            name, email, organisation = (
                form.cleaned_data[field]
                for field in ("submitter_name", "submitter_email", "submitter_organisation")
            )
        return {
            "submitter_name": name,
            "submitter_email": email,
            "submitter_organisation": organisation,
            "language": translation.get_language() or "fr",
        }

    def form_valid(self, form, data):
        submission, _created = services.create_submission(
            kind=self.kinds[self.target is not None],
            origin=Origin.PARTNER if self.space else Origin.PUBLIC,
            data=data,
            files=_files(form),
            submitter=self.submitter(form),
            message=form.cleaned_data.get("message", ""),
            user=self.request.user if self.space else None,
            target_page=self.target,
            actor=self.actor,
            form_token=form.cleaned_data.get("form_token"),
        )
        url = _submission_url(submission, space=self.space)
        return redirect(url if self.space else url + "?recu=1")

    def get_context_data(self, form) -> dict:
        context = {"form": form, "space" if self.space else "public": True}
        if self.target is None:
            return {**context, "heading": self.heading, "crumb": self.heading, "lead": self.lead}
        return {
            **context,
            "target": self.target,
            "kicker": PROPOSE_UPDATE,
            "heading": self.target.title,
            "crumb": PROPOSE_UPDATE,
            "lead": self.update_lead,
        }

    def render(self, form):
        return render(self.request, self.template_name, self.get_context_data(form))


class ActorProposal(ProposalFormView):
    """« Proposer une structure », and « Proposer une mise à jour » of a
    live fiche: anyone, no account; rate limited, with a honeypot."""

    form_class = PublicActorForm
    rate_scope = "propose"
    heading = gettext_lazy("Proposer une structure")
    lead = gettext_lazy(
        "Présentez une structure de l'économie sociale et solidaire : sa fiche sera "
        "publiée dans l'annuaire après vérification par l'équipe de modération."
    )
    update_lead = gettext_lazy(
        "Modifiez ce qui doit l'être : la fiche publiée ne change qu'après vérification "
        "par l'équipe de modération."
    )

    def load(self, page_id=None):
        if page_id is not None:
            live = public(ActorPage.objects.live())
            page = get_object_or_404(live, pk=page_id)
            if page.alias_of_id:
                # From an English alias: the proposal updates its French source.
                page = get_object_or_404(live, pk=page.alias_of_id)
            self.target = self.actor = page


class CallProposal(ProposalFormView):
    """« Proposer un appel à projets »: anyone, no account."""

    form_class = calls.PublicCallForm
    kinds = CALL_KINDS
    rate_scope = "propose"
    heading = gettext_lazy("Proposer un appel à projets")
    lead = gettext_lazy(
        "Un appel à projets, un appel à manifestation d'intérêt ou un prix ouvert aux "
        "acteurs de l'ESS : il sera publié après vérification par l'équipe de modération."
    )

    def load(self):
        if calls.calls_index() is None:
            raise Http404


class SpaceActorUpdate(ProposalFormView):
    """A partner's update of one of their organisation's fiches."""

    form_class = PartnerActorForm
    space = True
    update_lead = gettext_lazy(
        "La fiche publiée ne change qu'après vérification par l'équipe de modération."
    )

    def load(self, page_id):
        self.actor = partner_actors(self.request.user).filter(pk=page_id).first()
        if self.actor is None:
            raise Http404
        self.target = ActorPage.objects.live().filter(pk=page_id).first() or self.actor


class SpaceCallProposal(ProposalFormView):
    """A partner's new call, organised by one of their fiches."""

    form_class = calls.PartnerCallForm
    kinds = CALL_KINDS
    space = True
    heading = gettext_lazy("Proposer un appel à projets")
    lead = gettext_lazy("Il sera publié après vérification par l'équipe de modération.")

    def load(self):
        self.actors = list(partner_actors(self.request.user))
        if not self.actors or calls.calls_index() is None:
            raise Http404

    def get_form_kwargs(self) -> dict:
        return {"actors": self.actors}


class SpaceCallUpdate(ProposalFormView):
    """A partner's update of a call one of their fiches organises."""

    form_class = calls.PartnerCallUpdateForm
    kinds = CALL_KINDS
    space = True
    update_lead = gettext_lazy(
        "L'appel publié ne change qu'après vérification par l'équipe de modération."
    )

    def load(self, page_id):
        actors = list(partner_actors(self.request.user))
        organised = calls.calls_of_actors([actor.pk for actor in actors])
        self.target = next((call for call in organised if call.pk == page_id), None)
        if self.target is None:
            raise Http404
        organiser_ids = set(self.target.organisers.values_list("actor_id", flat=True))
        self.actor = next(actor for actor in actors if actor.pk in organiser_ids)


class EventProposal(ProposalFormView):
    """« Proposer un événement »: anyone, no account."""

    form_class = events.PublicEventForm
    kinds = EVENT_KINDS
    rate_scope = "propose"
    heading = gettext_lazy("Proposer un événement")
    lead = gettext_lazy(
        "Un forum, une réunion de réseau, un atelier… de l'économie sociale et solidaire : "
        "il sera publié dans l'agenda après vérification par l'équipe de modération."
    )

    def load(self):
        if events.agenda_index() is None:
            raise Http404


class SpaceEventProposal(ProposalFormView):
    """A partner's new event, organised by one of their fiches."""

    form_class = events.PartnerEventForm
    kinds = EVENT_KINDS
    space = True
    heading = gettext_lazy("Proposer un événement")
    lead = gettext_lazy(
        "Il sera publié dans l'agenda après vérification par l'équipe de modération."
    )

    def load(self):
        self.actors = list(partner_actors(self.request.user))
        if not self.actors or events.agenda_index() is None:
            raise Http404

    def get_form_kwargs(self) -> dict:
        return {"actors": self.actors}


class SpaceEventUpdate(ProposalFormView):
    """« Modifier » an event one of the partner's fiches organises: the
    published event changes only once a moderator approves."""

    form_class = events.PartnerEventUpdateForm
    kinds = EVENT_KINDS
    space = True
    update_lead = gettext_lazy(
        "L'événement publié ne change qu'après vérification par l'équipe de modération."
    )

    def load(self, page_id):
        actors = list(partner_actors(self.request.user))
        actor_ids = [actor.pk for actor in actors]
        own = events.own_events(actor_ids).filter(pk=page_id) if page_id <= MAX_ID else None
        self.target = own.first() if own is not None else None
        if self.target is None:
            raise Http404
        self.actor = events.organising_actor(self.target, actors)

    def get_form_kwargs(self) -> dict:
        return events.update_form_kwargs(self.target)


class SpaceEventCancel(SpaceEventUpdate):
    """« Annuler » (or postpone) an event of the partner's organisation: a
    status change, moderated, published with the event (never a deletion)."""

    form_class = events.PartnerEventCancelForm
    kicker = gettext_lazy("Annuler ou reporter")
    update_lead = gettext_lazy(
        "L'événement reste dans l'agenda, marqué « Annulé » ou « Reporté », une fois le "
        "changement vérifié par l'équipe de modération."
    )

    def get_form_kwargs(self) -> dict:
        return {}

    def get_initial(self) -> dict | None:
        return None  # a change to choose: nothing preselected

    def get_context_data(self, form) -> dict:
        return {**super().get_context_data(form), "kicker": self.kicker, "crumb": self.kicker}


class AnnouncementProposal(ProposalFormView):
    """« Publier une annonce »: anyone, no account."""

    form_class = announcements.PublicAnnouncementForm
    kinds = ANNOUNCEMENT_KINDS
    rate_scope = "propose"
    heading = gettext_lazy("Publier une annonce")
    lead = gettext_lazy(
        "Des locaux, du matériel, des bénévoles, des compétences… à proposer ou à trouver "
        "entre acteurs de l'ESS : l'annonce est publiée après vérification par l'équipe "
        "de modération. Votre adresse n'est jamais affichée."
    )

    def load(self):
        if announcements.announcements_index() is None:
            raise Http404


class SpaceAnnouncementProposal(ProposalFormView):
    """A partner's announcement, posted for one of their fiches."""

    form_class = announcements.PartnerAnnouncementForm
    kinds = ANNOUNCEMENT_KINDS
    space = True
    heading = gettext_lazy("Publier une annonce")
    lead = gettext_lazy(
        "Elle est publiée après vérification par l'équipe de modération. Les réponses vous "
        "sont transmises par courriel, votre adresse n'est jamais affichée."
    )

    def load(self):
        self.actors = list(partner_actors(self.request.user))
        if not self.actors or announcements.announcements_index() is None:
            raise Http404

    def get_form_kwargs(self) -> dict:
        return {"actors": self.actors}


class CorrectionView(ProposalFormView):
    """A proposal's own page: its status, the moderators' comments and,
    while changes are requested, the form to correct it (the correction is
    a new revision of the proposal, and moderation resumes)."""

    template_name = "partners/follow.html"
    refuse_unchanged = False

    def get_form(self):
        if self.submission.status != Status.CHANGES_REQUESTED:
            return None
        if self.submission.is_update and self.submission.target_page is not None:
            self.target = self.submission.target_page.specific
        return super().get_form()

    def get_form_class(self):
        if self.submission.is_actor:
            return PartnerActorForm
        if self.submission.kind == Kind.EVENT_UPDATE:
            return events.PartnerEventUpdateForm
        if self.submission.kind == Kind.EVENT_NEW:
            if self.submission.origin == Origin.PARTNER:
                return events.PartnerEventForm
            return events.EventCorrectionForm
        if self.submission.kind == Kind.ANNOUNCEMENT_NEW:
            if self.submission.origin == Origin.PARTNER:
                return announcements.PartnerAnnouncementForm
            return announcements.AnnouncementCorrectionForm
        if self.submission.kind == Kind.CALL_UPDATE:
            return calls.PartnerCallUpdateForm
        if self.submission.origin == Origin.PARTNER:
            return calls.PartnerCallForm
        return calls.CallCorrectionForm

    def get_form_kwargs(self) -> dict:
        form_class = self.get_form_class()
        if form_class is events.PartnerEventUpdateForm:
            return events.update_form_kwargs(self.target) if self.target else {}
        if form_class in (
            calls.PartnerCallForm,
            events.PartnerEventForm,
            announcements.PartnerAnnouncementForm,
        ):
            return {"actors": list(partner_actors(self.request.user))}
        return {}

    def get_initial(self) -> dict:
        initial = super().get_initial() or {}
        initial.update(self.submission.data)
        if isinstance(initial.get("deadline"), str) and initial["deadline"]:
            parsed = parse_datetime(initial["deadline"])
            initial["deadline"] = timezone.localtime(parsed) if parsed else ""
        if self.submission.kind in (Kind.CALL_NEW, Kind.EVENT_NEW) and self.submission.actor_id:
            initial["organiser_name"] = str(self.submission.actor_id)
        if self.submission.kind == Kind.ANNOUNCEMENT_NEW and self.submission.actor_id:
            initial["organisation"] = str(self.submission.actor_id)
        return initial

    def form_valid(self, form, data):
        if self.actor is not None:
            self.submission.actor = self.actor
        services.resubmit(
            self.submission,
            data=data,
            files=_files(form),
            message=form.cleaned_data.get("message", ""),
            user=self.request.user if self.space else None,
        )
        return redirect(_submission_url(self.submission, space=self.space) + "?corrige=1")

    def get_context_data(self, form) -> dict:
        submission = self.submission
        return {
            "submission": submission,
            "comments": submission.moderator_comments(),
            "rows": display.proposal_rows(submission),
            "form": form,
            **({"space": True} if self.space else {"received": "recu" in self.request.GET}),
            "corrected": "corrige" in self.request.GET,
        }


class FollowCorrection(CorrectionView):
    """The submitter's private link (a public proposal)."""

    def load(self, key):
        self.submission = get_object_or_404(Submission, follow_key=key, origin=Origin.PUBLIC)

    def render(self, form):
        return _private(super().render(form))

    def form_valid(self, form, data):
        return _private(super().form_valid(form, data))


class SpaceCorrection(CorrectionView):
    """A proposal of the partner's organisation, in their space."""

    space = True

    def load(self, pk):
        self.submission = get_object_or_404(visible_submissions(self.request.user), pk=pk)


propose_actor = propose_update = never_cache(ActorProposal.as_view())
propose_call = never_cache(CallProposal.as_view())
propose_event = never_cache(EventProposal.as_view())
propose_announcement = never_cache(AnnouncementProposal.as_view())
follow = never_cache(FollowCorrection.as_view())
space_propose_update = never_cache(partner_required(SpaceActorUpdate.as_view()))
space_propose_call = never_cache(partner_required(SpaceCallProposal.as_view()))
space_propose_call_update = never_cache(partner_required(SpaceCallUpdate.as_view()))
space_propose_event = never_cache(partner_required(SpaceEventProposal.as_view()))
space_event_update = never_cache(partner_required(SpaceEventUpdate.as_view()))
space_event_cancel = never_cache(partner_required(SpaceEventCancel.as_view()))
space_propose_announcement = never_cache(partner_required(SpaceAnnouncementProposal.as_view()))
space_submission = never_cache(partner_required(SpaceCorrection.as_view()))


# --- Other pages --------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def propose_index(request):
    return render(
        request,
        "partners/propose_index.html",
        {
            "calls_enabled": calls.calls_index() is not None,
            "events_enabled": events.agenda_index() is not None,
            "announcements_enabled": announcements.announcements_index() is not None,
        },
    )


@require_http_methods(["GET", "HEAD"])
def thanks(request):
    return render(request, "partners/thanks.html", {})


@never_cache
@partner_required
@require_http_methods(["GET", "HEAD"])
def space_home(request):
    actors = list(partner_actors(request.user))
    submissions = list(visible_submissions(request.user)[:100])
    calls_enabled = bool(actors) and calls.calls_index() is not None
    events_enabled = bool(actors) and events.agenda_index() is not None
    announcements_enabled = bool(actors) and announcements.announcements_index() is not None
    return render(
        request,
        "partners/space_home.html",
        {
            "actors": actors,
            "submissions": submissions,
            "calls_enabled": calls_enabled,
            "calls": calls.calls_of_actors([a.pk for a in actors]) if calls_enabled else [],
            "events_enabled": events_enabled,
            "events": events.events_of_actors([a.pk for a in actors]) if events_enabled else [],
            "announcements_enabled": announcements_enabled,
            "announcements": (
                announcements.announcements_of_actors([a.pk for a in actors])
                if announcements_enabled
                else []
            ),
            "space": True,
        },
    )


# --- Partner login by emailed one-time link -----------------------------------------------


def _login_token(user) -> str:
    last = user.last_login.isoformat() if user.last_login else ""
    return signing.dumps({"u": user.pk, "l": last}, salt=LOGIN_SALT)


def _user_from_token(token: str):
    try:
        payload = signing.loads(token, salt=LOGIN_SALT, max_age=conf.get("LOGIN_LINK_MAX_AGE"))
    except signing.BadSignature:
        return None
    user = get_user_model().objects.filter(pk=payload.get("u"), is_active=True).first()
    if user is None or not is_partner_account(user):
        return None
    last = user.last_login.isoformat() if user.last_login else ""
    # One-time: logging in changes last_login, which invalidates the link.
    return user if last == payload.get("l") else None


def is_partner_account(user) -> bool:
    if user.is_superuser or user.is_staff or user.has_perm("wagtailadmin.access_admin"):
        return False
    return user.partner_accesses.exists()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def space_login(request):
    sent = False
    if request.method == "POST":
        if not ratelimit.hit(request, "login"):
            return _rate_limited(request)
        form = LoginLinkForm(request.POST)
        if form.is_valid():
            users = get_user_model().objects.filter(
                email__iexact=form.cleaned_data["email"], is_active=True
            )
            language = translation.get_language() or "fr"
            # At most LOGIN_LINKS_PER_ADDRESS links an hour to one address,
            # whoever asks: a form cannot be used to flood someone's inbox.
            address_ok = ratelimit.hit_key(
                "login-address",
                form.cleaned_data["email"].lower(),
                LOGIN_LINKS_PER_ADDRESS,
                3600,
            )
            for user in users if address_ok else ():
                if is_partner_account(user):
                    url = notifications.absolute(
                        reverse("partners:space_login_confirm", args=[_login_token(user)])
                    )
                    notifications.send_login_link(user, url, language)
            # The same answer whether or not an account matched.
            sent = True
    else:
        form = LoginLinkForm()
    return render(request, "partners/login.html", {"form": form, "sent": sent, "space": True})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def space_login_confirm(request, token: str):
    """GET shows a button; POST logs in. Link previews and mail scanners
    that follow links (GET) cannot use up the one-time link."""
    user = _user_from_token(token)
    if user is None:
        return _private(
            render(request, "partners/login.html", {"invalid": True, "form": LoginLinkForm()})
        )
    if request.method == "POST":
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("partners:space_home")
    return _private(render(request, "partners/login_confirm.html", {"partner": user}))


@require_POST
def space_logout(request):
    logout(request)
    return redirect("partners:space_login")
