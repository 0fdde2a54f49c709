"""The statements the application writes, one function per event (contract in docs/developing.md).

Each function builds its statement with `learning_records.statements` and stores it through
`learning_records.store.save_statements` inside the caller's transaction: when the caller's transaction rolls
back (a registration that fails, say), the statement goes with it. Each returns the stored `Statement`. Every
function takes an optional keyword `timestamp` (an aware datetime: when the experience happened, e.g. for
demo content or an attendance marked later); it defaults to now (for `attended` and `hosted`: the end of a
session that is over; for `used`: noon of the day of use).

What the server observed (registrations, attendance, badges…) is stored as the server: trusted. What the
agent declares (`used`, `answered`) is stored as sent by the agent: untrusted, with the agent as authority,
so it never completes a module nor feeds a rule that needs trusted statements.
"""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from learning_records import statements as builders
from learning_records.models import Statement
from learning_records.store import save_statements
from learning_records.validation import StatementConflict

logger = logging.getLogger(__name__)


def _store(data):
    with transaction.atomic():
        return save_statements(data)


def _store_declared(data, user):
    with transaction.atomic():
        return save_statements(data, user=user)


def registered(user, session, registration_uuid, *, timestamp=None):
    return _store(builders.build_registered(user, session, registration_uuid, timestamp=timestamp))


def unregistered(user, session, registration_uuid, *, timestamp=None):
    return _store(builders.build_unregistered(user, session, registration_uuid, timestamp=timestamp))


def attended(user, session, registration_uuid, instructor=None, duration=None, *, timestamp=None):
    return _store(builders.build_attended(user, session, registration_uuid, instructor, duration, timestamp=timestamp))


def completed(user, module, registration_uuid=None, *, timestamp=None):
    return _store(builders.build_completed(user, module, registration_uuid, timestamp=timestamp))


def rated(user, session, registration_uuid, overall, criteria=None, *, timestamp=None):
    return _store(builders.build_rated(user, session, registration_uuid, overall, criteria, timestamp=timestamp))


def earned(user, badge, assertion_url, *, timestamp=None):
    return _store(builders.build_earned(user, badge, assertion_url, timestamp=timestamp))


def hosted(user, session, role, *, timestamp=None):
    """Record that `user` hosted `session`, at most once per person and session (a name-based statement id,
    `statements.hosted_statement_id`): a second call returns the first statement, even with another role."""
    statement_id = builders.hosted_statement_id(user.xapi_account_name, session.xapi_activity_id)
    return _store_once(
        statement_id, lambda: builders.build_hosted(user, session, role, timestamp=timestamp, statement_id=statement_id)
    )


def observed(user, session, *, timestamp=None):
    """Record that a trainee observed `session` (internal-trainer path), at most once per person and session."""
    statement_id = builders.observed_statement_id(user.xapi_account_name, session.xapi_activity_id)
    return _store_once(
        statement_id, lambda: builders.build_observed(user, session, timestamp=timestamp, statement_id=statement_id)
    )


def mentored(author, trainee, session, trainee_role, *, timestamp=None):
    """Record that `author` gave `trainee` feedback after `session` (once per trainee and session); the
    feedback itself stays out of the learning record."""
    statement_id = builders.mentored_statement_id(trainee.xapi_account_name, session.xapi_activity_id)
    return _store_once(
        statement_id,
        lambda: builders.build_mentored(
            author, trainee, session, trainee_role, timestamp=timestamp, statement_id=statement_id
        ),
    )


def used(user, fiche, used_on, *, rating, team_size, setting, audience, module=None, timestamp=None):
    """The agent declares they used `fiche` with a team on `used_on` (a date); untrusted self-declaration."""
    return _store_declared(
        builders.build_used(
            user,
            fiche,
            used_on,
            rating=rating,
            team_size=team_size,
            setting=setting,
            audience=audience,
            module=module,
            timestamp=timestamp,
        ),
        user,
    )


def answered(user, module, *, frequency, fiches=(), obstacles=(), timestamp=None):
    """The agent answers the follow-up questionnaire of `module`; untrusted self-declaration."""
    return _store_declared(
        builders.build_answered(
            user, module, frequency=frequency, fiches=fiches, obstacles=obstacles, timestamp=timestamp
        ),
        user,
    )


def void(statement, reason_user=None, *, timestamp=None):
    """Void a stored statement (a `Statement` row or its id); returns the voiding statement."""
    target = getattr(statement, "statement_id", statement)
    return _store(builders.build_voided(target, reason_user, timestamp=timestamp))


def viewed(user, page, *, timestamp=None):
    """Record that `user` viewed `page`, at most once per agent, page and day (Europe/Paris).

    The statement id is a name-based UUID of (agent, activity, Paris day) (see
    `statements.viewed_statement_id`): a second view the same day finds that id and stores nothing. Returns
    the day's `Statement`.
    """
    now = timestamp or timezone.now()
    statement_id = builders.viewed_statement_id(user.xapi_account_name, page.xapi_activity_id, builders.paris_day(now))
    return _store_once(
        statement_id, lambda: builders.build_viewed(user, page, timestamp=now, statement_id=statement_id)
    )


def record(statements, once=()):
    """Store several statements the server observed together, in one `save_statements` call (one batch: the
    store's receivers run once for all of them). `statements`: built statements (`statements.build_*`);
    `once`: built statements with a name-based id (`hosted`…), left out when that id is already stored.
    Returns the stored rows, `statements` first, then those of `once` that were stored now.
    """
    statements, once = list(statements), list(once)
    for attempt in range(2):
        known = {
            str(statement_id)
            for statement_id in Statement.objects.filter(statement_id__in=[s["id"] for s in once]).values_list(
                "statement_id", flat=True
            )
        }
        fresh = [s for s in once if s["id"] not in known]
        if not statements and not fresh:
            return []
        try:
            return _store(statements + fresh)
        except (StatementConflict, IntegrityError):
            if attempt or not fresh:  # not a concurrent first call of a name-based statement
                raise
    raise AssertionError("unreachable")


def _store_once(statement_id, build):
    """Store the statement `build()` makes under a deterministic id, unless that id is already stored.

    The store's unique `statement_id` is the deduplication key: two concurrent first calls meet on the
    store's lock or its unique constraint, and the loser returns the winner's statement.
    """
    existing = Statement.objects.filter(statement_id=statement_id).first()
    if existing is not None:
        return existing
    try:
        return _store(build())
    except (StatementConflict, IntegrityError):
        # Another request recorded the same statement meanwhile (same id, different content).
        existing = Statement.objects.filter(statement_id=statement_id).first()
        if existing is None:
            raise
        return existing
