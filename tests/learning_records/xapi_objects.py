"""Domain objects for the statement tests.

The builders are pure functions of what the `learning_records.events` contract asks of an activity
(docs/developing.md): the `XapiActivityMixin` properties and, for a session, `.module`, `.start`, `.end`.
These light stand-ins give the builders' tests that interface without a database; the events' tests use
the real models.
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from learning_records.activities import XapiActivityMixin
from learning_records.statements import TYPE_BADGE, TYPE_DOCUMENT, TYPE_MEETING, TYPE_MODULE


class StandInActivity:
    xapi_activity_id = XapiActivityMixin.xapi_activity_id
    xapi_names = XapiActivityMixin.xapi_names

    def __init__(self, title, **attrs):
        self.title = title
        self.activity_uuid = uuid.uuid4()
        for name, value in attrs.items():
            setattr(self, name, value)


class StandInSession(StandInActivity):
    XAPI_KIND = "session"
    XAPI_ACTIVITY_TYPE = TYPE_MEETING


class StandInModule(StandInActivity):
    """Mirrors parcours.ModulePage's xAPI side (the builders' tests need no database)."""

    XAPI_KIND = "module"
    XAPI_ACTIVITY_TYPE = TYPE_MODULE


class StandInBadge(StandInActivity):
    XAPI_KIND = "badge"
    XAPI_ACTIVITY_TYPE = TYPE_BADGE


class StandInFiche(StandInActivity):
    XAPI_KIND = "fiche"
    XAPI_ACTIVITY_TYPE = TYPE_DOCUMENT


def make_fiche(title="Météo d'inclusion"):
    return StandInFiche(title)


def make_module(title="Intelligence collective", duration_minutes=90):
    return StandInModule(title, duration_minutes=duration_minutes)


def make_session(module=None, start=None, minutes=90):
    module = module or make_module()
    start = start or (timezone.now() - timedelta(days=2)).replace(microsecond=0)
    return StandInSession(
        f"{module.title} — session", module=module, start=start, end=start + timedelta(minutes=minutes)
    )


def make_badge(title="Badge PassInnov"):
    return StandInBadge(title)
