"""Who may read the facilitation kits and walk the trainer path (rules start from `accounts.roles`).

A facilitation kit is the facilitator's version of a module: the people who may facilitate (facilitator role,
training department, `CAPABILITIES["facilitate"]`) and the agents the training department nominated on the
internal-trainer path (`pilotage.TrainerProfile`, "trainees") read it. Editors write it in the admin (and
preview it there); nobody else opens it.
"""

from accounts import roles
from core import fragments
from pilotage.models import TrainerProfile


def trainer_profile(user):
    """The agent's TrainerProfile (nomination), or None; looked up once per request's user."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_trainer_profile_cache"):
        user._trainer_profile_cache = TrainerProfile.objects.filter(user=user).first()
    return user._trainer_profile_cache


def is_trainee(user):
    """Whether the agent is on the path. Kept per account until a trainer profile is saved or deleted
    (core.fragments, `TRAINERS`: pilotage.receivers): a module page asks it of every agent and costs no
    query for it."""
    if not user.is_authenticated:
        return False
    if hasattr(user, "_trainer_profile_cache"):
        return user._trainer_profile_cache is not None
    return fragments.cached(
        "is-trainee", (fragments.TRAINERS,), [user.pk], lambda: TrainerProfile.objects.filter(user=user).exists()
    )


def can_read_kits(user):
    if not user.is_authenticated:
        return False
    return roles.can(user, "facilitate") or is_trainee(user)


def can_decide_requests(user):
    """The co-facilitation queue belongs to the training department, which owns the sessions."""
    return roles.can(user, "manage_sessions")


def can_confirm_promotions(user):
    """Steps are confirmed by whoever steers the internal trainers (as nominations: pilotage.access)."""
    return roles.can(user, "steer")


def can_read_feedback(user, feedback):
    """A lead facilitator's feedback: the trainee it is about and the training department, nobody else."""
    return user.is_authenticated and (feedback.trainee_id == user.pk or roles.can(user, "manage_sessions"))
