"""Training sessions' part of a personal-data erasure (the coordinator: progress.services.personal_data).

Registrations, attendance and ratings stay as anonymous facts (attached to the anonymised account); the
free text an agent wrote, the comment of their evaluations, is cleared."""

from training_sessions.models import Evaluation


def erase(user):
    """Call inside the erasure's transaction. Returns the number of evaluations cleared."""
    return Evaluation.objects.filter(registration__user=user).update(comment="")
