from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningRecordsConfig(AppConfig):
    name = "learning_records"
    verbose_name = _("Learning records")

    def ready(self):
        from core.outage import answer_outage_under

        from . import admin_views  # noqa: F401  (registers the credentials' admin)
        from .activity_definitions import on_statements_stored
        from .api import database_unavailable
        from .signals import statements_stored

        statements_stored.connect(on_statements_stored, dispatch_uid="learning_records.activity_definitions")
        answer_outage_under("/xapi/", database_unavailable)
