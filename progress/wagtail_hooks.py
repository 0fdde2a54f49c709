from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from accounts.roles import user_has_role
from progress import admin_views
from progress.models import Badge


class BadgeViewSet(SnippetViewSet):
    model = Badge
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
        return user_has_role(request.user, "administrators")


@hooks.register("register_admin_menu_item")
def register_awards_menu_item():
    return AdministratorMenuItem(_("Awarded badges"), reverse("progress_award_list"), icon_name="pick", order=360)


@hooks.register("register_admin_menu_item")
def register_erasure_menu_item():
    return AdministratorMenuItem(_("Erasure requests"), reverse("progress_erasure_list"), icon_name="bin", order=370)
