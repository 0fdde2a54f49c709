from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotageConfig(AppConfig):
    name = "pilotage"
    verbose_name = _("Training department")

    def ready(self):
        from pilotage import receivers

        receivers.connect(self)
