from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingSessionsConfig(AppConfig):
    name = "training_sessions"
    verbose_name = _("Sessions")

    def ready(self):
        from training_sessions import receivers

        receivers.connect()
