"""The internal-trainer path in « Mes données » and in an erasure."""

import pytest

from progress.services import personal_data
from tests.training_sessions import helpers
from trainers import services
from trainers.models import FacilitationRequest, SessionObservation, TraineeFeedback

pytestmark = pytest.mark.django_db


def test_the_export_holds_the_trainee_path_with_its_guide(demo_user):
    walker = demo_user("demo.agent02")
    data = personal_data.export(walker)
    assert len(data["trainer_feedback"]) == 2 and data["trainer_feedback"][0]["went_well"]
    assert len(data["trainer_observations"]) == 1
    assert [step["to"] for step in data["trainer_steps"]] == ["co_facilitator", "supervised_lead"]
    for key in ("trainer_requests", "trainer_observations", "trainer_steps", "trainer_feedback"):
        assert data["guide"]["sections"][key]


def test_erasure_removes_the_free_texts_and_keeps_the_facts(demo_user):
    walker = demo_user("demo.agent02")
    session = helpers.make_session(helpers.entry_module(), days=25)
    FacilitationRequest.objects.create(trainee=walker, session=session, kind="co-facilitate", message="Gaspard écrit")
    observations = SessionObservation.objects.filter(user=walker).count()
    erasure, _created = personal_data.request_erasure(walker)
    personal_data.process(erasure, by=demo_user("admin"))
    assert not TraineeFeedback.objects.filter(trainee=walker).exists()
    request = FacilitationRequest.objects.get(trainee=walker, session=session)
    assert request.message == "" and request.status == "pending"
    assert SessionObservation.objects.filter(user=walker).count() == observations
    assert services.facts_of(walker).observed == 0  # their statements left the store with the erasure
