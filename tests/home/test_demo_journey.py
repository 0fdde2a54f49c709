"""The demo lets a new user reach a badge live: agent2's last attendance is waiting for the facilitator."""

import pytest

from progress.models import BadgeAward
from training_sessions.models import Registration

pytestmark = pytest.mark.django_db


def test_facilitator_marks_agent2_present_and_agent2_earns_the_passinnov_badge(
    client_for, demo_user, django_capture_on_commit_callbacks
):
    agent2 = demo_user("agent2")
    pending = Registration.objects.get(user=agent2, attendance__isnull=True, session__module__is_entry_module=False)
    assert pending.session.facilitations.filter(user__username="animateur", role="lead").exists()
    assert not BadgeAward.objects.filter(user=agent2, badge__name="PassInnov").exists()

    facilitator = client_for("animateur")
    participants = facilitator.get(f"/sessions/{pending.session.pk}/participants/")
    assert participants.status_code == 200 and "Fournier" in participants.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the badge check runs once the request committed
        response = facilitator.post(
            f"/sessions/{pending.session.pk}/presence/", {"registration": pending.pk, "attendance": "present"}
        )
    assert response.status_code == 302

    pending.refresh_from_db()
    assert pending.attendance == Registration.Attendance.PRESENT
    assert BadgeAward.objects.filter(user=agent2, badge__name="PassInnov").exists()
    page = client_for("agent2").get("/mon-parcours/")
    assert "PassInnov" in page.content.decode()


def test_the_fresh_demo_agent_has_no_registration():
    assert not Registration.objects.filter(user__username="agent").exists()
