"""Thin views of the internal-trainer path: rules in trainers.services, access in trainers.access."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import roles
from pilotage.models import TrainerProfile
from trainers import services
from trainers.access import can_confirm_promotions, can_decide_requests, trainer_profile
from trainers.forms import AskForm, DecisionForm, FeedbackForm
from trainers.models import FacilitationKitPage, FacilitationRequest, TraineeFeedback
from training_sessions.models import Session

SESSIONS_OFFERED = 30


def _own_profile(request):
    profile = trainer_profile(request.user)
    if profile is None:
        raise PermissionDenied
    return profile


def _path_context(profile):
    user = profile.user
    facts = services.facts_of(user)
    return {
        "profile": profile,
        "steps": services.path_steps(profile, facts),
        "proposed": services.proposed_step(profile, facts),
        "facilitations": services.facilitated_sessions(user),
        "observations": user.observations.select_related("session__module").order_by("-session__start"),
        "requests": user.facilitation_requests.select_related("session__module").order_by("-created_at"),
        "feedbacks": TraineeFeedback.objects.filter(trainee=user).select_related("session__module", "author"),
        "kind": services.request_kind(profile),
        "kits": FacilitationKitPage.objects.live().only("id", "title", "url_path", "path", "depth").order_by("path"),
    }


@require_safe
def path(request):
    profile = _own_profile(request)
    context = _path_context(profile) | {
        "title": _("My trainer path"),
        "own": True,
        "has_sessions": services.requestable_sessions(request.user).exists(),
    }
    return render(request, "trainers/path.html", context)


@require_safe
def trainee(request, pk):
    """A trainee's path as the training department follows it (steps, figures, feedback received)."""
    if not can_decide_requests(request.user):
        raise PermissionDenied
    profile = get_object_or_404(TrainerProfile.objects.select_related("user"), pk=pk)
    context = _path_context(profile) | {"title": profile.user.display_name, "own": False}
    return render(request, "trainers/path.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def ask(request):
    profile = _own_profile(request)
    sessions = list(services.requestable_sessions(request.user)[:SESSIONS_OFFERED])
    form = AskForm(request.POST or None, sessions=sessions)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.ask(request.user, form.cleaned_data["session"], form.cleaned_data["message"])
            except services.TrainerError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your request has been sent to the training department."))
                return redirect("trainers:path")
    context = {"title": _("Ask to join a session"), "form": form, "kind": services.request_kind(profile)}
    return render(request, "trainers/ask.html", context, status=status)


@require_safe
def queue(request):
    if not can_decide_requests(request.user):
        raise PermissionDenied
    context = {
        "title": _("Internal trainers: requests and steps"),
        "pending": [(item, DecisionForm()) for item in services.pending_requests()],
        "proposals": services.proposals() if can_confirm_promotions(request.user) else [],
        "decided": FacilitationRequest.objects.exclude(status=FacilitationRequest.Status.PENDING)
        .select_related("trainee", "session__module", "decided_by")
        .order_by("-decided_at")[:10],
    }
    return render(request, "trainers/queue.html", context)


@require_POST
def decide(request, pk):
    if not can_decide_requests(request.user):
        raise PermissionDenied
    item = get_object_or_404(FacilitationRequest, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was decided: choose to accept or to refuse."))
        return redirect("trainers:queue")
    try:
        if form.cleaned_data["decision"] == "accept":
            services.accept(item, request.user)
            messages.success(request, _("The request is accepted; the trainee is told by email."))
        else:
            services.refuse(item, request.user, form.cleaned_data["reason"])
            messages.success(request, _("The request is refused; the trainee is told by email."))
    except services.TrainerError as error:
        messages.error(request, error.message)
    return redirect("trainers:queue")


@require_POST
def promote(request, pk):
    if not can_confirm_promotions(request.user):
        raise PermissionDenied
    profile = get_object_or_404(TrainerProfile, pk=pk)
    try:
        profile = services.confirm_promotion(profile, request.user)
    except services.TrainerError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s moves on to: %(step)s.")
            % {"name": profile.user.display_name, "step": profile.get_status_display()},
        )
    return redirect("trainers:queue")


@require_safe
def feedback_list(request):
    if not roles.can(request.user, "facilitate"):
        raise PermissionDenied
    context = {"title": _("Feedback to give to trainees"), "rows": services.feedback_to_give(request.user)}
    return render(request, "trainers/feedback_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request, session_pk, user_pk):
    session = get_object_or_404(Session.objects.select_related("module"), pk=session_pk)
    trainee = get_object_or_404(get_user_model(), pk=user_pk)
    if not services.is_lead_of(request.user, session):
        raise PermissionDenied
    if trainee not in services.trainees_of(session):
        raise PermissionDenied
    form = FeedbackForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.give_feedback(request.user, session, trainee, **form.cleaned_data)
            except services.TrainerError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your feedback has been sent to the trainee."))
                return redirect("trainers:feedback_list")
    context = {
        "title": _("Feedback to %(name)s") % {"name": trainee.display_name},
        "form": form,
        "session": session,
        "trainee": trainee,
        "already": TraineeFeedback.objects.filter(session=session, trainee=trainee).exists(),
    }
    return render(request, "trainers/feedback_form.html", context, status=status)
