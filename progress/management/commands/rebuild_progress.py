"""Recompute every progress row from the statement store alone, then carry out the pending badge checks and
re-check every agent's badges."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils.translation import ngettext

from progress.models import BadgeAward, Progress, TrainerProgress
from progress.services import badges, progress


class Command(BaseCommand):
    help = "Recompute progress from the trusted, active xAPI statements (and the personal paths)."

    def add_arguments(self, parser):
        parser.add_argument("--skip-badges", action="store_true", help="Do not re-check badges afterwards.")

    def handle(self, *args, **options):
        read, rows, trainer_rows = progress.rebuild()
        self.stdout.write(
            ", ".join(
                [
                    ngettext("%(n)s statement read", "%(n)s statements read", read) % {"n": read},
                    ngettext("%(n)s progress row", "%(n)s progress rows", rows) % {"n": rows},
                    ngettext("%(n)s trainer row", "%(n)s trainer rows", trainer_rows) % {"n": trainer_rows},
                ]
            )
            + "."
        )
        if options["skip_badges"]:
            return
        checked = badges.process_checks()  # pending checks first: they may revoke (a void took something back)
        self.stdout.write(
            ngettext("%(n)s pending badge check carried out.", "%(n)s pending badge checks carried out.", checked)
            % {"n": checked}
        )
        users = get_user_model().objects.filter(
            Q(pk__in=Progress.objects.values("user_id"))
            | Q(pk__in=TrainerProgress.objects.values("user_id"))
            | Q(pk__in=BadgeAward.objects.values("user_id"))
        )
        awarded = 0
        for user in users.iterator():
            awarded += len(badges.evaluate(user, revoke_failing=False))
        self.stdout.write(
            ngettext("%(awarded)s badge awarded or reinstated.", "%(awarded)s badges awarded or reinstated.", awarded)
            % {"awarded": awarded}
        )
