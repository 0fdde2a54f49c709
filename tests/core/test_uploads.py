"""Uploaded files never run as the site: downloads are sandboxed attachments, embedded media are served inline
with their exact type; both with nosniff and a Content-Security-Policy, with or without X-Accel-Redirect."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse_lazy
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtailmedia.models import Media

pytestmark = pytest.mark.django_db

HOSTILE_HTML = b"<html><body><script>fetch('/admin/users/')</script></body></html>"
HOSTILE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
DOWNLOAD_CSP = "default-src 'none'; sandbox"

# file under MEDIA_ROOT -> (type, inline)
MEDIA = {
    "documents/programme.html": ("application/octet-stream", False),
    "original_images/logo.svg": ("application/octet-stream", False),
    "documents/archive.tar.gz": ("application/octet-stream", False),
    "documents/deroule.pdf": ("application/pdf", False),
    "images/photo.png": ("image/png", True),
    "images/photo.jpg": ("image/jpeg", True),
    "media/film.webm": ("video/webm", True),
    "media/son.mp3": ("audio/mpeg", True),
    "documents/sous-titres.vtt": ("text/vtt", True),
}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for name in MEDIA:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(HOSTILE_SVG if name.endswith(".svg") else HOSTILE_HTML)
    return tmp_path


def assert_upload_headers(response, content_type, inline):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    policy = response["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'") and policy.endswith("sandbox")
    assert "script-src" not in policy and "'unsafe" not in policy
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline" if inline else "attachment"), disposition
    if not inline:
        assert policy == DOWNLOAD_CSP
    assert "Content-Encoding" not in response


@pytest.mark.parametrize("name", MEDIA)
@pytest.mark.parametrize("accel", [False, True])
def test_media_are_downloads_or_embedded_media_never_pages(agent_client, media_root, settings, name, accel):
    if accel:
        settings.PASSINNOV_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = agent_client.get(f"/media/{name}")
    assert response.status_code == 200
    content_type, inline = MEDIA[name]
    assert_upload_headers(response, content_type, inline)
    if accel:
        assert response["X-Accel-Redirect"] == f"/protected-media/{name}"
        assert response.content == b""


def test_a_range_of_a_video_keeps_the_headers(agent_client, media_root):
    response = agent_client.get("/media/media/film.webm", HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206
    assert_upload_headers(response, "video/webm", True)


@pytest.fixture
def documents(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    made = {}
    for name, content in (("deroule.txt", b"Deroule"), ("sous-titres.vtt", b"WEBVTT\n\n"), ("bilan.pdf", b"%PDF-1.4")):
        doc = Document(title=name)
        doc.file.save(name, ContentFile(content), save=True)
        made[name] = doc
    return made


@pytest.mark.parametrize(
    "name, content_type, inline",
    [
        ("deroule.txt", "text/plain", False),
        ("bilan.pdf", "application/pdf", False),
        ("sous-titres.vtt", "text/vtt", True),
    ],
)
@pytest.mark.parametrize("accel", [False, True])
def test_documents_get_the_same_headers(agent_client, documents, settings, name, content_type, inline, accel):
    if accel:
        settings.PASSINNOV_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = agent_client.get(documents[name].url)
    assert response.status_code == 200
    assert_upload_headers(response, content_type, inline)
    if accel:
        assert response["X-Accel-Redirect"].startswith("/protected-media/documents/")


def test_documents_keep_wagtail_collection_privacy(agent_client, documents):
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, CollectionViewRestriction

    private = Collection.get_first_root_node().add_child(name="Réservé à la formation")
    restriction = CollectionViewRestriction.objects.create(collection=private, restriction_type="groups")
    restriction.groups.set([Group.objects.get(name="Service formation")])
    doc = documents["bilan.pdf"]
    doc.collection = private
    doc.save()
    response = agent_client.get(doc.url)
    assert response.status_code != 200
    assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_the_programme_publishes_only_office_documents_text_and_captions(settings):
    assert sorted(settings.WAGTAILDOCS_EXTENSIONS) == sorted(
        ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "txt", "csv", "vtt"]
    )
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS


@pytest.mark.parametrize(
    "url, model, upload, message",
    [
        # An HTML page as a document: not a format the programme publishes.
        (
            reverse_lazy("wagtaildocs:add"),
            Document,
            ("programme.html", HOSTILE_HTML, "text/html"),
            "n’est pas autorisée",
        ),
        # An SVG image: refused, and the editor is told why.
        (
            reverse_lazy("wagtailimages:add"),
            Image,
            ("logo.svg", HOSTILE_SVG, "image/svg+xml"),
            "Les images SVG sont refusées",
        ),
        # An HTML page as a video.
        (reverse_lazy("wagtailmedia:add", args=["video"]), Media, ("film.html", HOSTILE_HTML, "text/html"), ""),
    ],
)
def test_hostile_uploads_are_refused_and_nothing_is_stored(client_for, settings, tmp_path, url, model, upload, message):
    settings.MEDIA_ROOT = tmp_path
    before = model.objects.count()
    data = {"title": "Envoi", "file": SimpleUploadedFile(*upload), "collection": 1}
    response = client_for("redacteur").post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert model.objects.count() == before
    assert not any(tmp_path.rglob(upload[0].rsplit(".", 1)[0] + "*"))
