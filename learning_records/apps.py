from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningRecordsConfig(AppConfig):
    name = "learning_records"
    verbose_name = _("Learning records")
