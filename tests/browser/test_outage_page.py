"""The page people see while the database is unreachable: DSFR, French, accessible, no other host."""

import pytest

from tests.a11y import audit
from tests.conftest import csp_violations, sign_in
from tests.core.test_outage import database_down

pytestmark = pytest.mark.browser


def test_the_503_page_while_the_database_is_down(page):
    sign_in(page, "agent")
    with database_down():
        response = page.goto("/mon-parcours/")
        assert response.status == 503 and response.headers["retry-after"] == "30"
        assert page.get_by_role("heading", level=1).inner_text() == "Service momentanément indisponible"
        audit(page)
    assert page.foreign_requests == []
    assert csp_violations(page) == []
    page.get_by_role("link", name="Page d'accueil").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "PassInnov"  # back by itself
    assert csp_violations(page) == []
