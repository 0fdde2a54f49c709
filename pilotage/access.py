"""Who may see what in the training department's pages."""

from accounts.roles import user_has_role

ALL, OWN = "all", "own"


def dashboard_scope(user):
    """ALL for the training department and administrators, OWN for a facilitator, None for anyone else."""
    if user_has_role(user, "training") or user_has_role(user, "administrators"):
        return ALL
    if user_has_role(user, "facilitators"):
        return OWN
    return None


def can_manage_trainers(user):
    return dashboard_scope(user) == ALL
