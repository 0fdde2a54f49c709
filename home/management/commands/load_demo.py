"""Load (or refresh) the demo content: idempotent, run it as often as you like."""

import importlib

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _


def demo_modules():
    """Each project app may have a `demo` module with `load(stdout)`; they run in INSTALLED_APPS order."""
    modules = []
    for app_config in apps.get_app_configs():
        if not str(app_config.path).startswith(str(settings.BASE_DIR)):
            continue
        try:
            modules.append(importlib.import_module(f"{app_config.name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{app_config.name}.demo":
                raise
    return modules


class Command(BaseCommand):
    help = "Load the PassInnov demo content and demo accounts (demo mode only; idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--skip-index", action="store_true", help="Do not rebuild the search index.")

    def handle(self, *args, **options):
        if not settings.PASSINNOV_DEMO:
            raise CommandError(_("Demo content is only loaded in demo mode (PASSINNOV_DEMO=1)."))
        with transaction.atomic():
            for module in demo_modules():
                module.load(stdout=self.stdout)
        if not options["skip_index"]:
            call_command("update_index", verbosity=0)
            call_command("rebuild_references_index", verbosity=0)
        from accounts.demo import describe

        self.stdout.write(self.style.SUCCESS(_("Demo content loaded.")))
        self.stdout.write(_("Demo accounts (username / password / role):"))
        for username, password, role in describe():
            self.stdout.write(f"  {username:<12} {password:<16} {role}")
        self.stdout.write(_("Site: %(url)s   Admin: %(url)s/admin/") % {"url": settings.PASSINNOV_BASE_URL})
