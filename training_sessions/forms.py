from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineRadioSelect

from core.models import Location
from parcours.models import ModulePage
from training_sessions.models import Registration

RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


def rating_field(label, help_text):
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=RATING_CHOICES,
        coerce=int,
        widget=InlineRadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )


class EvaluationForm(DsfrBaseForm):
    overall = rating_field(_("Overall rating"), _("1 = very disappointing, 5 = excellent"))
    content = rating_field(_("Content"), _("Quality and relevance of what was presented"))
    facilitation = rating_field(_("Facilitation"), _("How the facilitators ran the session"))
    usefulness = rating_field(_("Usefulness for my department"), _("Can you reuse it in your team?"))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Keep your comment under %(limit_value)d characters.")},
    )


class AttendanceForm(forms.Form):
    registration = forms.IntegerField(min_value=1)
    attendance = forms.ChoiceField(choices=Registration.Attendance.choices)


ATTENDANCE_PREFIX = "presence_"


def attendance_choices(data):
    """The attendance chosen for each registration in a posted attendance list: {registration pk: "present" |
    "absent"}, from the fields `presence_<pk>` (the participants page's one form for the whole list) or the
    pair `registration` / `attendance` (one row). None when a field is malformed: the whole list is refused."""
    if "registration" in data or "attendance" in data:
        form = AttendanceForm(data)
        if not form.is_valid():
            return None
        return {form.cleaned_data["registration"]: form.cleaned_data["attendance"]}
    choices = {}
    for key in data:
        if not key.startswith(ATTENDANCE_PREFIX):
            continue
        pk, value = key[len(ATTENDANCE_PREFIX) :], data.get(key)
        if not pk.isascii() or not pk.isdigit() or value not in Registration.Attendance.values:
            return None
        choices[int(pk)] = value
    return choices or None


def _month_choices(now=None, count=12):
    """("2026-12", "décembre 2026") for the current month and the next ones."""
    first = timezone.localtime(now or timezone.now()).date().replace(day=1)
    choices = []
    for offset in range(count):
        year, month = divmod(first.month - 1 + offset, 12)
        day = date(first.year + year, month + 1, 1)
        choices.append((day.strftime("%Y-%m"), date_format(day, "F Y")))
    return choices


class SessionFilterForm(DsfrBaseForm):
    """The upcoming sessions' filters (module, site, month); every bad value is a French form error."""

    module = forms.ModelChoiceField(
        label=_("Module"),
        required=False,
        queryset=ModulePage.objects.none(),
        empty_label=_("All modules"),
        error_messages={"invalid_choice": _("Unknown module.")},
    )
    site = forms.ModelChoiceField(
        label=_("Site"),
        required=False,
        queryset=Location.objects.none(),
        empty_label=_("All sites"),
        error_messages={"invalid_choice": _("Unknown site.")},
    )
    month = forms.ChoiceField(
        label=_("Month"), required=False, error_messages={"invalid_choice": _("Choose a month from the list.")}
    )

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = ModulePage.objects.live().order_by("-is_entry_module", "title")
        self.fields["site"].queryset = Location.objects.order_by("name")
        self.fields["month"].choices = [("", _("All months"))] + _month_choices(now)

    def filter(self, sessions):
        """The sessions matching the valid filters (call after `is_valid()`)."""
        data = self.cleaned_data
        if data.get("module"):
            sessions = sessions.filter(module=data["module"])
        if data.get("site"):
            sessions = sessions.filter(location=data["site"])
        if data.get("month"):
            year, month = (int(part) for part in data["month"].split("-"))
            sessions = sessions.filter(start__year=year, start__month=month)
        return sessions
