"""Wagtail admin: external LRS endpoints (administrators) and a link to the dashboard."""

from django import forms
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.roles import can
from pilotage.models import LrsEndpoint, RefusedStatement


class LrsEndpointForm(WagtailAdminModelForm):
    """The secret is write-only: never rendered back; left empty on an edit, the stored one is kept."""

    statements_url = forms.URLField(
        label=_("statements URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The xAPI statements resource, e.g. https://lrs.example/xAPI/statements"),
    )
    password = forms.CharField(
        label=_("password (secret)"),
        required=False,
        strip=False,
        max_length=255,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again once saved. Leave empty to keep the current one."),
    )

    class Meta:
        model = LrsEndpoint
        fields = ["name", "statements_url", "username", "password", "batch_size", "timeout", "active"]

    def clean_batch_size(self):
        value = self.cleaned_data["batch_size"]
        if not 1 <= value <= 1000:
            raise forms.ValidationError(_("Choose a batch size between 1 and 1,000."))
        return value

    def clean_timeout(self):
        value = self.cleaned_data["timeout"]
        if not 1 <= value <= 300:
            raise forms.ValidationError(_("Choose a timeout between 1 and 300 seconds."))
        return value

    def clean_password(self):
        value = self.cleaned_data.get("password")
        if value:
            return value
        if self.instance.pk and self.instance.password:
            return self.instance.password
        raise forms.ValidationError(_("Give the password (secret) of this account on the LRS."))


class LrsEndpointIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().with_lag().with_refused_count()


class RefusedStatementsPanel(Panel):
    """The statements this endpoint refused and delivery skipped (most recent first), read-only."""

    shown = 50

    class BoundPanel(Panel.BoundPanel):
        template_name = "pilotage/admin/refused_statements_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            refused = self.instance.refused_statements.all() if self.instance.pk else RefusedStatement.objects.none()
            context["refused"] = list(refused[: self.panel.shown])
            context["total"] = (
                refused.count() if len(context["refused"]) == self.panel.shown else len(context["refused"])
            )
            return context


class LagColumn(Column):
    def get_value(self, instance):
        return instance.lag


class ErrorColumn(Column):
    def get_value(self, instance):
        return Truncator(instance.last_error).chars(140) if instance.consecutive_failures else ""


class LrsEndpointViewSet(ModelViewSet):
    model = LrsEndpoint
    icon = "upload"
    menu_label = _("External LRS")
    menu_order = 950
    add_to_admin_menu = True
    url_prefix = "lrs-externes"
    index_view_class = LrsEndpointIndexView
    list_display = [
        "name",
        "statements_url",
        BooleanColumn("active", label=_("Active")),
        LagColumn("lag", label=_("Statements waiting")),
        DateColumn("last_success_at", label=_("Last success")),
        Column("consecutive_failures", label=_("Consecutive failures")),
        ErrorColumn("last_error", label=_("Current error")),
        Column("refused_count", label=_("Statements refused")),
    ]
    search_fields = ["name", "statements_url"]

    edit_handler = ObjectList(
        [
            FieldPanel("name"),
            FieldPanel("statements_url"),
            MultiFieldPanel([FieldPanel("username"), FieldPanel("password")], heading=_("Credentials (HTTP Basic)")),
            FieldPanel("batch_size"),
            FieldPanel("timeout"),
            FieldPanel("active"),
            RefusedStatementsPanel(heading=_("Statements refused by this LRS")),
        ],
        base_form_class=LrsEndpointForm,
    )


@hooks.register("register_admin_viewset")
def register_lrs_endpoints():
    return LrsEndpointViewSet("pilotage_lrs")


class DashboardMenuItem(MenuItem):
    def is_shown(self, request):
        return can(request.user, "steer")


@hooks.register("register_admin_menu_item")
def register_dashboard_link():
    return DashboardMenuItem(_("Training dashboard"), reverse("pilotage:dashboard"), icon_name="view", order=940)
