"""Dashboard figures on the fixed data set (tests/pilotage/dataset.py), against values computed by hand."""

import pytest

from pilotage.models import TrainerProfile
from pilotage.stats import Dashboard
from tests.pilotage.dataset import NOW, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build()


def board(data, **filters):
    return Dashboard(data.filters(**filters), now=NOW)


def test_overview(data):
    figures = board(data).overview()
    assert {key: figures[key] for key in ("held", "planned", "cancelled", "capacity_planned")} == {
        "held": 3,
        "planned": 1,
        "cancelled": 1,
        "capacity_planned": 5,
    }
    assert figures["registrations"] == 11
    assert figures["waiting"] == 3 and figures["waiting_planned"] == 2
    assert figures["waiting_pressure"] == 40.0  # 2 waiting / 5 places planned
    assert figures["cancellations"] == 1  # the cancelled session's registration is not counted
    assert (figures["present"], figures["absent"], figures["unmarked"]) == (6, 2, 1)
    assert figures["attendance_rate"] == 75.0  # 6 / (6 + 2)
    assert figures["participants"] == 5  # a1, a2, a4, a5, a6
    assert figures["next_start"] == data.sessions["S4"].start  # the next instant a figure changes by time alone


def test_overview_filtered_by_site_and_module(data):
    north = board(data, site_id=data.sites["north"].pk).overview()
    assert (north["held"], north["planned"], north["cancelled"]) == (2, 0, 1)
    assert (north["registrations"], north["present"], north["absent"], north["waiting"]) == (6, 4, 2, 1)
    assert north["attendance_rate"] == pytest.approx(66.7)
    assert north["waiting_pressure"] is None  # no planned session: no pressure to compute
    assert north["next_start"] is None  # nothing will change with time alone

    module_b = board(data, module_id=data.modules[1].pk).overview()
    assert (module_b["held"], module_b["planned"], module_b["registrations"], module_b["waiting"]) == (1, 1, 5, 2)
    assert module_b["waiting_pressure"] == 40.0


def test_participants_by_directorate_and_site(data):
    dashboard = board(data)
    assert [(r["label"], r["attendances"], r["participants"]) for r in dashboard.participants_by_directorate()] == [
        ("TSTA", 3, 2),
        ("TSTB", 2, 2),
        ("Non renseignée", 1, 1),
    ]
    assert [(r["label"], r["attendances"], r["participants"]) for r in dashboard.participants_by_site()] == [
        ("Site de test Nord", 3, 2),
        ("Site de test Sud", 2, 2),
        ("Non renseigné", 1, 1),
    ]


def test_satisfaction(data):
    dashboard = board(data)
    overall = dashboard.satisfaction()
    assert overall["answers"] == 6
    assert overall["average"] == pytest.approx(23 / 6, abs=0.01)
    assert overall["distribution"] == [0, 1, 1, 2, 2]

    module_a, module_b = data.modules
    by_module = {row["label"]: row for row in dashboard.satisfaction_by_module()}
    assert (by_module[module_a.title]["average"], by_module[module_a.title]["answers"]) == (4.25, 4)
    assert by_module[module_a.title]["distribution"] == [0, 0, 1, 1, 2]
    assert (by_module[module_b.title]["average"], by_module[module_b.title]["answers"]) == (3.0, 2)

    by_site = {row["label"]: (row["average"], row["answers"]) for row in dashboard.satisfaction_by_site()}
    assert by_site == {"Site de test Nord": (3.75, 4), "Site de test Sud": (4.0, 2)}

    by_facilitator = {row["label"]: (row["average"], row["answers"]) for row in dashboard.satisfaction_by_facilitator()}
    assert by_facilitator == {"Anim Externe": (4.25, 4), "Anim Interne-Un": (3.5, 4), "Anim Interne-Deux": (3.0, 2)}

    by_session = [(row["average"], row["answers"]) for row in dashboard.satisfaction_by_session()]
    assert by_session == [(4.5, 2), (4.0, 2), (3.0, 2)]
    assert dashboard.satisfaction_by_session()[0]["label"].startswith(f"{module_a.title} – 10/02/2021 09:30")


def test_facilitation_mix_per_quarter(data):
    mix = board(data).facilitation_mix()
    assert [(q["label"], q["external"], q["mixed"], q["internal"], q["internal_share"]) for q in mix] == [
        ("T1 2021", 1, 0, 0, 0.0),
        ("T2 2021", 0, 1, 0, 0.0),
        ("T3 2021", 0, 0, 1, 100.0),
        ("T4 2021", 0, 0, 1, 100.0),
    ]


def test_facilitator_sees_only_their_own_sessions(data):
    own = board(data, facilitator=data.users["int2"])
    figures = own.overview()
    assert (figures["held"], figures["planned"], figures["registrations"], figures["waiting"]) == (1, 1, 5, 2)
    assert [(r["label"], r["average"], r["answers"]) for r in own.satisfaction_by_facilitator()] == [
        ("Anim Interne-Deux", 3.0, 2)
    ]
    assert own.satisfaction()["answers"] == 2
    assert [q["label"] for q in own.facilitation_mix()] == ["T3 2021", "T4 2021"]


def test_trainer_pipeline(data):
    before = {row["status"]: row["count"] for row in board(data).trainer_pipeline()}
    TrainerProfile.objects.create(user=data.users["a1"], status="in_training")
    TrainerProfile.objects.create(user=data.users["int1"], status="co_facilitator")
    TrainerProfile.objects.create(user=data.users["int2"], status="lead")
    TrainerProfile.objects.create(user=data.users["a2"], status="in_training")
    after = {row["status"]: row["count"] for row in board(data).trainer_pipeline()}
    assert {key: after[key] - before[key] for key in after} == {
        "in_training": 2,
        "co_facilitator": 1,
        "supervised_lead": 0,
        "lead": 1,
    }
