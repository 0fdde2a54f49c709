"""Thin views: figures come from pilotage.stats (cached by pilotage.figures), files from pilotage.exports, rules
from pilotage.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from pilotage import exports, figures, services
from pilotage.access import ALL, can_manage_trainers, can_see_trainer, dashboard_scope
from pilotage.forms import FilterForm, NominationForm, TrainerStatusForm, find_agents
from pilotage.models import TrainerProfile


def scoped_filters(request):
    scope = dashboard_scope(request.user)
    if scope is None:
        raise PermissionDenied
    form = FilterForm(request.GET or None)
    filters = form.filters(user=None if scope == ALL else request.user)
    return scope, form.showing(filters), filters


@require_safe
def dashboard(request):
    scope, form, filters = scoped_filters(request)
    context = {
        "title": _("Training dashboard"),
        "form": form,
        "filter_fields": None if form.errors else figures.filter_fields(request, filters),
        "filters": filters,
        "scope": scope,
        "figures": figures.rendered(request, scope, filters),
        "own_profile": TrainerProfile.objects.filter(user=request.user).first() if scope != ALL else None,
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "pilotage/dashboard.html", context, status=status)


@require_safe
def export(request, kind, fmt):
    if kind not in exports.KINDS or fmt not in exports.FORMATS:
        raise Http404
    scope, form, filters = scoped_filters(request)
    if kind in exports.PROGRAMME_KINDS and scope != ALL:
        raise PermissionDenied
    if form.is_bound and not form.is_valid():
        messages.error(request, _("The export was not made: correct the filters first."))
        return redirect(f"{reverse('pilotage:dashboard')}?{request.GET.urlencode()}")
    content, content_type, filename = exports.build(kind, fmt, filters)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def trainer_list_context(request, form):
    trainers = TrainerProfile.objects.select_related("user__directorate", "nominated_by").annotate(
        led=Count("user__facilitations", filter=Q(user__facilitations__role="lead"), distinct=True),
        co_facilitated=Count(
            "user__facilitations", filter=Q(user__facilitations__role="co-facilitator"), distinct=True
        ),
    )
    query = request.GET.get("q", "")[:100].strip()
    return {
        "title": _("Internal trainers"),
        "trainers": trainers,
        "form": form,
        "query": query,
        "results": find_agents(query) if query else None,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def trainers(request):
    if not can_manage_trainers(request.user):
        raise PermissionDenied
    form = NominationForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            profile = services.nominate(form.cleaned_data["agent"], form.cleaned_data["status"], by=request.user)
            messages.success(
                request, _("%(name)s is now on the internal-trainer path.") % {"name": profile.user.display_name}
            )
            return redirect("pilotage:trainers")
        return render(request, "pilotage/trainers.html", trainer_list_context(request, form), status=400)
    return render(request, "pilotage/trainers.html", trainer_list_context(request, form))


@require_safe
def trainer_detail(request, pk):
    profile = get_object_or_404(TrainerProfile.objects.select_related("user", "nominated_by"), pk=pk)
    if not can_see_trainer(request.user, profile):
        raise PermissionDenied
    context = services.trainer_record(profile)
    context |= {
        "title": profile.user.display_name,
        "profile": profile,
        "can_manage": can_manage_trainers(request.user),
        "status_form": TrainerStatusForm(initial={"status": profile.status}),
    }
    return render(request, "pilotage/trainer_detail.html", context)


@require_POST
def trainer_status(request, pk):
    if not can_manage_trainers(request.user):
        raise PermissionDenied
    profile = get_object_or_404(TrainerProfile, pk=pk)
    form = TrainerStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The status was not changed: choose one of the statuses offered."))
    else:
        services.change_status(profile, form.cleaned_data["status"])
        messages.success(request, _("The status was updated."))
    return redirect("pilotage:trainer", pk=profile.pk)
