"""Capacity under concurrent registrations, on PostgreSQL (SELECT … FOR UPDATE on the session row)."""

import threading

import pytest
from django.db import connection

import core.demo
import home.demo
from tests.training_sessions import helpers
from training_sessions import services
from training_sessions.models import Registration

AGENTS = 40
CAPACITY = 12


def minimal_site():
    """Sites, organisations and the page tree (a transactional test may start from a flushed database)."""
    core.demo.load()
    home.demo.load()


def _register_all(session, agents):
    barrier = threading.Barrier(len(agents))
    results, errors = [], []

    def worker(agent):
        try:
            barrier.wait(timeout=30)
            results.append(services.register(agent, session).status)
        except services.SessionError as exc:
            errors.append(exc.code)
        except Exception as exc:  # collected and reported by the test
            errors.append(repr(exc))
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=worker, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.mark.postgres
def test_forty_concurrent_registrations_never_exceed_twelve_places(transactional_db):
    minimal_site()
    session = helpers.make_session(helpers.entry_module(), days=7, capacity=CAPACITY)
    agents = [helpers.make_agent(f"concurrent-{i:02d}") for i in range(AGENTS)]

    results, errors = _register_all(session, agents)

    assert errors == []
    assert len(results) == AGENTS
    registered = Registration.objects.filter(session=session).registered()
    assert registered.count() == CAPACITY
    waiting = list(Registration.objects.filter(session=session).with_waiting_position().order_by("waiting_position"))
    assert [r.waiting_position for r in waiting] == list(range(1, AGENTS - CAPACITY + 1))
    # Arrival order: every registered agent arrived before every waiting one, the list follows arrival times.
    last_registered = max(registered.values_list("created_at", flat=True))
    assert all(r.created_at > last_registered for r in waiting)
    assert [r.created_at for r in waiting] == sorted(r.created_at for r in waiting)
    assert [r.position_on_waiting_list() for r in waiting[:3]] == [1, 2, 3]

    # One cancellation promotes exactly one agent: the first on the waiting list.
    leaving = registered.first().user
    services.cancel_registration(leaving, session)
    assert Registration.objects.filter(session=session).registered().count() == CAPACITY
    assert Registration.objects.get(pk=waiting[0].pk).status == "registered"
    remaining = list(
        Registration.objects.filter(session=session).with_waiting_position().values_list("pk", "waiting_position")
    )
    assert [position for _pk, position in remaining] == list(range(1, AGENTS - CAPACITY))
    assert [pk for pk, _position in remaining] == [r.pk for r in waiting[1:]]


@pytest.mark.postgres
def test_one_agent_submitting_five_times_at_once_gets_one_place(transactional_db):
    minimal_site()
    session = helpers.make_session(helpers.entry_module(), days=7, capacity=CAPACITY)
    agent = helpers.make_agent("double-click")

    results, errors = _register_all(session, [agent] * 5)

    assert results == ["registered"]
    assert errors == ["duplicate"] * 4
    assert Registration.objects.filter(session=session, user=agent).count() == 1


@pytest.mark.postgres
def test_cancelling_the_entry_place_and_registering_for_a_later_module_at_once_stay_consistent(transactional_db):
    """Either the later registration sees the entry place (and the cancellation is then refused), or the
    cancellation comes first (and the later registration is refused): never a later place without its entry."""
    minimal_site()
    entry = helpers.entry_module()
    later = helpers.later_module()
    for round_ in range(6):
        entry_session = helpers.make_session(entry, days=7 + round_)
        later_session = helpers.make_session(later, days=30 + round_)
        agent = helpers.make_agent(f"race-{round_}")
        services.register(agent, entry_session)
        barrier = threading.Barrier(2)
        results = {}

        def act(name, action, session, agent=agent, barrier=barrier, results=results):
            try:
                barrier.wait(timeout=30)
                action(agent, session)
                results[name] = "ok"
            except services.SessionError as exc:
                results[name] = exc.code
            except Exception as exc:  # reported by the assertion below
                results[name] = repr(exc)
            finally:
                connection.close()

        threads = [
            threading.Thread(target=act, args=("cancel", services.cancel_registration, entry_session)),
            threading.Thread(target=act, args=("register", services.register, later_session)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        entry_status = Registration.objects.get(user=agent, session=entry_session).status
        later_active = Registration.objects.filter(user=agent, session=later_session).active().exists()
        assert (results["cancel"], results["register"]) in {("ok", "prerequisites"), ("dependants", "ok")}, results
        assert not (entry_status == "cancelled" and later_active)
