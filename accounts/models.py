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
