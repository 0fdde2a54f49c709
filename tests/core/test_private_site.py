import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    doc = Document(title="Déroulé du module")
    doc.file.save("deroule.txt", ContentFile(b"Deroule du module"), save=True)
    return doc


@pytest.fixture
def media_file(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "photo.txt").write_bytes(b"not public")
    return "/media/images/photo.txt"


@pytest.mark.parametrize("path", ["/", "/mentions-legales/", "/donnees-personnelles/", "/page-inconnue/"])
def test_anonymous_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={path}"


def test_anonymous_media_redirects_to_login(client, media_file):
    response = client.get(media_file)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_signed_in_user_gets_media(agent_client, media_file):
    response = agent_client.get(media_file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"not public"
    assert response["Cache-Control"].startswith("private")


def test_media_path_traversal_is_refused(agent_client, media_file):
    assert agent_client.get("/media/../settings.py").status_code == 404
    assert agent_client.get("/media/images/absent.txt").status_code == 404


def test_media_uses_x_accel_redirect_in_production(agent_client, media_file, settings):
    settings.PASSINNOV_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = agent_client.get(media_file)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/images/photo.txt"
    assert response.content == b""


def test_anonymous_document_redirects_to_login(client, document):
    response = client.get(document.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_signed_in_user_gets_document(agent_client, document):
    response = agent_client.get(document.url)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/login/", "/admin/password_reset/"])
def test_anonymous_admin_visitors_go_to_the_site_login_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/connexion/?next={path}"


@pytest.mark.parametrize("username", ["agent", "animateur"])
@pytest.mark.parametrize("path", ["/admin/", "/admin/pages/", "/admin/login/", "/admin/snippets/"])
def test_people_without_admin_access_get_the_site_403_page(client_for, username, path):
    """An agent (or a facilitator) who opens the admin: PassInnov's own page, not a second login form."""
    response = client_for(username).get(path)
    assert response.status_code == 403
    html = response.content.decode()
    assert "Accès refusé" in html and "fr-header" in html
    assert 'name="password"' not in html


def test_logging_out_of_the_admin_leads_to_the_site_login_page(client_for):
    response = client_for("redacteur").post("/admin/logout/")
    assert response.status_code == 302 and response["Location"] == "/connexion/"


def test_editor_enters_admin(client_for):
    assert client_for("redacteur").get("/admin/").status_code == 200


def test_health_check_is_public_and_has_no_personal_data(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_check_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_media_answers_byte_ranges_for_video_seeking(agent_client, media_file):
    response = agent_client.get(media_file, HTTP_RANGE="bytes=4-6")
    assert response.status_code == 206
    assert response["Content-Range"] == "bytes 4-6/10"
    assert b"".join(response.streaming_content) == b"pub"
    suffix = agent_client.get(media_file, HTTP_RANGE="bytes=-3")
    assert b"".join(suffix.streaming_content) == b"lic"
    open_ended = agent_client.get(media_file, HTTP_RANGE="bytes=8-")
    assert b"".join(open_ended.streaming_content) == b"ic"


def test_media_refuses_an_unsatisfiable_range(agent_client, media_file):
    response = agent_client.get(media_file, HTTP_RANGE="bytes=50-60")
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */10"


def test_media_ignores_a_malformed_range(agent_client, media_file):
    response = agent_client.get(media_file, HTTP_RANGE="bytes=a-b")
    assert response.status_code == 200
    assert response["Accept-Ranges"] == "bytes"
