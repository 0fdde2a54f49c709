"""External LRS endpoints in the Wagtail admin: administrators only, the secret is never shown back."""

import uuid

import pytest
from django.urls import reverse

from pilotage.models import LrsEndpoint, RefusedStatement

pytestmark = pytest.mark.django_db

INDEX = "/admin/lrs-externes/"


def form_data(**overrides):
    data = {
        "name": "LRS académique",
        "statements_url": "https://lrs.example/xAPI/statements",
        "username": "cle-passinnov",
        "password": "tres-secret-123",
        "batch_size": "200",
        "timeout": "20",
        "active": "on",
    }
    return data | overrides


def test_administrator_creates_an_endpoint_and_never_sees_the_secret_again(client_for):
    client = client_for("admin")
    response = client.post(INDEX + "new/", form_data())
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = LrsEndpoint.objects.get(name="LRS académique")
    assert endpoint.password == "tres-secret-123" and endpoint.batch_size == 200

    edit_url = reverse("pilotage_lrs:edit", args=[endpoint.pk])
    page = client.get(edit_url).content.decode()
    assert "tres-secret-123" not in page
    assert "Laissez vide pour conserver l’actuel" in page

    # Saving with the secret left empty keeps it; a new one replaces it.
    client.post(edit_url, form_data(password="", batch_size="50"))
    endpoint.refresh_from_db()
    assert (endpoint.password, endpoint.batch_size) == ("tres-secret-123", 50)
    client.post(edit_url, form_data(password="nouveau-secret-456"))
    endpoint.refresh_from_db()
    assert endpoint.password == "nouveau-secret-456"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"password": ""}, "Indiquez le mot de passe (secret)"),
        ({"batch_size": "0"}, "Choisissez une taille de lot entre 1 et 1 000."),
        ({"timeout": "9999"}, "Choisissez un délai entre 1 et 300 secondes."),
        ({"statements_url": "pas une url"}, "Saisissez une URL valide."),
    ],
)
def test_bad_endpoint_forms_change_nothing(client_for, overrides, message):
    response = client_for("admin").post(INDEX + "new/", form_data(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LrsEndpoint.objects.filter(name="LRS académique").exists()


def test_listing_shows_lag_last_success_and_last_error(
    client_for, endpoint, make_statements, django_assert_max_num_queries
):
    make_statements(7)
    LrsEndpoint.objects.filter(pk=endpoint.pk).update(last_error="HTTP 503 from the LRS", consecutive_failures=2)
    client = client_for("admin")
    client.get(INDEX)
    with django_assert_max_num_queries(40):
        html = client.get(INDEX).content.decode()
    assert "LRS du service formation" in html
    assert "Déclarations en attente" in html and "Erreur en cours" in html
    assert ">7<" in "".join(html.split())
    assert "HTTP 503 from the LRS" in html
    assert "s3cret-value" not in html
    for index in range(5):
        LrsEndpoint.objects.create(
            name=f"LRS {index}", statements_url="https://x.example/s", username="u", password="p"
        )
    with django_assert_max_num_queries(40):
        client.get(INDEX)


@pytest.mark.parametrize("username", ["formation", "redacteur", "agent"])
def test_only_administrators_configure_endpoints(client_for, endpoint, username):
    client = client_for(username)
    assert client.get(INDEX).status_code in (302, 403)
    response = client.post(INDEX + "new/", form_data())
    assert response.status_code in (302, 403)
    assert not LrsEndpoint.objects.filter(name="LRS académique").exists()
    edit = client.get(reverse("pilotage_lrs:edit", args=[endpoint.pk]))
    assert edit.status_code in (302, 403)


def test_admin_menu_links_the_dashboard_for_the_training_department_only(client_for):
    assert "/pilotage/" in client_for("formation").get("/admin/").content.decode()
    assert "/pilotage/" not in client_for("redacteur").get("/admin/").content.decode()


def test_refused_statements_are_shown_to_administrators(client_for, endpoint, django_assert_max_num_queries):
    refused = [
        RefusedStatement.objects.create(
            endpoint=endpoint,
            kind=kind,
            statement_id=uuid.uuid4(),
            voided_statement_id=uuid.uuid4() if kind == "erasure" else None,
            status_code=422,
            message="HTTP 422 de http://lrs.test : field required",
        )
        for kind in ("statement", "erasure")
    ]
    client = client_for("admin")
    client.get(INDEX)
    with django_assert_max_num_queries(40):
        html = client.get(INDEX).content.decode()
    assert "Déclarations refusées" in html and ">2<" in "".join(html.split())
    html = client.get(reverse("pilotage_lrs:edit", args=[endpoint.pk])).content.decode()
    assert "Déclarations refusées par ce LRS" in html
    for item in refused:
        assert str(item.statement_id) in html
    assert str(refused[1].voided_statement_id) in html and "field required" in html
    assert client.get(INDEX + "new/").status_code == 200  # the panel on a new endpoint
