"""Moderation of shared accounts in the Wagtail admin (moderators only, see practices.roles)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from practices import services
from practices.forms import RejectionForm
from practices.models import Declaration
from practices.roles import can_moderate

QUEUE_LIMIT = 100


def _require_moderator(request):
    if not can_moderate(request.user):
        raise PermissionDenied


@require_safe
def queue(request):
    _require_moderator(request)
    pending = services.moderation_queue()
    return TemplateResponse(
        request,
        "practices/admin/queue.html",
        {
            "pending": pending[:QUEUE_LIMIT],
            "pending_count": pending.count(),
            "recent": services.recently_moderated(),
            "limit": QUEUE_LIMIT,
        },
    )


@require_POST
def publish(request, pk):
    _require_moderator(request)
    declaration = get_object_or_404(Declaration, pk=pk)
    try:
        services.publish(declaration, request.user)
    except services.PracticeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("The account is published on the fiche “%(fiche)s”.") % {"fiche": declaration.fiche.title}
        )
    return redirect("practices_moderation_queue")


@require_http_methods(["GET", "HEAD", "POST"])
def reject(request, pk):
    _require_moderator(request)
    declaration = get_object_or_404(Declaration.objects.select_related("fiche"), pk=pk)
    form = RejectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject(declaration, request.user, form.cleaned_data["reason"])
        except services.PracticeError as error:
            if error.field:
                form.add_error(error.field, error.message)
            else:
                messages.error(request, error.message)
                return redirect("practices_moderation_queue")
        else:
            messages.success(request, _("The account is not published; its author is told why by email."))
            return redirect("practices_moderation_queue")
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request, "practices/admin/reject.html", {"declaration": declaration, "form": form}, status=status
    )
