"""Thin views: they read, call `training_sessions.services` for every rule, and render French pages."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from training_sessions import access, ics, services
from training_sessions.forms import EvaluationForm, SessionFilterForm, attendance_choices
from training_sessions.models import Evaluation, Registration, Session


def _session_or_404(pk):
    try:
        return Session.objects.for_display().get(pk=pk)
    except Session.DoesNotExist:
        raise Http404(_("This session does not exist."))


def _detail_context(request, session, **extra):
    registration = services.registration_for(request.user, session)
    now = timezone.now()
    evaluation = getattr(registration, "evaluation", None) if registration else None
    is_active = registration is not None and registration.is_active
    # The same rules as the POST refusals, asked before the click (one source of truth: the services).
    refusal = None if is_active else services.registration_refusal(request.user, session, now)
    cancel_refusal = services.cancellation_refusal(request.user, session, now) if is_active else None
    context = {
        "session": session,
        "registration": registration,
        "waiting_position": registration.position_on_waiting_list() if registration else None,
        "evaluation": evaluation,
        "can_register": not is_active and refusal is None,
        "registration_refusal": refusal,
        "can_cancel": is_active and cancel_refusal is None,
        "cancellation_refusal": cancel_refusal if cancel_refusal and cancel_refusal.code == "dependants" else None,
        "can_add_to_calendar": registration is not None
        and registration.has_place
        and not session.is_cancelled
        and not session.has_ended(now),
        "can_evaluate": registration is not None
        and registration.attendance == Registration.Attendance.PRESENT
        and (evaluation is None or evaluation.is_editable(now)),
        "can_manage": access.can_manage_session(request.user, session),
        "can_see_remote_link": access.can_see_remote_link(request.user, session, registration),
        "has_started": session.has_started(now),
        "deadline_passed": now >= session.deadline,
        "is_full": session.places_left == 0,
    }
    context.update(extra)
    return context


SESSIONS_PER_PAGE = 20
FACILITATIONS_PER_PAGE = 20


def _page(request, queryset, per_page, param="page"):
    """One page of the list (`param` in the query string; a bad or out-of-range value gives the nearest page)
    and the query string of the other parameters, for the pagination links."""
    paginator = Paginator(queryset, per_page)
    try:
        page_obj = paginator.page(request.GET.get(param, 1))
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    query = request.GET.copy()
    query.pop(param, None)
    return page_obj, query.urlencode()


@require_GET
def session_list(request):
    form = SessionFilterForm(request.GET or None)
    sessions = Session.objects.upcoming().for_display()
    status = 200
    if form.is_bound:
        if form.is_valid():
            sessions = form.filter(sessions)
        else:
            sessions, status = sessions.none(), 400
    page_obj, query_string = _page(request, sessions, SESSIONS_PER_PAGE)
    context = {
        "form": form,
        "sessions": page_obj.object_list,
        "page_obj": page_obj,
        "query_string": query_string,
    }
    return render(request, "training_sessions/session_list.html", context, status=status)


@require_GET
def session_detail(request, pk):
    session = _session_or_404(pk)
    return render(request, "training_sessions/session_detail.html", _detail_context(request, session))


def _refused(request, session, error, status=409):
    context = _detail_context(request, session, error=error)
    return render(request, "training_sessions/session_detail.html", context, status=status)


@require_POST
def register(request, pk):
    session = _session_or_404(pk)
    try:
        registration = services.register(request.user, session)
    except services.SessionError as error:
        return _refused(request, session, error)
    if registration.status == Registration.Status.REGISTERED:
        messages.success(request, _("You are registered. A confirmation with the calendar invitation is on its way."))
    else:
        messages.info(
            request,
            _(
                "The session is full: you are number %(position)s on the waiting list. You will be told by email if "
                "a place becomes available."
            )
            % {"position": registration.position_on_waiting_list()},
        )
    return redirect(session.get_absolute_url())


@require_POST
def unregister(request, pk):
    session = _session_or_404(pk)
    try:
        registration = services.cancel_registration(request.user, session)
    except services.SessionError as error:
        return _refused(request, session, error)
    if registration.ics_sequence:  # incremented only when a place (and an invitation) is cancelled
        messages.success(
            request, _("Your registration is cancelled. The first agent on the waiting list, if any, gets your place.")
        )
    else:
        messages.success(request, _("You are no longer on the waiting list."))
    return redirect(session.get_absolute_url())


@require_GET
def calendar(request, pk):
    """ "Add to my calendar": the same event as the emailed invitation, as METHOD:PUBLISH."""
    session = _session_or_404(pk)
    registration = services.registration_for(request.user, session)
    remote_link = access.can_see_remote_link(request.user, session, registration)
    if registration is not None and not registration.has_place:
        registration = None
    data = ics.build_calendar(
        session, ics.PUBLISH, registration=registration, user=request.user, with_remote_link=remote_link
    )
    response = HttpResponse(data, content_type=ics.content_type(ics.PUBLISH))
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(session)}"'
    return response


@require_http_methods(["GET", "POST"])
def evaluate(request, pk):
    session = _session_or_404(pk)
    try:
        registration = services.evaluation_registration(request.user, session)
    except services.SessionError as error:
        return _refused(request, session, error, status=403)
    evaluation = getattr(registration, "evaluation", None)
    editable = evaluation is None or evaluation.is_editable()
    if request.method == "POST":
        form = EvaluationForm(request.POST)
        if form.is_valid():
            try:
                services.save_evaluation(request.user, session, **form.cleaned_data)
            except services.SessionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Thank you: your evaluation is saved."))
                return redirect(session.get_absolute_url())
        status = 400
    else:
        initial = {}
        if evaluation is not None:
            initial = {
                name: getattr(evaluation, name)
                for name in ("overall", "content", "facilitation", "usefulness", "comment")
            }
        form = EvaluationForm(initial=initial)
        status = 200
    context = {"session": session, "form": form, "evaluation": evaluation, "editable": editable}
    return render(request, "training_sessions/evaluation_form.html", context, status=status)


# --- Facilitators and the training department --------------------------------------------------------------


@require_GET
def facilitator_home(request):
    if not roles.can(request.user, "facilitate"):
        raise PermissionDenied(_("This area is for facilitators and the training department."))
    now = timezone.now()
    manages_all = roles.can(request.user, "manage_sessions")
    show_all = manages_all and request.GET.get("toutes") == "1"
    mine = Session.objects.all() if show_all else access.facilitated_sessions(request.user)
    sessions = mine.for_display().order_by("start", "pk")
    upcoming, upcoming_query = _page(request, sessions.filter(end__gt=now), FACILITATIONS_PER_PAGE, "a_venir")
    ended = sessions.filter(end__lte=now).with_unmarked_attendance()
    past, past_query = _page(request, ended.order_by("-start", "-pk"), FACILITATIONS_PER_PAGE, "passees")
    context = {
        "missing_attendance": ended.scheduled().filter(unmarked_count__gt=0).count(),
        "upcoming": upcoming,
        "upcoming_query": upcoming_query,
        "past": past,
        "past_query": past_query,
        "is_training": manages_all,
        "show_all": show_all,
    }
    return render(request, "training_sessions/facilitator_home.html", context)


def _managed_session(request, pk):
    session = _session_or_404(pk)
    if not access.can_manage_session(request.user, session):
        raise PermissionDenied(_("Only the session's facilitators or the training department see its participants."))
    return session


def _participants(session):
    return (
        Registration.objects.filter(session=session)
        .exclude(status=Registration.Status.CANCELLED)
        .select_related("user__directorate", "user__work_location", "attendance_marked_by")
        .order_by("status", "user__last_name", "user__first_name", "pk")
    )


@require_GET
def participants(request, pk):
    session = _managed_session(request, pk)
    registrations = list(_participants(session))
    waiting = list(
        Registration.objects.filter(session=session)
        .with_waiting_position()
        .select_related("user__directorate")
        .order_by("created_at", "pk")
    )
    context = {
        "session": session,
        "registered": [r for r in registrations if r.status == Registration.Status.REGISTERED],
        "waiting": waiting,
        "has_started": session.has_started(),
        "attendance_choices": Registration.Attendance.choices,
        "summary": Evaluation.objects.filter(registration__session=session).summary(),
    }
    return render(request, "training_sessions/participants.html", context)


@require_POST
def mark_attendance(request, pk):
    """The participants page's attendance form: the whole list at once (or one row), then back to the list."""
    session = _managed_session(request, pk)
    back = reverse("training_sessions:participants", args=[session.pk]) + "#presence"
    choices = attendance_choices(request.POST)
    if choices is None:
        messages.error(request, _("Invalid request: choose a participant and “present” or “absent”."))
        return redirect(back)
    try:
        changed = services.mark_attendance_list(request.user, session, choices)
    except services.SessionError as error:
        messages.error(request, error.message)
        return redirect(back)
    if len(choices) == 1 and changed:
        # Worded with a noun, « Alice Dubois : absence enregistrée », so it agrees whoever the person is.
        registration = changed[0]
        if registration.attendance == Registration.Attendance.PRESENT:
            message = _("%(name)s: attendance recorded.")
        else:
            message = _("%(name)s: absence recorded.")
        messages.success(request, message % {"name": registration.user.display_name})
    elif changed:
        present = sum(1 for r in changed if r.attendance == Registration.Attendance.PRESENT)
        absent = len(changed) - present
        messages.success(
            request,
            _("Attendance saved: %(present)s, %(absent)s.")
            % {
                "present": ngettext("%(count)s attendance", "%(count)s attendances", present) % {"count": present},
                "absent": ngettext("%(count)s absence", "%(count)s absences", absent) % {"count": absent},
            },
        )
    else:
        messages.info(request, _("Attendance unchanged."))
    return redirect(back)


@require_GET
def sign_in_sheet(request, pk):
    """Printable "feuille d'émargement": registered participants with an empty signature column."""
    session = _managed_session(request, pk)
    registrations = [r for r in _participants(session) if r.status == Registration.Status.REGISTERED]
    return render(request, "training_sessions/sign_in_sheet.html", {"session": session, "registrations": registrations})
