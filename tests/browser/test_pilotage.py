"""The training department's dashboard in a real browser: readable, accessible, nothing from another host."""

import pytest

from tests.a11y import audit
from tests.conftest import csp_violations

pytestmark = pytest.mark.browser


def test_training_department_reads_the_dashboard_and_exports(signed_in_page):
    page = signed_in_page("formation", next_url="/pilotage/")
    assert page.url.endswith("/pilotage/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tableau de bord de la formation"
    # Every chart has its table of figures; the charts themselves are hidden from assistive technologies.
    assert page.locator("svg.passinnov-chart").count() >= 2
    assert page.locator("svg.passinnov-chart:not([aria-hidden='true'])").count() == 0
    assert page.get_by_role("table", name="Sessions par trimestre selon le mode d’animation").is_visible()
    assert page.get_by_role("table", name="Répartition des notes globales").count() == 0  # heading, not table
    audit(page)

    # Filtering by a module keeps the page valid and accessible.
    page.get_by_label("Module", exact=True).select_option(index=1)
    page.get_by_role("button", name="Appliquer").click()
    page.wait_for_load_state("networkidle")
    assert "module=" in page.url
    audit(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="inscriptions (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert page.foreign_requests == []
    assert csp_violations(page) == []


def test_trainers_page_is_accessible(signed_in_page):
    page = signed_in_page("formation", next_url="/pilotage/formateurs/")
    assert page.get_by_role("heading", level=1).inner_text() == "Formateurs internes"
    audit(page)
    page.get_by_role("link", name="Hugo Moreau", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Hugo Moreau"
    audit(page)
    assert page.foreign_requests == []
    assert csp_violations(page) == []
