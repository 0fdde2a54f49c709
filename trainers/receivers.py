"""Receivers of the internal-trainer path: observers recorded with the facilitators (when attendance is
marked), and its part of an agent's personal data (export, erasure)."""

from django.dispatch import receiver

from progress.signals import personal_data_erasing, personal_data_exported
from trainers import personal_data, services
from training_sessions.signals import session_hosted


@receiver(session_hosted)
def record_observers(sender, session, now=None, timestamp=None, **kwargs):
    services.record_observers(session, now=now, timestamp=timestamp)


@receiver(personal_data_exported)
def export_personal_data(sender, user, **kwargs):
    return personal_data.export(user)


@receiver(personal_data_erasing)
def erase_personal_data(sender, user, **kwargs):
    personal_data.erase(user)
