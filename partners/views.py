"""Public proposal forms and the partner space: ordinary Django views.

Partners never reach the Wagtail admin; everything they may do is here,
scoped to the fiches their account is linked to (`PartnerAccess`).
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth import get_user_model, login, logout
from django.core import signing
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from directory.models import ActorPage

from . import conf, display, notifications, ratelimit, services
from .forms import LoginLinkForm, PartnerActorForm, PublicActorForm
from .models import Submission

LOGIN_SALT = "partners.login-link"


def _private(response):
    """Pages reached through a private link: not cached, not indexed, and
    the link never leaks to another site in a Referer header (same-origin,
    not no-referrer: with no-referrer browsers send `Origin: null` on the
    page's own form posts, which CSRF protection rightly refuses)."""
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _files(form) -> dict:
    return {name: form.cleaned_data.get(name) for name in ("logo", "document")}


def _rate_limited(request):
    return render(
        request,
        "partners/rate_limited.html",
        {"window_minutes": max(conf.get("RATE_WINDOW") // 60, 1)},
        status=429,
    )


# --- Public forms -------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def propose_index(request):
    from . import calls

    return render(
        request, "partners/propose_index.html", {"calls_enabled": calls.calls_index() is not None}
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def propose_actor(request):
    return _public_actor_form(request, target=None)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def propose_update(request, page_id: int):
    target = get_object_or_404(ActorPage.objects.live().public(), pk=page_id)
    return _public_actor_form(request, target=target)


def _proposal_for(form, target) -> tuple[dict, str]:
    """The proposed values (for an update, only what changed) and the
    title the submission is listed under."""
    data = form.proposal_data()
    if target is None:
        return data, data["title"]
    data.pop("organiser_name", None)
    return services.changed_fields(target, data), data.get("title") or target.title


def _submitter(form) -> dict:
    return {
        "submitter_name": form.cleaned_data["submitter_name"],
        "submitter_email": form.cleaned_data["submitter_email"],
        "submitter_organisation": form.cleaned_data["submitter_organisation"],
        "language": translation.get_language() or "fr",
    }


def _account_submitter(user, organisation: str) -> dict:
    return {
        "submitter_name": user.get_full_name() or user.get_username(),
        "submitter_email": user.email,
        "submitter_organisation": organisation,
        "language": translation.get_language() or "fr",
    }


def _form_page(request, form, **context):
    return render(request, "partners/propose_form.html", {"form": form, **context})


def _nothing_changed(form, data, file_field="document") -> bool:
    if data or form.cleaned_data.get("logo") or form.cleaned_data.get(file_field):
        return False
    if form.cleaned_data.get("message"):
        return False
    form.add_error(
        None, _("Vous n'avez rien modifié : changez au moins un champ ou écrivez un message.")
    )
    return True


def _public_actor_form(request, *, target):
    if request.method == "POST":
        if not ratelimit.hit(request, "propose"):
            return _rate_limited(request)
        form = PublicActorForm(request.POST, request.FILES)
        if form.honeypot_filled:
            # Robots get the same answer as people, and nothing is created.
            return redirect("partners:thanks")
        if form.is_valid():
            data, title = _proposal_for(form, target)
            if target is None or not _nothing_changed(form, data):
                data.setdefault("title", title)
                submission, _created = services.create_submission(
                    kind=Submission.ACTOR_UPDATE if target else Submission.ACTOR_NEW,
                    origin=Submission.PUBLIC,
                    data=data,
                    files=_files(form),
                    submitter=_submitter(form),
                    message=form.cleaned_data.get("message", ""),
                    target_page=target,
                    actor=target,
                    form_token=form.cleaned_data.get("form_token"),
                )
                return redirect(
                    reverse("partners:follow", args=[submission.follow_key]) + "?recu=1"
                )
    else:
        form = PublicActorForm(initial=services.actor_initial(target) if target else None)
    if target is None:
        return _form_page(
            request,
            form,
            public=True,
            heading=_("Proposer une structure"),
            crumb=_("Proposer une structure"),
            lead=_(
                "Présentez une structure de l'économie sociale et solidaire : sa fiche sera "
                "publiée dans l'annuaire après vérification par l'équipe de modération."
            ),
        )
    return _form_page(
        request,
        form,
        public=True,
        target=target,
        kicker=_("Proposer une mise à jour"),
        heading=target.title,
        crumb=_("Proposer une mise à jour"),
        lead=_(
            "Modifiez ce qui doit l'être : la fiche publiée ne change qu'après vérification "
            "par l'équipe de modération."
        ),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def propose_call(request):
    from . import calls

    if calls.calls_index() is None:
        raise Http404
    if request.method == "POST":
        if not ratelimit.hit(request, "propose"):
            return _rate_limited(request)
        form = calls.PublicCallForm(request.POST, request.FILES)
        if form.honeypot_filled:
            return redirect("partners:thanks")
        if form.is_valid():
            data = form.proposal_data()
            submission, _created = services.create_submission(
                kind=Submission.CALL_NEW,
                origin=Submission.PUBLIC,
                data=data,
                files={"document": form.cleaned_data.get("rules")},
                submitter=_submitter(form),
                message=form.cleaned_data.get("message", ""),
                form_token=form.cleaned_data.get("form_token"),
            )
            return redirect(reverse("partners:follow", args=[submission.follow_key]) + "?recu=1")
    else:
        form = calls.PublicCallForm()
    return _form_page(
        request,
        form,
        public=True,
        heading=_("Proposer un appel à projets"),
        crumb=_("Proposer un appel à projets"),
        lead=_(
            "Un appel à projets, un appel à manifestation d'intérêt ou un prix ouvert aux "
            "acteurs de l'ESS : il sera publié après vérification par l'équipe de modération."
        ),
    )


@require_http_methods(["GET", "HEAD"])
def thanks(request):
    return render(request, "partners/thanks.html", {})


def _target_of(submission):
    if not submission.is_update or not submission.target_page_id:
        return None
    page = submission.target_page
    return page.specific if page is not None else None


def _correction_initial(submission, target) -> dict:
    from django.utils import timezone
    from django.utils.dateparse import parse_datetime

    initial = services.initial_for(target) if target is not None else {}
    initial.update(submission.data)
    if isinstance(initial.get("deadline"), str) and initial["deadline"]:
        parsed = parse_datetime(initial["deadline"])
        initial["deadline"] = timezone.localtime(parsed) if parsed else ""
    if submission.kind == Submission.CALL_NEW and submission.actor_id:
        initial["organiser_name"] = str(submission.actor_id)
    return initial


def _correction_form_class(submission, user):
    """The form a correction uses, and its extra arguments."""
    from . import calls

    if submission.is_actor:
        return PartnerActorForm, {}
    if submission.kind == Submission.CALL_UPDATE:
        return calls.PartnerCallUpdateForm, {}
    if submission.origin == Submission.PARTNER and user is not None:
        return calls.PartnerCallForm, {"actors": list(partner_actors(user))}
    return calls.CallCorrectionForm, {}


def _correction_form(request, submission, *, user=None):
    """Returns (form, done): the correction form shown while changes are
    requested; `done` once the correction was resubmitted."""
    if submission.status != Submission.CHANGES_REQUESTED:
        return None, False
    form_class, extra = _correction_form_class(submission, user)
    target = _target_of(submission)
    if request.method != "POST":
        return form_class(initial=_correction_initial(submission, target), **extra), False
    form = form_class(request.POST, request.FILES, **extra)
    if not form.is_valid():
        return form, False
    data, title = _proposal_for(form, target)
    data.setdefault("title", title)
    if form_class.__name__ == "PartnerCallForm":
        actor = next(a for a in extra["actors"] if str(a.pk) == data["organiser_name"])
        data["organiser_name"] = actor.title
        submission.actor = actor
    files = _files(form)
    if "rules" in form.fields:
        files = {"document": form.cleaned_data.get("rules")}
    services.resubmit(
        submission,
        data=data,
        files=files,
        message=form.cleaned_data.get("message", ""),
        user=user,
    )
    return form, True


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow(request, key: str):
    """The submitter's private link: status, moderators' comments, and the
    correction form when changes were requested."""
    submission = get_object_or_404(Submission, follow_key=key, origin=Submission.PUBLIC)
    form, done = _correction_form(request, submission)
    if done:
        return _private(redirect(reverse("partners:follow", args=[key]) + "?corrige=1"))
    response = render(
        request,
        "partners/follow.html",
        {
            "submission": submission,
            "comments": submission.moderator_comments(),
            "rows": display.proposal_rows(submission),
            "form": form,
            "received": "recu" in request.GET,
            "corrected": "corrige" in request.GET,
        },
    )
    return _private(response)


# --- Partner space ------------------------------------------------------------------


def partner_actors(user):
    return ActorPage.objects.filter(partner_accesses__user=user).order_by("title")


def visible_submissions(user):
    """A partner's own submissions and those of their organisation (partner
    origin on a linked fiche); never another organisation's, never the
    public's (which hold third parties' personal data)."""
    actor_ids = list(partner_actors(user).values_list("pk", flat=True))
    return Submission.objects.filter(
        Q(user=user) | Q(origin=Submission.PARTNER, actor_id__in=actor_ids)
    ).select_related("actor", "result_page")


def partner_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("partners:space_login")
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@partner_required
@require_http_methods(["GET", "HEAD"])
def space_home(request):
    from . import calls

    actors = list(partner_actors(request.user))
    submissions = list(visible_submissions(request.user)[:100])
    calls_enabled = bool(actors) and calls.calls_index() is not None
    return render(
        request,
        "partners/space_home.html",
        {
            "actors": actors,
            "submissions": submissions,
            "calls_enabled": calls_enabled,
            "calls": calls.calls_of_actors([a.pk for a in actors]) if calls_enabled else [],
            "space": True,
        },
    )


@never_cache
@partner_required
@require_http_methods(["GET", "HEAD", "POST"])
def space_propose_update(request, page_id: int):
    actor = partner_actors(request.user).filter(pk=page_id).first()
    if actor is None:
        raise Http404
    live = ActorPage.objects.live().filter(pk=actor.pk).first() or actor
    if request.method == "POST":
        form = PartnerActorForm(request.POST, request.FILES)
        if form.is_valid():
            data, title = _proposal_for(form, live)
            if not _nothing_changed(form, data):
                data.setdefault("title", title)
                user = request.user
                submission, _created = services.create_submission(
                    kind=Submission.ACTOR_UPDATE,
                    origin=Submission.PARTNER,
                    data=data,
                    files=_files(form),
                    submitter=_account_submitter(user, actor.title),
                    message=form.cleaned_data.get("message", ""),
                    user=user,
                    target_page=live,
                    actor=actor,
                    form_token=form.cleaned_data.get("form_token"),
                )
                return redirect("partners:space_submission", pk=submission.pk)
    else:
        form = PartnerActorForm(initial=services.actor_initial(live))
    return _form_page(
        request,
        form,
        space=True,
        target=live,
        kicker=_("Proposer une mise à jour"),
        heading=live.title,
        crumb=_("Proposer une mise à jour"),
        lead=_("La fiche publiée ne change qu'après vérification par l'équipe de modération."),
    )


@never_cache
@partner_required
@require_http_methods(["GET", "HEAD", "POST"])
def space_propose_call(request):
    from . import calls

    actors = list(partner_actors(request.user))
    if not actors or calls.calls_index() is None:
        raise Http404
    if request.method == "POST":
        form = calls.PartnerCallForm(request.POST, request.FILES, actors=actors)
        if form.is_valid():
            data = form.proposal_data()
            actor = next(a for a in actors if str(a.pk) == data["organiser_name"])
            data["organiser_name"] = actor.title
            submission, _created = services.create_submission(
                kind=Submission.CALL_NEW,
                origin=Submission.PARTNER,
                data=data,
                files={"document": form.cleaned_data.get("rules")},
                submitter=_account_submitter(request.user, actor.title),
                message=form.cleaned_data.get("message", ""),
                user=request.user,
                actor=actor,
                form_token=form.cleaned_data.get("form_token"),
            )
            return redirect("partners:space_submission", pk=submission.pk)
    else:
        form = calls.PartnerCallForm(actors=actors)
    return _form_page(
        request,
        form,
        space=True,
        heading=_("Proposer un appel à projets"),
        crumb=_("Proposer un appel à projets"),
        lead=_("Il sera publié après vérification par l'équipe de modération."),
    )


@never_cache
@partner_required
@require_http_methods(["GET", "HEAD", "POST"])
def space_propose_call_update(request, page_id: int):
    from . import calls

    actors = list(partner_actors(request.user))
    call = next((c for c in calls.calls_of_actors([a.pk for a in actors]) if c.pk == page_id), None)
    if call is None:
        raise Http404
    organiser_ids = set(call.organisers.values_list("actor_id", flat=True))
    actor = next(a for a in actors if a.pk in organiser_ids)
    if request.method == "POST":
        form = calls.PartnerCallUpdateForm(request.POST, request.FILES)
        if form.is_valid():
            data, title = _proposal_for(form, call)
            if not _nothing_changed(form, data, file_field="rules"):
                data.setdefault("title", title)
                submission, _created = services.create_submission(
                    kind=Submission.CALL_UPDATE,
                    origin=Submission.PARTNER,
                    data=data,
                    files={"document": form.cleaned_data.get("rules")},
                    submitter=_account_submitter(request.user, actor.title),
                    message=form.cleaned_data.get("message", ""),
                    user=request.user,
                    target_page=call,
                    actor=actor,
                    form_token=form.cleaned_data.get("form_token"),
                )
                return redirect("partners:space_submission", pk=submission.pk)
    else:
        form = calls.PartnerCallUpdateForm(initial=calls.call_initial(call))
    return _form_page(
        request,
        form,
        space=True,
        target=call,
        kicker=_("Proposer une mise à jour"),
        heading=call.title,
        crumb=_("Proposer une mise à jour"),
        lead=_("L'appel publié ne change qu'après vérification par l'équipe de modération."),
    )


@never_cache
@partner_required
@require_http_methods(["GET", "HEAD", "POST"])
def space_submission(request, pk: int):
    submission = get_object_or_404(visible_submissions(request.user), pk=pk)
    form, done = _correction_form(request, submission, user=request.user)
    if done:
        return redirect(reverse("partners:space_submission", args=[pk]) + "?corrige=1")
    return render(
        request,
        "partners/follow.html",
        {
            "submission": submission,
            "comments": submission.moderator_comments(),
            "rows": display.proposal_rows(submission),
            "form": form,
            "space": True,
            "corrected": "corrige" in request.GET,
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
            for user in users:
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
