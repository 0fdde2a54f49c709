"""Demo trainers, and the `hosted` statements behind a trainer's record (written by training_sessions)."""

import pytest
from django.urls import reverse

from learning_records.models import Statement
from pilotage import demo
from pilotage.models import LrsEndpoint, TrainerProfile
from tests.pilotage.dataset import build
from training_sessions import services
from training_sessions.models import Registration

pytestmark = pytest.mark.django_db
HOST = "http://activitystrea.ms/schema/1.0/host"


def test_demo_nominates_trainers_and_creates_no_endpoint(client_for):
    statuses = dict(TrainerProfile.objects.values_list("user__username", "status"))
    assert statuses["animateur"] == "lead" and statuses["mi.julie"] == "co_facilitator"
    assert statuses["demo.agent01"] == "in_training"
    assert not LrsEndpoint.objects.exists()
    before = TrainerProfile.objects.count()
    demo.load()
    assert TrainerProfile.objects.count() == before

    # The demo lead trainer's page lists the sessions they led in the demo, with their ratings.
    profile = TrainerProfile.objects.get(user__username="animateur")
    html = client_for("formation").get(reverse("pilotage:trainer", args=[profile.pk])).content.decode()
    assert html.count("Intelligence collective") >= 1
    assert "Pas encore de badge de formateur." in html or "obtenu le" in html


def test_demo_facilitations_have_their_hosted_statements(demo_user):
    user = demo_user("animateur")
    hosted = Statement.objects.filter(verb_id=HOST, actor_account_name=user.xapi_account_name)
    recorded = user.facilitations.filter(hosted_at__isnull=False)
    assert recorded.exists()
    assert hosted.count() == recorded.count()


def test_marking_attendance_writes_hosted_statements_with_the_role(client_for, demo_user):
    data = build()
    session = data.sessions["S3"]
    registration = Registration.objects.create(session=session, user=data.users["a3"], status="registered")
    services.mark_attendance(demo_user("formation"), registration, "present")
    for key, role in (("int1", "lead"), ("int2", "co-facilitator")):
        statement = Statement.objects.get(
            verb_id=HOST,
            actor_account_name=data.users[key].xapi_account_name,
            object_activity_id=session.xapi_activity_id,
        )
        assert role in str(statement.data["context"]["extensions"].values())
