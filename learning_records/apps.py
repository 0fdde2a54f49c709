from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningRecordsConfig(AppConfig):
    name = "learning_records"
    verbose_name = _("Learning records")

    def ready(self):
        from . import admin_views  # noqa: F401  (registers the credentials' admin)
