"""Sessions in the Wagtail admin: a filterable, exportable list; facilitators inline; a link from each module."""

import django_filters
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet

from core.filters import BoundedDateFromToRangeFilter
from core.models import Location
from parcours.models import ModulePage
from training_sessions import services
from training_sessions.models import FacilitationMode, Session


class SessionFilterSet(WagtailFilterSet):
    start = BoundedDateFromToRangeFilter(label=_("Date"), widget=DateRangePickerWidget)
    location = django_filters.ModelChoiceFilter(label=_("Site"), queryset=Location.objects.all())
    facilitation_mode = django_filters.ChoiceFilter(
        label=_("Facilitation mode"), choices=FacilitationMode.choices, method="filter_facilitation_mode"
    )

    class Meta:
        model = Session
        fields = ["module", "location", "start", "status", "facilitation_mode"]

    def filter_facilitation_mode(self, queryset, name, value):
        return queryset.filter_facilitation_mode(value) if value else queryset


class SessionCreateView(CreateView):
    def save_instance(self):
        instance = super().save_instance()
        if instance.status == Session.Status.CANCELLED:
            services.cancel_session(instance)
        return instance


MOVED = ["start", "end", "location_id", "room", "remote_url"]
TRACKED = ["status", "capacity", *MOVED]


class SessionEditView(EditView):
    """Saving a session as cancelled tells every registered agent; moving it sends updated invitations; a
    larger capacity promotes waiting agents."""

    def save_instance(self):
        before = Session.objects.filter(pk=self.object.pk).values(*TRACKED).first() or {}
        instance = super().save_instance()
        if instance.status == Session.Status.CANCELLED and before.get("status") != Session.Status.CANCELLED:
            services.cancel_session(instance)
            return instance
        if instance.status != Session.Status.SCHEDULED:
            return instance
        if any(before.get(name) != getattr(instance, name) for name in MOVED):
            services.notify_session_changed(instance)
        if instance.capacity > before.get("capacity", 0):
            services.fill_from_waiting_list(instance)
        return instance


class SessionViewSet(SnippetViewSet):
    model = Session
    icon = "date"
    menu_label = _("Sessions")
    menu_order = 210
    add_to_admin_menu = True
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    filterset_class = SessionFilterSet
    list_display = ["module", "start", "location", "status", "get_facilitation_mode_display", "places_left_display"]
    list_export = [
        "pk",
        "module",
        "start",
        "end",
        "location",
        "remote_url",
        "capacity",
        "registration_deadline",
        "status",
        "get_facilitation_mode_display",
        "places_left_display",
    ]
    export_headings = {
        "pk": _("Id"),
        "get_facilitation_mode_display": _("Facilitation mode"),
        "places_left_display": _("Places left"),
    }
    export_filename = "sessions"
    ordering = ["-start"]
    search_fields = None

    def get_queryset(self, request):
        return (
            Session.objects.select_related("module", "location")
            .prefetch_related("facilitations__organisation")
            .with_counts()
        )


register_snippet(SessionViewSet)


@hooks.register("register_page_header_buttons")
def module_sessions_button(page, user, view_name=None, next_url=None):
    """On a module's admin pages, a link to its sessions (the sessions list filtered on this module)."""

    if page.specific_class is not ModulePage or not user.has_perm("training_sessions.view_session"):
        return
    url = reverse(SessionViewSet().get_url_name("list")) + f"?module={page.pk}"
    yield Button(_("Sessions of this module"), url=url, icon_name="date", priority=40)
