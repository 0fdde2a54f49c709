"""« Diffusion des pratiques »: figures computed by hand on a fixed 2021 data set, filters, exports, access.

Sessions and agents come from tests.pilotage.dataset (module A: a1, a2 present at S1, a4, a5 at S2; module B:
a1, a6 present at S3). Declared uses in 2021 (and one in 2020, outside the period):
  a1 A1 5 Mar (5/5), a1 A1 20 Mar (3/5), a2 A2 2 Apr (4/5), a3 A1 10 Apr (4/5, never attended A),
  a4 B1 1 Jun (2/5, never attended B), a6 B1 15 Sep (5/5); a5 A1 31 Dec 2020.
Follow-up answers: a1 A regularly (15 Apr), a2 A never, obstacles time + management (16 Apr), a4 A once,
obstacle time (20 Jul), a6 B a few times (1 Nov); a5 A in 2022 (outside); a3 A reminded, not answered.
"""

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fiches.models import FichePage
from pilotage.practice_stats import PracticeFigures
from practices import services
from practices.models import FollowUp, FollowUpObstacle
from tests.pilotage.dataset import NOW, PARIS, PERIOD, build
from tests.pilotage.spreadsheets import read_csv, read_xlsx

pytestmark = pytest.mark.django_db

DASHBOARD = "/pilotage/"
QUERY = {"date_from": PERIOD[0].isoformat(), "date_to": PERIOD[1].isoformat()}


def fiche_of(module, index):
    return FichePage.objects.live().filter(related_module=module).order_by("title")[index]


def practices(data):
    module_a, module_b = data.modules
    fiches = {"A1": fiche_of(module_a, 0), "A2": fiche_of(module_a, 1), "B1": fiche_of(module_b, 0)}
    uses = [
        ("a1", "A1", date(2021, 3, 5), 5), ("a1", "A1", date(2021, 3, 20), 3), ("a2", "A2", date(2021, 4, 2), 4),
        ("a3", "A1", date(2021, 4, 10), 4), ("a4", "B1", date(2021, 6, 1), 2), ("a6", "B1", date(2021, 9, 15), 5),
        ("a5", "A1", date(2020, 12, 31), 4),
    ]  # fmt: skip
    for user_key, fiche_key, used_on, rating in uses:
        services.declare(
            data.users[user_key], fiches[fiche_key], used_on=used_on, team_size="6-12", audience="own_team",
            setting="workshop", rating=rating,
        )  # fmt: skip
    answers = [
        ("a1", module_a, "regularly", [], datetime(2021, 4, 15, 10, tzinfo=PARIS)),
        ("a2", module_a, "never", ["time", "management"], datetime(2021, 4, 16, 10, tzinfo=PARIS)),
        ("a4", module_a, "once", ["time"], datetime(2021, 7, 20, 10, tzinfo=PARIS)),
        ("a6", module_b, "sometimes", [], datetime(2021, 11, 1, 10, tzinfo=PARIS)),
        ("a5", module_a, "regularly", [], datetime(2022, 1, 5, 10, tzinfo=PARIS)),
    ]
    for user_key, module, frequency, obstacles, answered_at in answers:
        follow_up = FollowUp.objects.create(
            user=data.users[user_key], module=module, frequency=frequency, answered_at=answered_at
        )
        FollowUpObstacle.objects.bulk_create([FollowUpObstacle(follow_up=follow_up, code=code) for code in obstacles])
    FollowUp.objects.create(user=data.users["a3"], module=module_a, reminder_sent_at=datetime(2021, 5, 1, tzinfo=PARIS))
    return fiches


@pytest.fixture
def data():
    with time_machine.travel(NOW, tick=True):
        data = build()
        data.fiches = practices(data)
        yield data


