"""The sessions demo: every module at Bercy and in the provinces, consistent, idempotent, "agent" left free."""

import pytest
from django.db.models import Avg, Count, Q
from django.utils import timezone

from learning_records.models import Statement
from parcours.models import ModulePage
from tests.training_sessions import helpers
from training_sessions import demo, services
from training_sessions.models import Evaluation, Registration, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_sessions(entry):
    if ModulePage.objects.live().count() < 3:  # the editorial demo may not provide modules (yet)
        helpers.later_module("Créativité")
        helpers.later_module("L'art de la narration")
    demo.load()
    return ModulePage.objects.live()


def counts():
    return {model.__name__: model.objects.count() for model in (Session, Registration, Evaluation, Statement)}


def test_the_demo_is_idempotent(demo_sessions):
    before = counts()
    demo.load()
    assert counts() == before


def test_every_module_has_past_and_future_sessions_at_bercy_and_in_the_provinces(demo_sessions):
    for module in demo_sessions:
        sessions = Session.objects.filter(module=module)
        assert sessions.filter(start__lt=timezone.now()).exists()
        assert sessions.upcoming().exists()
    sites = set(Session.objects.values_list("location__name", flat=True))
    assert "Paris – Bercy" in sites and len(sites - {"Paris – Bercy"}) >= 2


def test_the_demo_has_answers_near_4_5_and_a_waiting_list(demo_sessions):
    average = Evaluation.objects.aggregate(avg=Avg("overall"))["avg"]
    assert 4.3 <= average <= 4.7
    full = Session.objects.upcoming().with_counts().filter(waiting_count__gt=0)
    assert full.exists()
    assert Session.objects.upcoming().with_counts().filter(registered_count__gte=1).exclude(pk__in=full).exists()


def test_facilitation_moves_from_external_to_mixed_to_internal(demo_sessions, animateur):
    entry = demo_sessions.get(is_entry_module=True)
    modes = [s.facilitation_mode for s in Session.objects.filter(module=entry).order_by("start")]
    first_internal = modes.index("internal")
    assert modes[0] == "external" and "mixed" in modes[:first_internal]
    assert set(modes[first_internal:]) == {"internal"}
    assert Session.objects.filter(facilitations__user=animateur, facilitations__organisation__kind="internal").exists()


def test_the_demo_respects_the_rules(demo_sessions, agent):
    assert not Registration.objects.filter(user=agent).exists()
    for session in Session.objects.with_counts():
        assert session.registered_count <= session.capacity
    # Every participant of a later module had completed the entry module before.
    later = Registration.objects.filter(session__module__is_entry_module=False).select_related("session")
    for registration in later:
        assert not services.missing_prerequisites(registration.user, registration.session), registration
    # Nobody holds two active places in one module.
    doubles = (
        Registration.objects.active()
        .filter(session__start__gt=timezone.now())
        .values("user", "session__module")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not doubles.exists()
    assert Registration.objects.filter(Q(attendance="present")).exists()
