from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class PathForm(DsfrBaseForm):
    """The agent's personal path: the modules they intend to follow after the entry module."""

    modules = forms.MultipleChoiceField(
        label=_("Modules I intend to follow"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The entry module is always part of your path."),
        error_messages={"invalid_choice": _("“%(value)s” is not one of the modules you can choose.")},
    )

    def __init__(self, *args, modules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = [(str(m.pk), m.title) for m in modules if not m.is_entry_module]
        self._bound_fields_cache.clear()


class VerificationForm(DsfrBaseForm):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("Expected format: five groups of four characters, e.g. ABCD-EFGH-JKLM-NPQR-STUV"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bound_fields_cache.clear()

    def clean_code(self):
        raw = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(raw) != 20:
            raise forms.ValidationError(_("A verification code has 20 letters and digits."))
        return "-".join(raw[i : i + 4] for i in range(0, 20, 4))


class ErasureForm(DsfrBaseForm):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my learning record will be erased and cannot be restored."),
        required=True,
        error_messages={"required": _("Tick the box to confirm your request.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._bound_fields_cache.clear()