def test_figures_of_the_period(data):
    figures = PracticeFigures(data.filters())
    assert figures.overview() == {"uses": 6, "agents": 5, "directorates": 2, "fiches": 3, "average": 3.83}
    by_fiche = {row["label"]: row for row in figures.by_fiche()}
    a1, b1 = data.fiches["A1"].title, data.fiches["B1"].title
    assert (by_fiche[a1]["uses"], by_fiche[a1]["agents"], by_fiche[a1]["directorates"]) == (3, 2, 1)
    assert (by_fiche[b1]["uses"], by_fiche[b1]["agents"], by_fiche[b1]["directorates"]) == (2, 2, 1)
    assert figures.by_fiche()[0]["label"] == a1  # most used first
    module_a, module_b = data.modules
    assert [(r["label"], r["uses"], r["agents"], r["fiches"]) for r in figures.by_module()] == [
        (module_a.title, 4, 3, 2),
        (module_b.title, 2, 2, 1),
    ]
    assert [(r["label"], r["uses"]) for r in figures.by_directorate()] == [
        ("TSTA", 4),
        ("TSTB", 1),
        ("Non renseignée", 1),
    ]
    assert [(r["month"], r["uses"]) for r in figures.by_month()] == [
        (date(2021, 3, 1), 2), (date(2021, 4, 1), 2), (date(2021, 5, 1), 0), (date(2021, 6, 1), 1),
        (date(2021, 7, 1), 0), (date(2021, 8, 1), 0), (date(2021, 9, 1), 1),
    ]  # fmt: skip
    assert sorted((r["label"], r["uses"]) for r in figures.outside_training()) == sorted([(a1, 1), (b1, 1)])

    follow_up = figures.follow_up()
    assert follow_up["total"] == {"answers": 4, "reused": 3, "share": 75.0}
    assert [(r["label"], r["answers"], r["reused"], r["share"]) for r in follow_up["by_module"]] == sorted(
        [(module_a.title, 3, 2, 66.7), (module_b.title, 1, 1, 100.0)]
    )
    by_directorate = {r["label"]: (r["answers"], r["share"]) for r in follow_up["by_directorate"]}
    assert by_directorate == {"TSTA": (2, 50.0), "TSTB": (1, 100.0), "Non renseignée": (1, 100.0)}
    obstacles = {r["code"]: (r["count"], r["share"]) for r in figures.obstacles(4)}
    assert obstacles["time"] == (2, 50.0) and obstacles["management"] == (1, 25.0) and obstacles["team"] == (0, 0.0)


def test_filters_by_module_site_and_period(data):
    module_a, module_b = data.modules
    assert PracticeFigures(data.filters(module_id=module_b.pk)).overview()["uses"] == 2
    assert PracticeFigures(data.filters(module_id=module_b.pk)).follow_up()["total"]["answers"] == 1
    north = PracticeFigures(data.filters(site_id=data.sites["north"].pk))
    assert north.overview()["uses"] == 4 and north.follow_up()["total"]["answers"] == 2
    from pilotage.stats import Filters

    spring = PracticeFigures(Filters(date_from=date(2021, 4, 1), date_to=date(2021, 4, 30)))
    assert spring.overview()["uses"] == 2 and spring.follow_up()["total"]["answers"] == 2


def test_the_dashboard_shows_the_section_with_charts_and_tables(client_for, data):
    html = client_for("formation").get(DASHBOARD, QUERY).content.decode()
    assert '<h2 id="diffusion-des-pratiques">Diffusion des pratiques</h2>' in html
    assert 'data-practice-kpi="uses">6<' in html and 'data-practice-kpi="directorates">2<' in html
    assert f'data-fiche-uses="{data.fiches["A1"].title}">3<' in html
    assert f'data-reuse-share="{data.modules[0].title}">66,7 %<' in html
    assert 'data-obstacle="time">2<' in html
    assert "<caption>Utilisations déclarées par mois</caption>" in html
    assert "<caption>Fiches les plus utilisées par des agents qui n’ont pas suivi leur module</caption>" in html
    section = html.split('id="diffusion-des-pratiques"', 1)[1].split("<h2>Exports", 1)[0]
    assert section.count('<svg class="passinnov-chart" aria-hidden="true" focusable="false"') == 4
    assert "75,0 % des répondants ont réutilisé ce qu’ils ont appris (4 réponses)" in " ".join(section.split())


