"""Who may see what in the training department's pages (the roles' capabilities: accounts.roles)."""

from accounts.roles import can

ALL, OWN = "all", "own"


def dashboard_scope(user):
    """ALL for whoever steers the programme, OWN for a facilitator (their sessions), None for anyone else."""
    if can(user, "steer"):
        return ALL
    if can(user, "steer_own_sessions"):
        return OWN
    return None


def can_manage_trainers(user):
    return can(user, "steer")


def can_see_trainer(user, profile):
    """The internal trainer's record: whoever steers the programme, and the trainer themselves."""
    return can_manage_trainers(user) or profile.user_id == user.pk
