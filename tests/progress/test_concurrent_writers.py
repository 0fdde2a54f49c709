"""Two writers storing batches at the same time on PostgreSQL (real commits, after-commit badge checks): the
progress they leave equals the rebuild, every badge check is done, and the badges are those the rules give."""

import random
import threading
import uuid

import pytest
from django.core.management import call_command
from django.db import close_old_connections, connection

from learning_records import statements as builders
from learning_records.store import save_statements
from parcours.models import ModulePage
from progress.models import BadgeAward, BadgeCheck
from progress.services import badges
from progress.services import progress as progress_service
from tests.progress.helpers import make_session, make_user

BATCHES = 12


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_leave_progress_equal_to_the_rebuild():
    call_command("load_demo", verbosity=0, skip_index=True, stdout=open("/dev/null", "w"))
    users = [make_user(f"concurrent{i}") for i in range(4)]
    modules = list(ModulePage.objects.all())
    sessions = [make_session(module, days=-3) for module in modules]
    barrier = threading.Barrier(2)
    errors = []

    def writer(seed):
        rng = random.Random(seed)
        mine = []
        try:
            barrier.wait(timeout=30)
            for _n in range(BATCHES):
                batch = []
                for _i in range(rng.randint(1, 8)):
                    user, session = rng.choice(users), rng.choice(sessions)
                    registration = uuid.uuid5(uuid.NAMESPACE_URL, f"{user.pk}/{session.pk}")
                    kind = rng.random()
                    if kind < 0.2:
                        batch.append(builders.build_registered(user, session, registration))
                    elif kind < 0.4:
                        batch.append(builders.build_attended(user, session, registration))
                    elif kind < 0.7:
                        batch.append(builders.build_completed(user, session.module, registration))
                    elif kind < 0.85:
                        batch.append(builders.build_hosted(user, session, rng.choice(["lead", "co-facilitator"])))
                    elif mine:
                        batch.append(builders.build_voided(mine.pop(rng.randrange(len(mine)))))
                if batch:
                    rows = save_statements(batch)  # autocommit: its own transaction, then the badge checks
                    mine += [row.statement_id for row in rows if not row.is_voiding]
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    assert not BadgeCheck.objects.exists()  # every after-commit check ran
    awards = set(BadgeAward.objects.values_list("badge_id", "user_id", "revoked"))
    assert any(user_id in {u.pk for u in users} for _b, user_id, _r in awards)
    incremental = progress_service.snapshot()
    progress_service.rebuild()
    assert progress_service.snapshot() == incremental
    # The badges are what the rules give on the final progress: checking again changes nothing.
    for user in users:
        assert badges.evaluate(user) == []
    assert set(BadgeAward.objects.values_list("badge_id", "user_id", "revoked")) == awards
