"""Recompute every progress row from the statement store alone, then re-check every agent's badges."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils.translation import gettext as _

from progress.models import BadgeAward, Progress, TrainerProgress
from progress.services import badges, progress


class Command(BaseCommand):
    help = "Recompute progress from the trusted, active xAPI statements (and the personal paths)."

    def add_arguments(self, parser):
        parser.add_argument("--skip-badges", action="store_true", help="Do not re-check badges afterwards.")

    def handle(self, *args, **options):
        read, rows, trainer_rows = progress.rebuild()
        self.stdout.write(
            _("%(read)s statements read, %(rows)s progress rows, %(trainers)s trainer rows.")
            % {"read": read, "rows": rows, "trainers": trainer_rows}
        )
        if options["skip_badges"]:
            return
        users = get_user_model().objects.filter(
            Q(pk__in=Progress.objects.values("user_id"))
            | Q(pk__in=TrainerProgress.objects.values("user_id"))
            | Q(pk__in=BadgeAward.objects.values("user_id"))
        )
        awarded = 0
        for user in users.iterator():
            awarded += len(badges.evaluate(user, revoke_failing=False))
        self.stdout.write(_("%(awarded)s badges awarded or reinstated.") % {"awarded": awarded})
