"""Media family: image (alt text or decorative), document link, video with captions and transcript."""

import uuid

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock
from wagtailmedia.blocks import VideoChooserBlock

from core.webvtt import validate_webvtt_document


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt_text = blocks.CharBlock(
        label=_("Alternative text"),
        required=False,
        max_length=250,
        help_text=_("What the image shows, for people who cannot see it. Required unless the image is decorative."),
    )
    decorative = blocks.BooleanBlock(
        label=_("Decorative image"),
        required=False,
        help_text=_("Tick only if the image brings no information (it will be ignored by screen readers)."),
    )
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=250)

    class Meta:
        label = _("Image")
        icon = "image"
        template = "core/blocks/image.html"
        description = _("An image with its alternative text (or marked decorative) and an optional caption.")
        preview_value = {"alt_text": "Un groupe d'agents autour d'un mur de post-it", "caption": "Atelier à Bercy"}

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError(
                        _("Describe the image, or tick “decorative image” if it brings no information.")
                    )
                }
            )
        return value


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(
        label=_("Link label"), required=False, max_length=200, help_text=_("Defaults to the document's title.")
    )

    class Meta:
        label = _("Document link")
        icon = "doc-full"
        template = "core/blocks/document_link.html"
        description = _("A download link to a document, with its format and size.")
        preview_value = {"label": "Déroulé du module (PDF)"}


class VideoBlock(blocks.StructBlock):
    video = VideoChooserBlock(label=_("Video"))
    title = blocks.CharBlock(label=_("Title"), max_length=200)
    captions = DocumentChooserBlock(
        label=_("Captions (WebVTT)"), help_text=_("A .vtt file with the French captions of the video.")
    )
    transcript = blocks.RichTextBlock(
        label=_("Transcript"),
        features=["bold", "italic", "ol", "ul"],
        help_text=_("Everything said and shown in the video, for people who cannot watch or hear it."),
    )

    class Meta:
        label = _("Video with transcript")
        icon = "media"
        template = "core/blocks/video.html"
        description = _("A hosted video with French captions and its full transcript.")
        preview_value = {
            "title": "Le PassInnov en une minute",
            "transcript": "<p>Le PassInnov est un parcours à la carte de modules courts et pratiques.</p>",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["transcript_id"] = f"transcript-{uuid.uuid4().hex[:10]}"
        return context

    def clean(self, value):
        value = super().clean(value)
        captions = value.get("captions")
        if captions is not None:
            try:
                validate_webvtt_document(captions)
            except ValidationError as exc:
                raise StructBlockValidationError(block_errors={"captions": exc})
        return value
