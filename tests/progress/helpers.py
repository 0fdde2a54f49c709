"""Sessions and trusted statements for the progress tests (through learning_records.events, as the server)."""

import uuid
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import TestCase
from django.utils import timezone

from core.models import Location, Organisation
from learning_records import events
from parcours.models import ModulePage
from training_sessions.models import Facilitation, Registration, Session


def entry_module():
    return ModulePage.objects.get(is_entry_module=True)


def other_modules():
    return list(ModulePage.objects.filter(is_entry_module=False).order_by("path"))


def make_user(username, **extra):
    defaults = {"first_name": "Prénom", "last_name": username.capitalize(), "email": f"{username}@example.gouv.fr"}
    defaults.update(extra)
    return get_user_model().objects.create(username=username, **defaults)


def make_session(module, days=-10, capacity=12, site="Paris – Bercy"):
    start = timezone.now().replace(microsecond=0) + timedelta(days=days)
    return Session.objects.create(
        module=module,
        start=start,
        end=start + timedelta(minutes=90),
        location=Location.objects.get(name=site),
        capacity=capacity,
    )


def committed():
    """Run, on leaving the block, what storing transactions leave for after their commit (the badge checks of
    progress/receivers.py), as the commit of a request would: tests run inside one transaction that never
    commits."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def attend(user, session, instructor=None):
    """Registration, attendance and completion written by the server, as training_sessions does (committed)."""
    with committed():
        return _attend(user, session, instructor)


def _attend(user, session, instructor=None):
    registration = Registration.objects.create(session=session, user=user, status=Registration.Status.REGISTERED)
    events.registered(user, session, registration.registration_uuid)
    attended = events.attended(user, session, registration.registration_uuid, instructor=instructor)
    completed = events.completed(user, session.module, registration.registration_uuid)
    registration.attendance = Registration.Attendance.PRESENT
    registration.attended_statement_id = attended.statement_id
    registration.completed_statement_id = completed.statement_id
    registration.save()
    return registration, attended, completed


def host(user, session, role):
    """A `hosted` statement written by the server (committed)."""
    Facilitation.objects.get_or_create(
        session=session,
        user=user,
        defaults={"role": role, "organisation": Organisation.objects.get(name="Mission innovation")},
    )
    with committed():
        return events.hosted(user, session, role)


def new_uuid():
    return uuid.uuid4()
