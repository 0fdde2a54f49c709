"""The dashboard finds its way: an in-page menu, the period shown in its date fields, export files named
after their filters, and trainers designated by searching a name."""

import re

import pytest
from django.urls import reverse

from pilotage.forms import FilterForm
from pilotage.models import TrainerProfile
from tests.pilotage.dataset import PERIOD

pytestmark = pytest.mark.django_db

DASHBOARD = "/pilotage/"


def test_the_dashboard_has_an_in_page_menu_to_each_section(client_for, data):
    html = client_for("formation").get(DASHBOARD).content.decode()
    menu = html[html.index('class="fr-summary') : html.index("</nav>", html.index('class="fr-summary'))]
    anchors = re.findall(r'href="#([\w-]+)"', menu)
    assert anchors[:2] == ["filtres", "activite"] and "exports" in anchors and "diffusion-des-pratiques" in anchors
    for anchor in anchors:
        assert f'id="{anchor}"' in html


def test_the_date_fields_show_the_period_actually_shown(client_for, data):
    client = client_for("formation")
    default_from, default_to = FilterForm.default_period()
    html = client.get(DASHBOARD).content.decode()
    assert f'name="date_from" value="{default_from.isoformat()}"' in html
    assert f'name="date_to" value="{default_to.isoformat()}"' in html
    # A filter on the module alone keeps the default period, shown in the fields.
    html = client.get(DASHBOARD, {"module": data.modules[0].pk}).content.decode()
    assert f'name="date_from" value="{default_from.isoformat()}"' in html
    # A chosen period is shown as chosen.
    html = client.get(DASHBOARD, {"date_from": PERIOD[0].isoformat()}).content.decode()
    assert f'name="date_from" value="{PERIOD[0].isoformat()}"' in html
    assert f'name="date_to" value="{default_to.isoformat()}"' in html


def test_export_file_names_carry_the_filters(client_for, data):
    client = client_for("formation")
    query = {"date_from": PERIOD[0].isoformat(), "date_to": PERIOD[1].isoformat()}
    plain = client.get(reverse("pilotage:export", args=["inscriptions", "csv"]), query)
    assert 'filename="passinnov-inscriptions-20210101-20211231.csv"' in plain["Content-Disposition"]
    module, site = data.modules[0], data.sites["north"]
    filtered = client.get(
        reverse("pilotage:export", args=["inscriptions", "xlsx"]), query | {"module": module.pk, "site": site.pk}
    )
    assert (
        f'filename="passinnov-inscriptions-20210101-20211231-{module.slug}-site-de-test-nord.xlsx"'
        in filtered["Content-Disposition"]
    )
    # A facilitator's own figures say so in the name.
    client.force_login(data.users["int1"])
    own = client.get(reverse("pilotage:export", args=["presences", "csv"]), query)
    assert own["Content-Disposition"].endswith('-20210101-20211231-mes-sessions.csv"')


def test_a_trainer_is_designated_by_searching_a_name(client_for, data):
    client = client_for("formation")
    page = client.get(reverse("pilotage:trainers"), {"q": "a1 testeur"}).content.decode().replace("\xa0", " ")
    results = page[page.index('id="results-legend"') :]
    assert "1 agent trouvé pour « a1 testeur »" in results
    assert f'value="{data.users["a1"].username}" checked' in results and "A1 Testeur" in results
    assert "A2 Testeur" not in results
    response = client.post(reverse("pilotage:trainers"), {"agent": data.users["a1"].username, "status": "in_training"})
    assert response.status_code == 302
    assert TrainerProfile.objects.get(user=data.users["a1"]).status == "in_training"
    # Once nominated, the agent is no longer offered, and the list links to assigning them a session.
    page = client.get(reverse("pilotage:trainers"), {"q": "testeur"}).content.decode()
    results = page[page.index('id="results-legend"') :]
    assert "A1 Testeur" not in results and "A2 Testeur" in results
    admin_sessions = reverse("wagtailsnippets_training_sessions_session:list")
    assert f'href="{admin_sessions}?status=scheduled">Affecter à une session' in page


@pytest.mark.parametrize("query, said", [("zzz-personne", True), ("\x00", True), ("   ", False)])
def test_a_search_without_match_says_so(client_for, data, query, said):
    response = client_for("formation").get(reverse("pilotage:trainers"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="results-legend"' not in html
    assert ("Aucun agent ne correspond" in html) is said
