import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.documents import get_document_model

from core.webvtt import validate_webvtt_bytes
from videos import models as videos_models

VideoIndexPage, VideoPage, TESTIMONIAL = (
    videos_models.VideoIndexPage,
    videos_models.VideoPage,
    videos_models.TestimonialPage,
)

pytestmark = pytest.mark.django_db

VALID_VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nBonjour.\n"


def document(name, data):
    doc = get_document_model()(title=name)
    doc.file.save(name, ContentFile(data), save=False)
    doc.save()
    return doc


def test_demo_has_captioned_and_transcribed_videos_and_testimonials():
    videos = VideoPage.objects.live()
    assert videos.count() >= 2
    for video in videos:
        assert video.video.type == "video" and video.captions and video.transcript
        video.full_clean()  # the shipped captions are valid WebVTT
    testimonials = TESTIMONIAL.objects.live()
    assert testimonials.count() >= 3
    assert testimonials.filter(first_name="Emilie").exists()


@pytest.mark.parametrize(
    "data",
    [b"", b"WEBVTTX\n", b"1\n00:00:00.000 --> 00:00:01.000\nno header\n", b"WEBVTT\n\nno cue\n", b"WEBVTT\n\xff\xfe"],
)
def test_invalid_webvtt_is_refused(data):
    with pytest.raises(ValidationError):
        validate_webvtt_bytes(data)


def test_valid_webvtt_passes():
    validate_webvtt_bytes(VALID_VTT)
    validate_webvtt_bytes(b"\xef\xbb\xbfWEBVTT - sous-titres\n\n00:01.000 --> 00:02.000\nSalut.\n")


def test_captions_must_be_a_webvtt_document():
    video = VideoPage.objects.live().first()
    video.captions = document("sous-titres.srt", b"1\n00:00:00,000 --> 00:00:01,000\nBonjour\n")
    with pytest.raises(ValidationError) as error:
        video.full_clean()
    assert "captions" in error.value.message_dict
    video.captions = document("faux.vtt", b"pas du WebVTT")
    with pytest.raises(ValidationError) as error:
        video.full_clean()
    assert "captions" in error.value.message_dict
    video.captions = document("bons.vtt", VALID_VTT)
    video.full_clean()


def test_captions_and_transcript_are_required_to_publish():
    existing = VideoPage.objects.live().first()
    index = VideoIndexPage.objects.get()
    draft = VideoPage(
        title="Sans sous-titres", slug="sans-sous-titres", video=existing.video, transcript="", live=False
    )
    index.add_child(instance=draft)  # a draft may be incomplete
    with pytest.raises(ValidationError) as error:
        draft.save_revision().publish()
    assert {"captions", "transcript"} <= set(error.value.message_dict)
    draft.refresh_from_db()
    assert not draft.live


def test_video_page_plays_the_protected_file_with_french_captions(agent_client):
    video = VideoPage.objects.live().select_related("video", "captions").first()
    response = agent_client.get(video.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'src="{video.video.url}"' in html and video.video.url.startswith("/media/")
    assert '<track kind="captions" srclang="fr"' in html and video.captions.url in html
    assert "Transcription" in html
    assert "youtube" not in html.lower() and "<iframe" not in html


def test_signed_in_agent_gets_the_video_and_captions(agent_client):
    video = VideoPage.objects.live().select_related("video", "captions").first()
    response = agent_client.get(video.video.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "video/webm"
    response = agent_client.get(video.captions.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"WEBVTT")


def test_anonymous_access_to_a_video_file_and_a_document_is_refused(client):
    video = VideoPage.objects.live().select_related("video", "captions", "poster").first()
    for url in (video.video.url, video.captions.url, video.poster.file.url):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/connexion/"), url


def test_testimonial_page_shows_the_quote_and_video(agent_client):
    emilie = TESTIMONIAL.objects.get(first_name="Emilie")
    response = agent_client.get(emilie.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert emilie.quote in html.replace("&#x27;", "'")
    assert "<video" in html and 'kind="captions"' in html


def test_production_hands_documents_and_media_to_nginx_after_the_access_check(agent_client, client, settings):
    settings.PASSINNOV_MEDIA_ACCEL_REDIRECT = "/protected-media/"
    video = VideoPage.objects.live().select_related("video", "captions").first()
    response = agent_client.get(video.captions.url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == "/protected-media/" + video.captions.file.name
    assert response.content == b"" and response.get("Content-Length", "0") == "0"
    response = agent_client.get(video.video.url)
    assert response["X-Accel-Redirect"] == "/protected-media/" + video.video.file.name
    client.logout()
    response = client.get(video.captions.url)
    assert response.status_code == 302 and "X-Accel-Redirect" not in response
