from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainersConfig(AppConfig):
    name = "trainers"
    verbose_name = _("Becoming an internal trainer")

    def ready(self):
        from trainers import receivers  # noqa: F401  (connects the signal receivers)
