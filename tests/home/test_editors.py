"""What editors get besides page forms: reference snippets (list, filter, export), the accessibility checker."""

import pytest

pytestmark = pytest.mark.django_db


def test_editor_lists_filters_and_exports_reference_snippets(client_for):
    editor = client_for("redacteur")
    for model in ("theme", "location", "directorate", "organisation"):
        response = editor.get(f"/admin/snippets/core/{model}/")
        assert response.status_code == 200, model
    response = editor.get("/admin/snippets/core/organisation/", {"kind": "external"})
    html = response.content.decode()
    assert "ImFusio" in html and "Mission innovation" not in html.split("<tbody")[-1]
    response = editor.get("/admin/snippets/core/location/", {"export": "csv"})
    assert response.status_code == 200
    csv = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Paris – Bercy" in csv and "Île-de-France" in csv


def test_accessibility_checker_is_active_for_editors_only(client_for, client):
    response = client_for("redacteur").get("/")
    html = response.content.decode()
    assert "wagtail-userbar" in html and "axe" in html  # Wagtail's userbar runs axe for editors
    client.logout()
    response = client_for("agent").get("/")
    assert "wagtail-userbar" not in response.content.decode()


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/admin/media/chooser/video/", "Le PassInnov en bref"),
        ("/admin/documents/chooser/", "Sous-titres"),
        ("/admin/images/chooser/", "Affiche"),
    ],
)
@pytest.mark.parametrize("username", ["redacteur", "moderateur"])
def test_editors_can_choose_the_files_of_their_pages(client_for, username, url, expected):
    response = client_for(username).get(url)
    assert response.status_code == 200
    assert expected in response.json()["html"]
