import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilotage.models import TrainerProfile
from tests.pilotage.dataset import PERIOD, build
from tests.pilotage.spreadsheets import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

DASHBOARD = "/pilotage/"
QUERY = {"date_from": PERIOD[0].isoformat(), "date_to": PERIOD[1].isoformat()}


@pytest.mark.parametrize("username", ["agent", "redacteur", "moderateur"])
def test_agents_and_editors_cannot_open_the_dashboard_or_exports(client_for, username):
    client = client_for(username)
    assert client.get(DASHBOARD).status_code == 403
    assert client.get(reverse("pilotage:export", args=["inscriptions", "csv"])).status_code == 403
    assert client.get(reverse("pilotage:export", args=["evaluations", "xlsx"])).status_code == 403
    assert client.get(reverse("pilotage:trainers")).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and "/connexion/" in response["Location"]


@pytest.mark.parametrize("username", ["formation", "admin"])
def test_training_department_reads_the_dashboard(client_for, data, username):
    response = client_for(username).get(DASHBOARD, QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tableau de bord de la formation</h1>" in html
    assert 'data-kpi="held">3<' in html
    assert 'data-kpi="attendance_rate">75,0 %<' in html
    assert 'data-kpi="waiting_pressure">40,0 %<' in html
    assert "<caption>Sessions par trimestre selon le mode d’animation</caption>" in html
    assert '<th scope="row">T3 2021</th>' in html
    assert html.count('aria-hidden="true" focusable="false"') >= 3  # charts, each beside its table
    assert 'data-rating="5">2<' in html
    assert 'data-pipeline="lead"' in html
    assert "wagtail-userbar" not in html  # nothing edited in Wagtail here; the header links to the admin
    assert "http://" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")


def test_facilitator_sees_only_their_own_figures(client, data):
    client.force_login(data.users["int2"])
    response = client.get(DASHBOARD, QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "les chiffres des sessions que vous animez" in html
    assert 'data-kpi="held">1<' in html and 'data-kpi="planned">1<' in html
    assert "Anim Externe" not in html  # another facilitator's satisfaction is not shown
    assert 'data-pipeline="lead"' not in html
    assert "Mon dossier de formateur interne" not in html
    profile = TrainerProfile.objects.create(user=data.users["int2"], status="lead")
    assert reverse("pilotage:trainer", args=[profile.pk]) in client.get(DASHBOARD, QUERY).content.decode()
    export = client.get(reverse("pilotage:export", args=["inscriptions", "csv"]), QUERY)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    # S3: a1, a6, a2; S4: a3, a4, a5 (waiting), a2 (waiting); S1 and S2 are not theirs.
    assert len(rows) == 1 + 7


def test_bad_filters_are_reported_in_french_and_ignored(client_for, data):
    client = client_for("formation")
    response = client.get(DASHBOARD, {"date_from": "2021-12-31", "date_to": "2021-01-01", "module": "abc"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "La fin de la période doit être postérieure à son début." in html
    assert "Module : " in html
    response = client.get(reverse("pilotage:export", args=["inscriptions", "csv"]), {"date_from": "n’importe quoi"})
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert "L’export n’a pas été produit" in follow.content.decode()
    assert client.get("/pilotage/exports/inconnu.csv").status_code == 404
    assert client.get("/pilotage/exports/inscriptions.pdf").status_code == 404
    assert client.post(DASHBOARD).status_code == 405


@pytest.mark.parametrize("kind", ["inscriptions", "presences", "evaluations"])
def test_xlsx_opens_with_openpyxl_and_matches_the_csv(client_for, data, kind):
    client = client_for("formation")
    csv_response = client.get(reverse("pilotage:export", args=[kind, "csv"]), QUERY)
    xlsx_response = client.get(reverse("pilotage:export", args=[kind, "xlsx"]), QUERY)
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in csv_response["Content-Disposition"]
    assert xlsx_response["Content-Disposition"].endswith('.xlsx"')
    csv_rows, xlsx_rows = read_csv(csv_response), read_xlsx(xlsx_response)
    assert csv_rows == xlsx_rows
    assert len(csv_rows) > 1


def test_export_contents(client_for, data):
    client = client_for("formation")
    rows = read_csv(client.get(reverse("pilotage:export", args=["inscriptions", "csv"]), QUERY))
    assert rows[0] == [
        "Date de la session", "Module", "Site", "Nom", "Prénom", "Identifiant", "Direction",
        "Site de travail de l’agent", "Statut", "Inscrit le", "Présence",
    ]  # fmt: skip
    assert len(rows) == 1 + 15  # every registration of the scheduled sessions, cancelled ones included
    first = rows[1]
    assert first[0] == "2021-02-10 09:30" and first[2] == "Site de test Nord" and first[5] == "t-a1"
    assert first[10] == "oui"  # « Présence : oui », no adjective to agree with the agent

    attendance = read_csv(client.get(reverse("pilotage:export", args=["presences", "csv"]), QUERY))
    assert len(attendance) == 1 + 9  # registered agents of S1, S2, S3
    assert sorted(row[7] for row in attendance[1:]) == sorted(["oui"] * 6 + ["non"] * 2 + ["non saisie"])

    evaluations = read_csv(client.get(reverse("pilotage:export", args=["evaluations", "csv"]), QUERY))
    assert len(evaluations) == 1 + 6
    assert "Identifiant" not in evaluations[0]  # answers stay anonymous
    assert sorted(int(row[3]) for row in evaluations[1:]) == [2, 3, 4, 4, 5, 5]

    site = read_csv(
        client.get(reverse("pilotage:export", args=["evaluations", "csv"]), QUERY | {"site": data.sites["south"].pk})
    )
    assert len(site) == 1 + 2


def test_export_neutralises_spreadsheet_formulas(client_for, data):
    from training_sessions.models import Evaluation

    Evaluation.objects.filter(comment="Avis a1 sur S1").update(comment='=HYPERLINK("http://x","clic")')
    client = client_for("formation")
    rows = read_csv(client.get(reverse("pilotage:export", args=["evaluations", "csv"]), QUERY))
    assert '\'=HYPERLINK("http://x","clic")' in [row[7] for row in rows]
    xlsx = read_xlsx(client.get(reverse("pilotage:export", args=["evaluations", "xlsx"]), QUERY))
    assert '\'=HYPERLINK("http://x","clic")' in [row[7] for row in xlsx]


def count_queries(client, url, params=None):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_the_data(client_for, data, django_assert_max_num_queries):
    client = client_for("formation")
    count_queries(client, DASHBOARD, QUERY)  # warm caches (site, settings)
    first = count_queries(client, DASHBOARD, QUERY)
    build(prefix="u")  # twice the sessions, registrations, evaluations and facilitators
    build(prefix="v")
    client.get(
        DASHBOARD, QUERY
    )  # the data changed: the first request rebuilds the cached fragments, roles and permissions
    with django_assert_max_num_queries(first):
        client.get(DASHBOARD, QUERY)
    assert first <= 6  # the figures and the filters' choices are cached (tests/pilotage/test_dashboard_cache.py)


def test_export_query_count_does_not_grow_with_the_data(client_for, data, django_assert_max_num_queries):
    client = client_for("formation")
    url = reverse("pilotage:export", args=["inscriptions", "xlsx"])
    count_queries(client, url, QUERY)
    first = count_queries(client, url, QUERY)
    build(prefix="u")
    client.get(url, QUERY)  # the data changed: the first request rebuilds the cached fragments, roles and permissions
    with django_assert_max_num_queries(first):
        client.get(url, QUERY)


# --- Internal trainers --------------------------------------------------------------------------------


def test_training_department_nominates_a_trainer(client_for, data, demo_user):
    client = client_for("formation")
    response = client.post(reverse("pilotage:trainers"), {"agent": "t-a1@passinnov.example", "status": "in_training"})
    assert response.status_code == 302
    profile = TrainerProfile.objects.get(user=data.users["a1"])
    assert profile.status == "in_training" and profile.nominated_by == demo_user("formation")
    page = client.get(reverse("pilotage:trainers")).content.decode()
    assert "est désormais dans le parcours de formateur interne" in page
    assert "A1 Testeur" in page


@pytest.mark.parametrize(
    "payload, message",
    [
        ({"agent": "personne", "status": "in_training"}, "Aucun agent actif n’a cet identifiant"),
        ({"agent": "t-a1", "status": "chef"}, "Statut : "),
        ({"agent": "", "status": "lead"}, "Agent : "),
    ],
)
def test_bad_nominations_change_nothing(client_for, data, payload, message):
    before = TrainerProfile.objects.count()
    response = client_for("formation").post(reverse("pilotage:trainers"), payload)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert TrainerProfile.objects.count() == before


def test_an_agent_already_nominated_is_not_nominated_twice(client_for, data):
    TrainerProfile.objects.create(user=data.users["a1"], status="lead")
    response = client_for("formation").post(reverse("pilotage:trainers"), {"agent": "t-a1", "status": "in_training"})
    assert response.status_code == 400
    assert "déjà dans le parcours" in response.content.decode()
    assert TrainerProfile.objects.get(user=data.users["a1"]).status == "lead"


def test_agents_and_facilitators_cannot_nominate(client_for, data):
    for username in ("agent", "animateur"):
        response = client_for(username).post(reverse("pilotage:trainers"), {"agent": "t-a1", "status": "lead"})
        assert response.status_code == 403
    assert not TrainerProfile.objects.filter(user=data.users["a1"]).exists()


def test_trainer_page(client, client_for, data, django_assert_max_num_queries):
    profile = TrainerProfile.objects.create(user=data.users["int1"], status="co_facilitator")
    url = reverse("pilotage:trainer", args=[profile.pk])
    staff = client_for("formation")
    with django_assert_max_num_queries(20):
        html = staff.get(url).content.decode()
    assert "<caption>Sessions menées</caption>" in html
    # int1 led S3 (rated 4 and 2) and co-facilitated S2 (rated 3 and 5)
    assert "Sessions menées : 3,00 / 5 (2 réponses)" in " ".join(html.split())
    assert "Sessions co-animées : 4,00 / 5 (2 réponses)" in " ".join(html.split())
    assert "Toutes les sessions animées : 3,50 / 5 (4 réponses)" in " ".join(html.split())
    assert "Modifier le statut" in html

    # The trainer sees their own page, without the management form; another agent does not.
    client.force_login(data.users["int1"])
    own = client.get(url)
    assert own.status_code == 200 and "Modifier le statut" not in own.content.decode()
    client.force_login(data.users["a2"])
    assert client.get(url).status_code == 403


def test_status_change(client_for, data):
    profile = TrainerProfile.objects.create(user=data.users["int1"], status="co_facilitator")
    url = reverse("pilotage:trainer_status", args=[profile.pk])
    staff = client_for("formation")
    staff.post(url, {"status": "lead"})
    profile.refresh_from_db()
    assert profile.status == "lead"
    response = staff.post(url, {"status": "roi"}, follow=True)
    assert "Le statut n’a pas été modifié" in response.content.decode()
    profile.refresh_from_db()
    assert profile.status == "lead"
    assert client_for("animateur").post(url, {"status": "in_training"}).status_code == 403
    profile.refresh_from_db()
    assert profile.status == "lead"


def test_trainer_list_query_count(client_for, data, django_assert_max_num_queries):
    for key in ("a1", "a2", "int1", "int2"):
        TrainerProfile.objects.create(user=data.users[key], status="in_training")
    client = client_for("formation")
    first = count_queries(client, reverse("pilotage:trainers"))
    more = build(prefix="w")
    for key in ("a1", "a2", "a3", "int1", "int2", "ext"):
        TrainerProfile.objects.create(user=more.users[key], status="lead")
    with django_assert_max_num_queries(first):
        client.get(reverse("pilotage:trainers"))
