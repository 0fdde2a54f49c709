from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Reference data")

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from core import receivers
        from core.csp import nonce_wagtail_choosers
        from core.sorting import register_sqlite_collation

        nonce_wagtail_choosers()
        connection_created.connect(register_sqlite_collation, dispatch_uid="core.sorting.french_collation")
        for existing in connections.all(initialized_only=True):
            if existing.connection is not None:
                register_sqlite_collation(None, existing)
        receivers.connect()
