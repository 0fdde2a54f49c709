"""Email a reminder to every agent registered for a session starting within PASSINNOV_REMINDER_DAYS days.

Run it daily from a scheduler (cron, systemd timer). Idempotent: each registration gets one reminder
(`Registration.reminder_sent_at`), so running it twice, or twice at once, sends nothing more.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from training_sessions import services


class Command(BaseCommand):
    help = "Send the reminders of upcoming sessions (idempotent; run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days", type=int, default=None, help="Days before the session (default: PASSINNOV_REMINDER_DAYS or 2)."
        )

    def handle(self, *args, **options):
        days = options["days"]
        if days is not None and days < 0:
            raise CommandError(_("--days must be zero or more."))
        sent, failed = services.send_reminders(days=days)
        self.stdout.write(_("Reminders sent: %(sent)d, failed: %(failed)d.") % {"sent": sent, "failed": failed})
        if failed:
            raise CommandError(
                _("%(failed)d reminder(s) could not be sent; they will be retried next run.") % {"failed": failed}
            )
