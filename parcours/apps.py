from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParcoursConfig(AppConfig):
    name = "parcours"
    verbose_name = _("Path, modules and sessions")
