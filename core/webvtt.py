"""WebVTT checks for captions documents: a caption file the browser cannot read is no caption at all."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_CAPTIONS_BYTES = 2 * 1024 * 1024


def validate_webvtt_bytes(data):
    """Raise ValidationError unless `data` is a WebVTT file (UTF-8, "WEBVTT" signature, at least one cue)."""
    if len(data) > MAX_CAPTIONS_BYTES:
        raise ValidationError(_("The captions file is too large (2 MB at most)."), code="too_large")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The captions file must be encoded in UTF-8."), code="encoding")
    first_line = text.splitlines()[0] if text else ""
    if not (first_line == "WEBVTT" or first_line.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise ValidationError(_("The captions file must be a WebVTT file (first line “WEBVTT”)."), code="signature")
    if "-->" not in text:
        raise ValidationError(_("The captions file contains no caption (no “-->” timing line)."), code="empty")


def validate_webvtt_document(document):
    """Validate a Wagtail document as WebVTT captions (extension .vtt and content)."""
    if document.file_extension.lower() != "vtt":
        raise ValidationError(_("Captions must be a WebVTT file (.vtt)."), code="extension")
    try:
        with document.file.open("rb") as handle:
            data = handle.read(MAX_CAPTIONS_BYTES + 1)
    except OSError:
        raise ValidationError(_("The captions file cannot be read."), code="missing")
    validate_webvtt_bytes(data)
