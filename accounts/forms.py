from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from accounts.roles import may_sign_in_with_password, password_sign_in_is_restricted
from core.models import Directorate


class LoginForm(DsfrBaseForm, AuthenticationForm):
    error_messages = {
        "invalid_login": _("Incorrect username or password. Both fields may be case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if password_sign_in_is_restricted():
            self.error_messages = self.error_messages | {
                "invalid_login": _(
                    "Incorrect username or password. Password sign-in is kept for administrators: agents sign "
                    "in with %(provider)s."
                )
                % {"provider": settings.PASSINNOV_OIDC_PROVIDER_NAME}
            }
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

    def get_users(self, email):
        """Only accounts that may sign in with a password get a link to set one."""
        return (user for user in super().get_users(email) if may_sign_in_with_password(user))


class NewPasswordForm(DsfrBaseForm, SetPasswordForm):
    pass


class DirectorateChoiceForm(DsfrBaseForm):
    """Asked once, at a first sign-in whose organisation claims designate no directorate."""

    directorate = forms.ModelChoiceField(
        queryset=Directorate.objects.all(),
        label=_("Your directorate"),
        empty_label=_("Select your directorate"),
        help_text=_("The training department counts participants by directorate."),
        error_messages={"required": _("Select your directorate."), "invalid_choice": _("Select your directorate.")},
    )
