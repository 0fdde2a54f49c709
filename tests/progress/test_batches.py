"""One pass per stored batch: the progress receiver's cost does not grow with the batch, statements without
effect cost no query, badge checks run after the commit (and are caught up after a crash)."""

import uuid
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from learning_records import events
from learning_records import statements as builders
from learning_records.models import Statement
from learning_records.store import save_statements
from parcours.models import ModulePage
from progress.models import BadgeAward, BadgeCheck, Progress
from progress.services import progress as progress_service
from tests.progress.helpers import committed, entry_module, make_session, make_user, other_modules

pytestmark = pytest.mark.django_db

PROGRESS_TABLES = ("auth_user", "accounts_user", "progress_", "parcours_", "training_sessions_")


def progress_batch(users, sessions, size):
    """`size` trusted statements that all change progress: registrations, attendance, completions, hosting."""
    batch = []
    for n in range(size):
        user, session = users[n % len(users)], sessions[n % len(sessions)]
        registration = uuid.uuid5(uuid.NAMESPACE_URL, f"{user.pk}/{session.pk}")
        kind = n % 4
        if kind == 0:
            batch.append(builders.build_registered(user, session, registration))
        elif kind == 1:
            batch.append(builders.build_attended(user, session, registration))
        elif kind == 2:
            batch.append(builders.build_completed(user, session.module, registration))
        else:
            batch.append(builders.build_hosted(user, session, "lead"))
    return batch


def receiver_queries(batch, **kwargs):
    """The queries of one save_statements call, and those of them that read or write progress's tables."""
    with CaptureQueriesContext(connection) as queries:
        save_statements(batch, **kwargs)
    sql = [q["sql"] for q in queries.captured_queries]
    return len(sql), [q for q in sql if any(f'"{t}' in q for t in PROGRESS_TABLES)]


@pytest.fixture
def world():
    users = [make_user(f"batch{i}") for i in range(12)]
    modules = list(ModulePage.objects.all())
    sessions = [make_session(module, days=-5 - n) for n, module in enumerate(modules * 2)]
    return users, sessions


def test_the_progress_receiver_makes_the_same_queries_for_a_batch_of_8_or_of_200(world):
    users, sessions = world
    # Warm the activity definitions (their receiver writes only definitions that change).
    save_statements(progress_batch(users, sessions, 200))
    small_total, small = receiver_queries(progress_batch(users, sessions, 8))
    large_total, large = receiver_queries(progress_batch(users, sessions, 200))
    assert small, "the receiver reads and writes progress"
    assert len(large) == len(small) <= 14
    assert large_total == small_total
    assert progress_service.snapshot()[0]


def test_statements_that_cannot_change_progress_cost_no_progress_query(world):
    users, sessions = world
    viewed = [builders.build_viewed(user, module) for user in users for module in ModulePage.objects.all()]
    untrusted = [builders.build_completed(users[0], sessions[0].module) for _ in range(20)]
    unknown_agent = [builders.build_completed(SimpleNamespace(xapi_account_name="inconnu"), entry_module())]
    assert receiver_queries(viewed)[1] == []
    assert receiver_queries(untrusted, user=users[0])[1] == []  # a browser: untrusted
    # A progress verb about an unknown agent: one look-up of the batch's agents, nothing else.
    _total, queries = receiver_queries(unknown_agent)
    assert len(queries) == 1 and "xapi_account_name" in queries[0]
    assert not Progress.objects.filter(user__in=users).exists() and not BadgeCheck.objects.exists()


def test_badges_are_checked_after_the_commit_not_in_the_storing_transaction():
    user = make_user("apres")
    session = make_session(entry_module())
    badge_name = f"Module {session.module.title}"
    with committed():
        with transaction.atomic():
            events.completed(user, session.module)
            assert Progress.objects.get(user=user, module=session.module).status == "completed"
            # Inside the storing transaction: only the check is recorded, no award, no `earned` statement.
            assert list(BadgeCheck.objects.values_list("user_id", "revoke_failing")) == [(user.pk, False)]
            assert not BadgeAward.objects.filter(user=user).exists()
            assert not Statement.objects.filter(
                verb_id=builders.VERBS["earned"].iri, actor_account_name=user.xapi_account_name
            ).exists()
    award = BadgeAward.objects.get(user=user, badge__name=badge_name)
    assert Statement.objects.get(statement_id=award.earned_statement_id).actor_account_name == user.xapi_account_name
    assert not BadgeCheck.objects.exists()


def test_a_crash_between_commit_and_badge_check_is_caught_up_idempotently():
    user = make_user("panne")
    session = make_session(entry_module())
    registration = uuid.uuid4()
    # The storing transaction commits, the process dies before its after-commit check runs.
    completed = events.completed(user, session.module, registration)
    assert BadgeCheck.objects.filter(user=user).exists() and not BadgeAward.objects.filter(user=user).exists()
    call_command("process_badge_checks", stdout=open("/dev/null", "w"))
    award = BadgeAward.objects.get(user=user, badge__name=f"Module {session.module.title}")
    assert not BadgeCheck.objects.exists()
    call_command("process_badge_checks", stdout=open("/dev/null", "w"))  # nothing left: nothing changes
    assert BadgeAward.objects.filter(user=user).count() == 1
    earned = Statement.objects.filter(
        verb_id=builders.VERBS["earned"].iri, actor_account_name=user.xapi_account_name, voided=False
    )
    assert earned.count() == 1
    # A void whose check is lost too: rebuild_progress carries the pending revocation out.
    events.void(completed)
    assert list(BadgeCheck.objects.values_list("revoke_failing", flat=True)) == [True]
    call_command("rebuild_progress", stdout=open("/dev/null", "w"))
    award.refresh_from_db()
    assert award.revoked and award.revocation_kind == "rule"
    assert not BadgeCheck.objects.exists()


def test_a_batch_and_its_voids_apply_once_per_counter():
    user = make_user("aller-retour")
    session = make_session(other_modules()[0])
    registration = uuid.uuid4()
    attended = builders.build_attended(user, session, registration)
    # One batch: a registration, an attendance and the void of that attendance (net: registered).
    with committed():
        save_statements(
            [
                builders.build_registered(user, session, registration),
                attended,
                builders.build_voided(attended["id"]),
            ]
        )
    row = Progress.objects.get(user=user, module=session.module)
    assert (row.registered, row.attended, row.status) == (1, 0, "registered")
    before = progress_service.snapshot()
    progress_service.rebuild()
    assert progress_service.snapshot() == before
