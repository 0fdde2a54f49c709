"""Recompute the activity definitions of the Activities resource from the statement store alone."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import ngettext

from learning_records import activity_definitions


class Command(BaseCommand):
    help = "Recompute the activity definitions (GET /xapi/activities) from every stored statement, in stored order."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = activity_definitions.rebuild()
        self.stdout.write(
            ngettext("%(count)s activity defined.", "%(count)s activities defined.", count) % {"count": count}
        )
