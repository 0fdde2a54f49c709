"""Email the follow-up question « Avez-vous réutilisé ce que vous avez appris ? » about
PASSINNOV_FOLLOW_UP_DAYS days after an agent attended a module.

Run it daily from a scheduler (cron, systemd timer). Idempotent: each agent gets one reminder per module
(`FollowUp.reminder_sent_at`, claimed before sending), so running it twice, or twice at once, sends nothing
more; an email that fails is retried on the next run. Agents who already answered from Mon parcours get none.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from practices import services


class Command(BaseCommand):
    help = "Send the follow-up questions due after the modules (idempotent; run daily)."

    def handle(self, *args, **options):
        sent, failed = services.send_follow_up_reminders()
        self.stdout.write(
            _("Follow-up questions sent: %(sent)d, failed: %(failed)d.") % {"sent": sent, "failed": failed}
        )
        if failed:
            raise CommandError(
                _("%(failed)d follow-up question(s) could not be sent; they will be retried next run.")
                % {"failed": failed}
            )
