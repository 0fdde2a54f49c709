import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from wagtail.blocks import StreamBlockValidationError, StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from core.blocks import StandardBodyBlock
from home.models import StandardPage

pytestmark = pytest.mark.django_db


def all_blocks():
    return StandardBodyBlock().child_blocks


def test_every_block_has_a_template_a_description_and_a_preview_value():
    for name, block in all_blocks().items():
        assert block.meta.template and block.meta.template.startswith("core/blocks/"), name
        assert block.meta.description, name
        assert block.get_preview_value() not in (None, ""), name


@pytest.mark.parametrize(
    "name", ["heading", "paragraph", "quote", "callout", "highlight", "accordion", "steps", "cards"]
)
def test_blocks_render_their_preview_value(name):
    block = all_blocks()[name]
    html = block.render(block.get_preview_value())
    assert html.strip()


def test_image_block_needs_alt_text_unless_decorative():
    block = all_blocks()["image"]
    image = get_image_model().objects.first()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"image": image.pk, "alt_text": "", "decorative": False}))
    assert "alt_text" in error.value.block_errors
    block.clean(block.to_python({"image": image.pk, "alt_text": "", "decorative": True}))
    value = block.clean(block.to_python({"image": image.pk, "alt_text": "Un mur de post-it", "decorative": False}))
    assert 'alt="Un mur de post-it"' in block.render(value)
    decorative = block.clean(block.to_python({"image": image.pk, "alt_text": "", "decorative": True}))
    assert 'alt=""' in block.render(decorative)


def test_video_block_needs_webvtt_captions():
    from wagtailmedia.models import get_media_model

    block = all_blocks()["video"]
    media = get_media_model().objects.filter(type="video").first()
    bad = get_document_model()(title="pas des sous-titres")
    bad.file.save("notes.txt", ContentFile(b"bonjour"), save=False)
    bad.save()
    with pytest.raises(StructBlockValidationError) as error:
        block.clean(block.to_python({"video": media.pk, "title": "T", "captions": bad.pk, "transcript": "<p>T</p>"}))
    assert "captions" in error.value.block_errors
    good = get_document_model().objects.filter(file__endswith=".vtt").first()
    value = block.clean(
        block.to_python({"video": media.pk, "title": "T", "captions": good.pk, "transcript": "<p>T</p>"})
    )
    html = block.render(value)
    assert '<track kind="captions" srclang="fr"' in html and "Transcription" in html


def test_a_standard_page_with_every_block_renders(agent_client):
    page = StandardPage.objects.get(slug="mentions-legales")
    image = get_image_model().objects.first()
    body = [
        (name, block.get_preview_value())
        for name, block in all_blocks().items()
        if name not in ("image", "video", "document")
    ]
    body.append(("image", {"image": image, "alt_text": "Affiche", "decorative": False, "caption": "Légende"}))
    body.append(("document", {"document": get_document_model().objects.first(), "label": ""}))
    page.body = body
    page.save_revision().publish()
    response = agent_client.get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    for css in ("fr-callout", "fr-highlight", "fr-accordion", "fr-quote", "fr-card", "fr-link--download"):
        assert css in html, css


def test_stream_rejects_an_image_without_alt_text():
    image = get_image_model().objects.first()
    stream = StandardBodyBlock()
    with pytest.raises((StreamBlockValidationError, ValidationError)):
        stream.clean(
            stream.to_python([{"type": "image", "value": {"image": image.pk, "alt_text": "", "decorative": False}}])
        )
