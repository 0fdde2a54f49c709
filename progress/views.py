"""Mon parcours, badges, attestations and personal data: thin views over progress.services."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from home.sites import cached_site
from learning_records.auth import REALM, ApiError, authenticate_basic
from parcours.models import ModulePage
from progress.forms import ErasureForm, PathForm, VerificationForm
from progress.models import Attestation, Badge, BadgeAward, ErasureRequest
from progress.services import attestations, dashboard, openbadges, personal_data

JSON_LD = "application/ld+json"


# --- Mon parcours -------------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def index(request):
    if not hasattr(request, "_wagtail_site"):  # the header's Site, cached as for Wagtail's pages (no query)
        site = cached_site(request)
        if site is not None:
            request._wagtail_site = site
    data = dashboard.build(request.user)
    if request.method == "POST":
        form = PathForm(request.POST, modules=data.modules)
        if form.is_valid():
            dashboard.choose_modules(request.user, [int(v) for v in form.cleaned_data["modules"]])
            messages.success(request, _("Your personal path has been saved."))
            return redirect("mon_parcours:index")
        status = 400
    else:
        form = PathForm(initial={"modules": [str(i) for i in data.chosen_ids]}, modules=data.modules)
        status = 200
    return render(
        request,
        "progress/index.html",
        {
            "title": _("My path"),
            "dashboard": data,
            "form": form,
            "form_html": None if form.is_bound else dashboard.path_form_html(form, data.chosen_ids, request),
        },
        status=status,
    )


def _file_response(content, content_type, filename, attachment=True):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def baked_badge(request, uuid):
    """The agent's own badge as a baked PNG (Open Badges Baking: `openbadges` iTXt chunk)."""
    award = get_object_or_404(
        BadgeAward.objects.select_related("badge", "badge__image"), uuid=uuid, user=request.user, revoked=False
    )
    png = openbadges.baked_award_png(award)
    response = _file_response(png, "image/png", f"badge-{slugify(award.badge.name)}.png")
    response["Cache-Control"] = "private, no-store"
    return response


# --- Attestations -------------------------------------------------------------------------------------


