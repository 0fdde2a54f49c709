"""Carry out the badge checks recorded by storing transactions and not yet done (after a crash between a commit
and its after-commit check). Idempotent: run it periodically (docs/operations.md)."""

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from progress.services import badges


class Command(BaseCommand):
    help = "Carry out the pending badge checks (awards, reinstatements, revocations) left by stored statements."

    def handle(self, *args, **options):
        checked = badges.process_checks()
        self.stdout.write(
            ngettext("The badges of %(n)s agent checked.", "The badges of %(n)s agents checked.", checked)
            % {"n": checked}
        )
