"""Forms of the training department: dashboard filters (shared by the exports) and trainer nominations."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core import fragments
from core.forms import BoundedDateField
from core.models import Location
from core.sorting import french_order
from parcours.models import ModulePage
from pilotage.models import TrainerProfile
from pilotage.stats import Filters

DEFAULT_PAST_DAYS = 365
DEFAULT_FUTURE_DAYS = 90
MAX_PERIOD_DAYS = 366 * 10


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def filter_choices():
    """([(pk, title)] of the live modules, [(pk, name)] of the sites): kept until pages or sites change."""

    def build():
        modules = ModulePage.objects.live().order_by(french_order("title")).values_list("pk", "title")
        sites = Location.objects.order_by(french_order("name")).values_list("pk", "name")
        return list(modules), list(sites)

    return fragments.cached("pilotage-filter-choices", (fragments.PAGES,), [], build)


class FilterForm(DsfrBaseForm):
    """Period, module and site. Invalid values are reported in French and the defaults apply instead."""

    date_from = BoundedDateField(label=_("From"), required=False, widget=DateInput())
    date_to = BoundedDateField(label=_("To"), required=False, widget=DateInput())
    module = forms.TypedChoiceField(label=_("Module"), required=False, coerce=int, empty_value=None)
    site = forms.TypedChoiceField(label=_("Site"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        modules, sites = filter_choices()
        self.fields["module"].choices = [("", _("All modules")), *modules]
        self.fields["site"].choices = [("", _("All sites")), *sites]
        self._bound_fields_cache.clear()

    def clean(self):
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to:
            if date_to < date_from:
                raise forms.ValidationError(_("The end of the period must come after its start."))
            if (date_to - date_from).days > MAX_PERIOD_DAYS:
                raise forms.ValidationError(_("The period cannot exceed ten years."))
        return data

    @staticmethod
    def default_period(today=None):
        today = today or timezone.localdate()
        return today - timedelta(days=DEFAULT_PAST_DAYS), today + timedelta(days=DEFAULT_FUTURE_DAYS)

    def filters(self, user=None):
        """The Filters to apply: the valid values, the defaults for everything missing or invalid."""
        default_from, default_to = self.default_period()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return Filters(
            date_from=data.get("date_from") or default_from,
            date_to=data.get("date_to") or default_to,
            module_id=data.get("module"),
            site_id=data.get("site"),
            facilitator=user,
        )

    def showing(self, filters):
        """The form to display: its date fields hold the period the page actually shows (the defaults when left
        empty); a value the agent typed wrong stays, with its error."""
        dates = {"date_from": filters.date_from, "date_to": filters.date_to}
        if not self.is_bound:
            return FilterForm(initial=dates)
        data = self.data.copy()
        for name, value in dates.items():
            if not data.get(name) and name not in self.errors:
                data[name] = value.isoformat()
        form = FilterForm(data)
        form.full_clean()
        return form


class NominationForm(DsfrBaseForm):
    """Nominate an agent as an internal trainer, found by username or professional email address."""

    agent = forms.CharField(
        label=_("Agent"),
        max_length=254,
        help_text=_("Username or professional email address of the agent."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=TrainerProfile.Status.choices)

    def clean_agent(self):
        value = self.cleaned_data["agent"].strip()
        users = list(
            get_user_model().objects.filter(Q(username__iexact=value) | Q(email__iexact=value), is_active=True)[:2]
        )
        if not users:
            raise forms.ValidationError(_("No active agent has this username or email address."))
        if len(users) > 1:
            raise forms.ValidationError(_("Several agents match: give the username instead."))
        user = users[0]
        if TrainerProfile.objects.filter(user=user).exists():
            raise forms.ValidationError(_("This agent is already on the internal-trainer path."))
        return user


SEARCH_RESULTS = 20


def find_agents(query, limit=SEARCH_RESULTS):
    """Active agents not yet on the internal-trainer path whose name, username or email contains every word of
    `query` (case-insensitive), by last name; at most `limit`."""
    words = query.replace("\x00", "").split()[:5]
    if not words:
        return []
    agents = get_user_model().objects.filter(is_active=True).exclude(trainer_profile__isnull=False)
    for word in words:
        agents = agents.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
        )
    return list(agents.select_related("directorate").order_by("last_name", "first_name", "pk")[:limit])


class TrainerStatusForm(DsfrBaseForm):
    status = forms.ChoiceField(label=_("Status"), choices=TrainerProfile.Status.choices)