def test_facilitators_do_not_see_practices(client, data):
    client.force_login(data.users["int1"])
    html = client.get(DASHBOARD, QUERY).content.decode()
    assert "Diffusion des pratiques" not in html
    assert reverse("pilotage:export", args=["pratiques", "csv"]) not in html
    for kind in ("pratiques", "suivis"):
        assert client.get(reverse("pilotage:export", args=[kind, "csv"]), QUERY).status_code == 403


@pytest.mark.parametrize("username", ["agent", "redacteur", "moderateur"])
def test_agents_and_editors_cannot_export_practices(client_for, username):
    client = client_for(username)
    for kind in ("pratiques", "suivis"):
        for fmt in ("csv", "xlsx"):
            assert client.get(reverse("pilotage:export", args=[kind, fmt])).status_code == 403


@pytest.mark.parametrize("kind, rows", [("pratiques", 6), ("suivis", 4)])
def test_exports_with_the_dashboards_filters(client_for, data, kind, rows):
    client = client_for("formation")
    url = reverse("pilotage:export", args=[kind, "csv"])
    csv_rows = read_csv(client.get(url, QUERY))
    xlsx_rows = read_xlsx(client.get(reverse("pilotage:export", args=[kind, "xlsx"]), QUERY))
    assert csv_rows == xlsx_rows
    assert len(csv_rows) == 1 + rows
    north = read_csv(client.get(url, QUERY | {"site": data.sites["north"].pk}))
    assert len(north) == 1 + {"pratiques": 4, "suivis": 2}[kind]


def test_declared_uses_export_contents(client_for, data):
    rows = read_csv(client_for("formation").get(reverse("pilotage:export", args=["pratiques", "csv"]), QUERY))
    assert rows[0] == [
        "Jour d’utilisation", "Fiche", "Module", "Direction", "Site de travail de l’agent", "Agent formé au module",
        "Taille du groupe", "Avec qui", "Cadre", "Ressenti (sur 5)", "Récit publié", "Auteur (partagé avec son nom)",
    ]  # fmt: skip
    first = rows[1]
    assert first[:6] == [
        "2021-03-05",
        data.fiches["A1"].title,
        data.modules[0].title,
        "TSTA",
        "Site de test Nord",
        "oui",
    ]
    assert first[6:10] == ["6 à 12 personnes", "mon équipe", "un atelier", "5"]
    assert [row[5] for row in rows[1:]] == ["oui", "oui", "oui", "non", "non", "oui"]
    assert all(data.users["a1"].last_name not in cell for row in rows[1:] for cell in row[:10])


def test_follow_up_export_contents(client_for, data):
    rows = read_csv(client_for("formation").get(reverse("pilotage:export", args=["suivis", "csv"]), QUERY))
    assert rows[0] == [
        "Répondu le", "Module", "Direction", "Site de travail de l’agent", "A réutilisé ce qu’il a appris",
        "Fiches utilisées", "Freins", "Autre frein",
    ]  # fmt: skip
    second = rows[2]
    assert second[0] == "2021-04-16 10:00" and second[4] == "Non, pas encore"
    assert second[6] == "Pas assez de soutien de ma hiérarchie ; Manque de temps"


def test_dashboard_and_export_queries_do_not_grow_with_practices(client_for, data, django_assert_max_num_queries):
    client = client_for("formation")
    export = reverse("pilotage:export", args=["suivis", "xlsx"])
    client.get(DASHBOARD, QUERY)
    with CaptureQueriesContext(connection) as dashboard_queries:
        client.get(DASHBOARD, QUERY)
    with CaptureQueriesContext(connection) as export_queries:
        client.get(export, QUERY)
    with time_machine.travel(NOW, tick=True):
        more = build(prefix="u")
        practices(more)
    dashboard_budget, export_budget = len(dashboard_queries), len(export_queries)
    client.get(
        DASHBOARD, QUERY
    )  # the data changed: the first request rebuilds the cached fragments, roles and permissions
    with django_assert_max_num_queries(dashboard_budget):
        client.get(DASHBOARD, QUERY)
    client.get(export, QUERY)
    with django_assert_max_num_queries(export_budget):
        client.get(export, QUERY)