def _attestation_response(attestation, filename):
    response = _file_response(attestations.render_pdf(attestation), "application/pdf", filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _nothing_to_attest(request, message):
    messages.error(request, message)
    return redirect("mon_parcours:index")


@require_safe
def path_attestation(request):
    try:
        attestation = attestations.issue(request.user, Attestation.Kind.PATH)
    except attestations.NothingToAttest:
        return _nothing_to_attest(request, _("You have not completed any module yet: there is nothing to attest."))
    return _attestation_response(attestation, "attestation-passinnov.pdf")


@require_safe
def module_attestation(request, module_id):

    module = get_object_or_404(ModulePage, pk=module_id)
    try:
        attestation = attestations.issue(request.user, Attestation.Kind.MODULE, module=module)
    except attestations.NothingToAttest:
        return _nothing_to_attest(
            request,
            _("You have not completed the module “%(module)s”: there is nothing to attest.") % {"module": module.title},
        )
    return _attestation_response(attestation, f"attestation-{slugify(module.title)}.pdf")


@require_http_methods(["GET", "HEAD"])
def verify_form(request):
    form = VerificationForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("mon_parcours:verify_attestation", code=form.cleaned_data["code"])
    return render(
        request,
        "progress/verify.html",
        {"title": _("Check an attestation"), "form": form},
        status=400 if form.is_bound else 200,
    )


@require_safe
def verify_attestation(request, code):
    attestation = Attestation.objects.filter(code=code.upper()).first()
    context = {"title": _("Check an attestation"), "form": VerificationForm(initial={"code": code}), "code": code}
    if attestation is None:
        context["result"] = {"state": "unknown", "message": _("No attestation has this code: it is not genuine.")}
        return render(request, "progress/verify.html", context, status=404)
    state, message = attestations.status(attestation)
    context.update(
        result={"state": state, "message": message},
        attestation=attestation,
        lines=attestations.module_lines(attestation.content),
    )
    return render(request, "progress/verify.html", context)


# --- Personal data ------------------------------------------------------------------------------------


@require_safe
def my_data(request):
    pending = ErasureRequest.objects.filter(user=request.user, status=ErasureRequest.Status.PENDING).first()
    return render(
        request,
        "progress/my_data.html",
        {"title": _("My data"), "pending": pending, "form": ErasureForm(), "sections": personal_data.EXPORT_SECTIONS},
    )


@require_safe
def export_data(request):
    data = personal_data.export(request.user)
    content = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = _file_response(content, "application/json; charset=utf-8", "mes-donnees-passinnov.json")
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def request_erasure(request):
    form = ErasureForm(request.POST)
    if not form.is_valid():
        pending = ErasureRequest.objects.filter(user=request.user, status=ErasureRequest.Status.PENDING).first()
        return render(
            request,
            "progress/my_data.html",
            {"title": _("My data"), "pending": pending, "form": form, "sections": personal_data.EXPORT_SECTIONS},
            status=400,
        )
    _request, created = personal_data.request_erasure(request.user)
    if created:
        messages.success(request, _("Your erasure request has been recorded: an administrator will carry it out."))
    else:
        messages.info(request, _("You already have an erasure request in progress."))
    return redirect("mon_parcours:my_data")


def _api_error(status, message, headers=None):
    """An error in the xAPI format (`{"error": true, "message": …}`), as the Statement API answers it."""
    response = JsonResponse({"error": True, "message": message}, status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@login_not_required
@never_cache
@require_safe
def erasure_list(request):
    """The erasure list for the LRS: statement ids to void. HTTP Basic with an xAPI credential holding all/read
    or all, checked (and throttled on failure) exactly as the Statement API checks it."""
    header = request.headers.get("Authorization", "")
    if not header:
        return _api_error(401, "authentication required", {"WWW-Authenticate": REALM})
    try:
        credential = authenticate_basic(request, header)
    except ApiError as exc:
        return _api_error(exc.status, exc.message, exc.headers)
    if not credential.has_scope("all/read", "all"):
        return _api_error(403, "the credential needs the all/read scope")
    since = None
    if request.GET.get("since"):
        try:
            since = parse_datetime(request.GET["since"])
        except ValueError:
            since = None
        if since is None or since.tzinfo is None:
            return _api_error(400, "since must be an ISO 8601 timestamp with a time zone")
    return JsonResponse(personal_data.erasure_list(since=since))


# --- Open Badges 2.0 (public) -------------------------------------------------------------------------


def _json_ld(data, status=200):
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type=f"{JSON_LD}; charset=utf-8", status=status
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@login_not_required
@require_safe
def ob_issuer(request):
    return _json_ld(openbadges.issuer_json())


@login_not_required
@require_safe
def ob_badge(request, uuid):
    badge = get_object_or_404(Badge, activity_uuid=uuid)
    return _json_ld(openbadges.badge_class_json(badge))


@login_not_required
@require_safe
def ob_badge_image(request, uuid):
    badge = get_object_or_404(Badge.objects.select_related("image"), activity_uuid=uuid)
    try:
        png = openbadges.badge_png(badge)
    except (OSError, ValueError):
        raise Http404
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_safe
def ob_assertion(request, uuid):
    """Hosted Assertion; a revoked one answers 410 Gone with `revoked: true` and its reason (OB 2.0)."""
    award = get_object_or_404(
        BadgeAward.objects.select_related("badge").prefetch_related(Prefetch("badge__modules")), uuid=uuid
    )
    return _json_ld(openbadges.assertion_json(award), status=410 if award.revoked else 200)


def verification_url(code):
    return reverse("mon_parcours:verify_attestation", args=[code])
