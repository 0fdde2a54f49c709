"""Forms of practices: types, choices and lengths only; the rules live in practices.services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm
from dsfr.widgets import InlineRadioSelect

from practices.models import (
    ACCOUNT_MAX_LENGTH,
    OTHER_OBSTACLE_MAX_LENGTH,
    REJECTION_REASON_MAX_LENGTH,
    Audience,
    Frequency,
    Obstacle,
    Setting,
    Sharing,
    TeamSize,
)

CHOOSE = _("Choose one of the answers offered.")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def choice(label, choices, widget=forms.RadioSelect, help_text=""):
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        widget=widget,
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )


class DeclarationForm(DsfrBaseForm):
    used_on = forms.DateField(
        label=_("When did you use it?"),
        help_text=_("The day of the meeting or workshop. Format: dd/mm/yyyy"),
        widget=DateInput(),
        error_messages={"required": _("Give the day you used the fiche."), "invalid": _("Give a valid date.")},
    )
    team_size = choice(_("With how many people?"), TeamSize.choices)
    audience = choice(_("With whom?"), Audience.choices)
    setting = choice(_("In what setting?"), Setting.choices)
    rating = forms.TypedChoiceField(
        label=_("How did it go?"),
        help_text=_("1 = not well at all, 5 = very well"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=InlineRadioSelect,
        error_messages={
            "required": _("Choose a rating from 1 to 5."),
            "invalid_choice": _("Choose a rating from 1 to 5."),
        },
    )
    account = forms.CharField(
        label=_("Tell how it went"),
        help_text=_(
            "1,000 characters at most. What worked, what you would change, a tip for colleagues. "
            "Do not name the people who took part."
        ),
        required=False,
        max_length=ACCOUNT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": ACCOUNT_MAX_LENGTH}),
        error_messages={"max_length": _("Keep your account under %(limit_value)d characters.")},
    )
    sharing = choice(
        _("What should we do with your account?"),
        Sharing.choices,
        help_text=_("A shared account is read by a moderator before it appears on the fiche's page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bound_fields_cache.clear()


class FollowUpForm(DsfrBaseForm):
    frequency = choice(_("Have you reused what you learnt?"), Frequency.choices)
    fiches = forms.TypedMultipleChoiceField(
        label=_("Which fiches of the module have you used?"),
        help_text=_("Ticked in advance from the uses you declared."),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the fiches of the module.")},
    )
    obstacles = forms.MultipleChoiceField(
        label=_("What stopped you or slowed you down?"),
        help_text=_("As many answers as you like, or none."),
        required=False,
        choices=Obstacle.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the obstacles offered.")},
    )
    other_obstacle = forms.CharField(
        label=_("Anything else to tell us?"),
        help_text=_("500 characters at most."),
        required=False,
        max_length=OTHER_OBSTACLE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": OTHER_OBSTACLE_MAX_LENGTH}),
        error_messages={"max_length": _("Keep your answer under %(limit_value)d characters.")},
    )

    def __init__(self, *args, fiches=(), **kwargs):
        super().__init__(*args, **kwargs)
        if fiches:
            self.fields["fiches"].choices = [(fiche.pk, fiche.title) for fiche in fiches]
        else:
            del self.fields["fiches"]
        self._bound_fields_cache.clear()


class RejectionForm(forms.Form):
    """The moderator's reason for not publishing an account (Wagtail admin form: plain Django widgets)."""

    reason = forms.CharField(
        label=_("Reason, sent to the author"),
        max_length=REJECTION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Give the reason, for the author."),
            "max_length": _("Keep the reason under %(limit_value)d characters."),
        },
    )
