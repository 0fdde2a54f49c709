from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import DeleteView, SnippetViewSet

from accounts.roles import can
from progress import admin_views
from progress.models import Badge, BadgeAward

AWARDED_MESSAGE = _("An awarded badge cannot be deleted: its assertions must stay verifiable. Deactivate it instead.")


class BadgeDeleteView(DeleteView):
    def form_valid(self, form):
        if BadgeAward.objects.filter(badge=self.object).exists():
            messages.error(self.request, AWARDED_MESSAGE)
            return redirect(self.get_success_url())
        return super().form_valid(form)


@hooks.register("before_bulk_action")
def refuse_deleting_awarded_badges(request, action_type, objects, action_class_instance):
    if action_type != "delete":
        return None
    badge_ids = [obj.pk for obj in objects if isinstance(obj, Badge)]
    if badge_ids and BadgeAward.objects.filter(badge_id__in=badge_ids).exists():
        messages.error(request, gettext(str(AWARDED_MESSAGE)))
        return redirect(reverse("wagtailsnippets_progress_badge:list"))
    return None


class BadgeViewSet(SnippetViewSet):
    model = Badge
    delete_view_class = BadgeDeleteView
    icon = "pick"
    menu_label = _("Badges")
    menu_order = 350
    add_to_admin_menu = True
    list_display = ["name", "rule", "count", "active"]
    list_filter = ["rule", "active"]
    search_fields = ["name"]


register_snippet(BadgeViewSet)


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path("passinnov/badges-decernes/", admin_views.award_list, name="progress_award_list"),
        path("passinnov/badges-decernes/<int:pk>/revoquer/", admin_views.revoke_award, name="progress_revoke_award"),
        path("passinnov/effacements/", admin_views.erasure_requests, name="progress_erasure_list"),
        path("passinnov/effacements/<int:pk>/", admin_views.process_erasure, name="progress_process_erasure"),
    ]


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, "administer")


@hooks.register("register_admin_menu_item")
def register_awards_menu_item():
    return AdministratorMenuItem(_("Awarded badges"), reverse("progress_award_list"), icon_name="pick", order=360)


@hooks.register("register_admin_menu_item")
def register_erasure_menu_item():
    return AdministratorMenuItem(_("Erasure requests"), reverse("progress_erasure_list"), icon_name="bin", order=370)
