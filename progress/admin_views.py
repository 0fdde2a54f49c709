"""Administrator views in the Wagtail admin: revoke an awarded badge, carry out erasure requests."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.roles import can
from progress.models import BadgeAward, ErasureRequest
from progress.services import badges, personal_data

LIST_LIMIT = 200


def _require_administrator(request):
    if not can(request.user, "administer"):
        raise PermissionDenied


class RevocationForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (public, shown by the assertion)"),
        max_length=255,
        error_messages={"required": gettext_lazy("Give the reason for the revocation.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for the revocation."))
        return reason


@require_safe
def award_list(request):
    _require_administrator(request)
    query = (request.GET.get("q") or "").strip()[:100]
    awards = BadgeAward.objects.select_related("badge", "user").order_by("-issued_on")
    if query:
        awards = awards.filter(user__username__icontains=query) | awards.filter(user__last_name__icontains=query)
    return TemplateResponse(
        request,
        "progress/admin/award_list.html",
        {"awards": awards[:LIST_LIMIT], "query": query, "limit": LIST_LIMIT},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def revoke_award(request, pk):
    _require_administrator(request)
    award = get_object_or_404(BadgeAward.objects.select_related("badge", "user"), pk=pk)
    if award.revoked:
        messages.error(request, _("This badge is already revoked."))
        return redirect("progress_award_list")
    form = RevocationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        badges.revoke(award, form.cleaned_data["reason"], by=request.user)
        messages.success(request, _("The badge “%(badge)s” has been revoked.") % {"badge": award.badge.name})
        return redirect("progress_award_list")
    return TemplateResponse(
        request,
        "progress/admin/revoke.html",
        {"award": award, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_safe
def erasure_requests(request):
    _require_administrator(request)
    requests_ = ErasureRequest.objects.select_related("user", "processed_by").order_by("status", "-requested_at")
    return TemplateResponse(
        request, "progress/admin/erasure_list.html", {"erasure_requests": requests_[:LIST_LIMIT], "limit": LIST_LIMIT}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def process_erasure(request, pk):
    _require_administrator(request)
    erasure = get_object_or_404(ErasureRequest.objects.select_related("user"), pk=pk)
    if request.method == "POST":
        try:
            personal_data.process(erasure, by=request.user)
        except personal_data.ErasureError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The erasure has been carried out."))
        return redirect("progress_erasure_list")
    return TemplateResponse(request, "progress/admin/erasure_confirm.html", {"erasure": erasure})
