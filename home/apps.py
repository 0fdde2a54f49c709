from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "home"
    verbose_name = _("Home and standard pages")

    def ready(self):
        from home import sites  # noqa: F401  (registers the system check)
        from home.editorial import ensure_after_migrate

        post_migrate.connect(ensure_after_migrate, dispatch_uid="home.editorial_workflow")
        post_migrate.connect(sites.sync_after_migrate, dispatch_uid="home.default_site")
