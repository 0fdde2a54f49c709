"""The agent pages cost a bounded number of queries, the same at the demo's size and with ten times the data.

Each page is counted twice: with the shared fragments to build (an empty cache: the first request after a
change) and with them built (every other request). Both counts must stay the same when sessions,
registrations, agents and fiches grow tenfold, and under fixed ceilings.
"""

import random
import uuid
from datetime import timedelta

import pytest

from accounts.models import User
from fiches.models import FicheIndexPage, FichePage
from parcours.models import ModulePage
from tests.home.editorial import add_fiche, cold_and_warm_queries
from training_sessions.models import Registration, Session

pytestmark = pytest.mark.django_db

# page -> (queries with the fragments to build, queries with them built): ceilings, not targets
CEILINGS = {
    "home": (22, 2),
    "fiche": (27, 4),
    "module": (29, 3),
    "fiches listing": (23, 2),
    "mon parcours": (24, 7),
    "dashboard": (36, 28),
}


def pages():
    fiche = FichePage.objects.live().order_by("path").first()
    return [
        ("home", "/", "agent"),
        ("fiche", fiche.url, "agent"),
        ("module", ModulePage.objects.live().order_by("path").first().url, "agent"),
        ("fiches listing", FicheIndexPage.objects.live().get().url, "agent"),
        ("mon parcours", "/mon-parcours/", "agent2"),
        ("dashboard", "/pilotage/", "formation"),
    ]


def counts(client_for):
    return {label: cold_and_warm_queries(client_for(username), url) for label, url, username in pages()}


def grow(factor=10):
    """Ten times the sessions and registrations (of other agents: the agents whose pages are counted keep their
    own state, which decides what Mon parcours shows), more agents, more fiches."""
    sessions = list(Session.objects.order_by("pk"))
    agents = User.objects.bulk_create(
        [User(username=f"croissance-{uuid.uuid4().hex[:10]}", first_name="Agent", password="!") for _ in range(60)]
    )
    clones = []
    for k in range(1, factor):
        for session in sessions:
            clone = Session.objects.get(pk=session.pk)
            clone.pk = clone.id = None
            clone.activity_uuid = uuid.uuid4()
            clone.start, clone.end = session.start + timedelta(days=7 * k), session.end + timedelta(days=7 * k)
            clone.capacity = max(session.capacity, 50)
            clones.append(clone)
    clones = Session.objects.bulk_create(clones)
    rng = random.Random(1)
    registrations = [
        Registration(session=session, user=user, status=Registration.Status.REGISTERED)
        for session in clones
        for user in rng.sample(agents, 4)
    ]
    Registration.objects.bulk_create(registrations)
    modules = list(ModulePage.objects.live())
    for number in range(3 * FichePage.objects.live().count()):
        add_fiche(f"Fiche de croissance {number}", module=modules[number % len(modules)], tags=["croissance"])
    return len(clones), len(registrations)


def test_page_queries_are_bounded_and_the_same_with_ten_times_the_data(client_for):
    before = counts(client_for)
    for label, (cold, warm) in before.items():
        ceiling_cold, ceiling_warm = CEILINGS[label]
        assert warm <= cold <= ceiling_cold and warm <= ceiling_warm, (label, cold, warm)
    sessions, registrations = grow()
    assert sessions >= 9 * 20 and registrations >= 4 * 9 * 20
    assert counts(client_for) == before
