"""Observers are recorded with the facilitators: when a session's attendance is marked."""

from django.dispatch import receiver

from trainers import services
from training_sessions.signals import session_hosted


@receiver(session_hosted)
def record_observers(sender, session, now=None, timestamp=None, **kwargs):
    services.record_observers(session, now=now, timestamp=timestamp)
