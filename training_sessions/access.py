"""Who may do what with one session: rules that start from the roles' capabilities (`accounts.roles`).

The session page, the participant pages, the calendar file, the emails and the attendance service all ask
these functions; none of them decides on its own.
"""

from django.db.models import Exists, OuterRef

from accounts import roles
from training_sessions.models import Facilitation, Registration, Session


def can_manage_session(user, session):
    """The training department, and the session's facilitators who hold the facilitator role, handle its
    participants and attendance. A facilitation row alone gives no right."""
    if not user.is_authenticated:
        return False
    if roles.can(user, "manage_sessions"):
        return True
    return roles.can(user, "facilitate") and any(f.user_id == user.pk for f in session.facilitations.all())


def facilitated_sessions(user):
    """The sessions a person who may facilitate is a facilitator of (none for anyone else)."""
    if not roles.can(user, "facilitate"):
        return Session.objects.none()
    return Session.objects.filter(Exists(Facilitation.objects.filter(session=OuterRef("pk"), user=user)))


def can_see_remote_link(user, session, registration=None):
    """The remote meeting link goes to the agents registered (with a place) for the session and to those who
    manage it; everyone else sees that the session is remote. The session page, the calendar file and the
    emails all ask this."""
    if not session.remote_url:
        return False
    if registration is None and user.is_authenticated:
        registration = Registration.objects.filter(user=user, session=session).first()
    if registration is not None and registration.user_id == user.pk and registration.has_place:
        return True
    return can_manage_session(user, session)
