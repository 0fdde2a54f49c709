"""Wagtail hooks of practices: the moderation queue in the admin, the practices section of a fiche's page."""

from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from practices import admin_views, services
from practices.roles import can_moderate


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("passinnov/recits/", admin_views.queue, name="practices_moderation_queue"),
        path("passinnov/recits/<int:pk>/publier/", admin_views.publish, name="practices_moderation_publish"),
        path("passinnov/recits/<int:pk>/refuser/", admin_views.reject, name="practices_moderation_reject"),
    ]


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return can_moderate(request.user)


@hooks.register("register_admin_menu_item")
def register_moderation_menu_item():
    return ModeratorMenuItem(
        _("Shared accounts"), reverse("practices_moderation_queue"), icon_name="comment", order=340
    )


@hooks.register("fiche_page_sections")
def practices_section(page, request):
    """« Used N times in M directorates », the agent's own uses, « I used it » and the published accounts."""
    context = services.fiche_summary(page, request.user, request.GET.get("page"))
    return render_to_string("practices/includes/fiche_section.html", context, request=request)
