from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm


class LoginForm(DsfrBaseForm, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Incorrect username or password. Both fields may be case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["password"].label = _("Password")
        self._bound_fields_cache.clear()  # DsfrBaseForm builds bound fields before our labels are set


class ResetRequestForm(DsfrBaseForm, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Professional email address")
        self.fields["email"].help_text = _("Expected format: firstname.lastname@finances.gouv.fr")
        self._bound_fields_cache.clear()


class NewPasswordForm(DsfrBaseForm, SetPasswordForm):
    pass
