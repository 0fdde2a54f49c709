import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_xapi_account_name():
    return uuid.uuid4().hex


class User(AbstractUser):
    """A ministry agent. In xAPI statements the agent is only `xapi_account_name`, never the email."""

    directorate = models.ForeignKey(
        "core.Directorate",
        verbose_name=_("directorate"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agents",
    )
    work_location = models.ForeignKey(
        "core.Location",
        verbose_name=_("work site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agents",
    )
    xapi_account_name = models.CharField(
        _("xAPI account name"),
        max_length=64,
        unique=True,
        default=new_xapi_account_name,
        editable=False,
        help_text=_("Stable random identifier of the agent in learning records."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    @property
    def display_name(self):
        return self.get_full_name() or self.username


class FederatedIdentity(models.Model):
    """How an account signs in through an OpenID Connect provider (ProConnect or a ministry's own).

    The provider's `sub`, scoped by its issuer, is the stable key: names and email addresses change, `sub`
    does not. An account may hold several identities (one per provider) and a local password as well.
    """

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="federated_identities"
    )
    issuer = models.URLField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject (sub)"), max_length=255)
    created_at = models.DateTimeField(_("first sign-in"), auto_now_add=True)
    last_sign_in_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("federated identity")
        verbose_name_plural = _("federated identities")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="unique_federated_subject")]

    def __str__(self):
        return f"{self.issuer} {self.subject}"
