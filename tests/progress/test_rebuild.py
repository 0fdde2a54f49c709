"""Progress rebuilt from the statement store equals the progress maintained statement by statement."""

import random
import uuid

import pytest
from django.core.management import call_command

from learning_records import events
from learning_records import statements as builders
from learning_records.models import Statement
from learning_records.store import save_statements
from parcours.models import ModulePage
from progress.models import BadgeAward, Progress, TrainerProgress
from progress.services import progress as progress_service
from progress.services.dashboard import choose_modules
from tests.progress.helpers import committed, make_session, make_user

pytestmark = pytest.mark.django_db

STATEMENTS = 2000
BATCH = 100


def generated_history(seed=6):
    """Thousands of statements: registrations, cancellations, attendance, completions, hosting, browser
    statements (untrusted) and voids of earlier statements, in random order."""
    rng = random.Random(seed)
    users = [make_user(f"gen{i:02d}") for i in range(30)]
    modules = list(ModulePage.objects.all())
    sessions = [make_session(module, days=rng.randint(-200, 60)) for module in modules for _i in range(3)]
    optional = [m.pk for m in modules if not m.is_entry_module]
    for user in users[:10] + [make_user(f"planner{i}") for i in range(3)]:
        choose_modules(user, rng.sample(optional, 2))
    stored_ids = []
    written = 0
    while written < STATEMENTS:
        trusted_batch, browser = [], []
        for _i in range(BATCH):
            user, session = rng.choice(users), rng.choice(sessions)
            registration = uuid.uuid5(uuid.NAMESPACE_URL, f"{user.pk}/{session.pk}")
            kind = rng.random()
            if kind < 0.3:
                trusted_batch.append(builders.build_registered(user, session, registration))
            elif kind < 0.4:
                trusted_batch.append(builders.build_unregistered(user, session, registration))
            elif kind < 0.55:
                trusted_batch.append(builders.build_attended(user, session, registration))
            elif kind < 0.7:
                trusted_batch.append(builders.build_completed(user, session.module, registration))
            elif kind < 0.8:
                trusted_batch.append(builders.build_hosted(user, session, rng.choice(["lead", "co-facilitator"])))
            elif kind < 0.88:
                browser.append((user, builders.build_completed(user, session.module)))
            elif stored_ids:
                trusted_batch.append(builders.build_voided(stored_ids.pop(rng.randrange(len(stored_ids)))))
        rows = save_statements(trusted_batch) if trusted_batch else []
        stored_ids.extend(r.statement_id for r in rows if not r.is_voiding)
        for user, statement in browser:
            save_statements(statement, user=user)
        written += len(trusted_batch) + len(browser)
    return users, sessions


def test_rebuild_gives_exactly_the_incremental_rows(django_assert_max_num_queries):
    with committed():
        users, sessions = generated_history()
    assert Statement.objects.filter(voided=True).count() > 100
    incremental = progress_service.snapshot()
    progress_rows, trainer_rows = incremental
    statuses = {row[-1] for row in progress_rows}
    assert {"completed", "registered", "planned"} <= statuses
    assert trainer_rows
    awards = set(BadgeAward.objects.values_list("badge_id", "user_id", "revoked"))
    assert awards

    # Damage every table: the rebuild must depend on the statement store (and path choices) alone.
    Progress.objects.update(completed=99, status="completed")
    Progress.objects.filter(pk__in=list(Progress.objects.values_list("pk", flat=True)[:10])).delete()
    TrainerProgress.objects.all().delete()
    Progress.objects.create(user=make_user("stray"), module=ModulePage.objects.first(), attended=3, status="attended")
    call_command("rebuild_progress", stdout=open("/dev/null", "w"))
    assert progress_service.snapshot() == incremental
    assert set(BadgeAward.objects.values_list("badge_id", "user_id", "revoked")) == awards

    # One more statement costs the same, however large the store is.
    user, session = users[0], sessions[0]
    with django_assert_max_num_queries(40):
        events.attended(user, session, uuid.uuid4())
