from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineRadioSelect

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
        label=_("Comment (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"max_length": _("Keep your comment under %(limit_value)d characters.")},
    )


class AttendanceForm(forms.Form):
    registration = forms.IntegerField(min_value=1)
    attendance = forms.ChoiceField(choices=Registration.Attendance.choices)
