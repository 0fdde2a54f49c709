"""Forms of the internal-trainer path: lengths and choices only; the rules live in trainers.services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from core.templatetags.french_dates import long_date

MESSAGE_MAX_LENGTH = 2000
FEEDBACK_MAX_LENGTH = 4000


def session_label(session):
    return (
        f"{session.module.title} – {long_date(session.local_start)} {session.local_start:%H:%M} – {session.place_label}"
    )


class AskForm(DsfrBaseForm):
    session = forms.TypedChoiceField(
        label=_("Session"), coerce=int, error_messages={"invalid_choice": _("Choose one of the sessions offered.")}
    )
    message = forms.CharField(
        label=_("Message to the training department"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why this session, what you would like to practise."),
    )

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.sessions = {session.pk: session for session in sessions}
        self.fields["session"].choices = [("", _("Choose a session"))] + [
            (pk, session_label(session)) for pk, session in self.sessions.items()
        ]

    def clean_session(self):
        return self.sessions[self.cleaned_data["session"]]


class DecisionForm(DsfrBaseForm):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason for the refusal (sent to the trainee)"),
        required=False,
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FeedbackForm(DsfrBaseForm):
    went_well = forms.CharField(
        label=_("What went well"), max_length=FEEDBACK_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
    to_work_on = forms.CharField(
        label=_("What to work on"), max_length=FEEDBACK_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 4})
    )
