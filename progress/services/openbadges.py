"""Open Badges 2.0 (hosted verification): Issuer profile, BadgeClass and Assertion as JSON-LD, and baking.

Baking follows the Open Badges Baking specification for PNG: one `iTXt` chunk with keyword `openbadges`,
uncompressed, holding the assertion (here its JSON), placed before the image data.
"""

import io
import json
import struct
import zlib

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy
from PIL import Image

CONTEXT = "https://w3id.org/openbadges/v2"
ISSUER_NAME = gettext_lazy("Ministry of the Economy and Finance – Innovation mission (PassInnov)")
ISSUER_EMAIL = "passinnov@finances.gouv.fr"
ISSUER_DESCRIPTION = gettext_lazy(
    "The Innovation mission of the economic and financial ministries issues the badges of the PassInnov path."
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
KEYWORD = b"openbadges"


def issuer_url():
    return settings.PASSINNOV_BASE_URL + reverse("mon_parcours:ob_issuer")


def issuer_json():
    return {
        "@context": CONTEXT,
        "type": "Issuer",
        "id": issuer_url(),
        "name": str(ISSUER_NAME),
        "url": settings.PASSINNOV_BASE_URL + "/",
        "email": ISSUER_EMAIL,
        "description": str(ISSUER_DESCRIPTION),
    }


SELF_DECLARED_TAG = gettext_lazy("self-declared")


def badge_class_json(badge):
    """The BadgeClass; a self-declared badge says so in its criteria and its tags."""
    data = {
        "@context": CONTEXT,
        "type": "BadgeClass",
        "id": badge.badge_class_url(),
        "name": badge.name,
        "description": badge.description,
        "image": badge.image_url(),
        "criteria": {"narrative": str(badge.criteria_narrative())},
        "issuer": issuer_url(),
    }
    if badge.is_self_declared:
        data["tags"] = [str(SELF_DECLARED_TAG)]
    return data


def assertion_json(award):
    """The hosted Assertion; a revoked one only says it is revoked, and why."""
    if award.revoked:
        return {
            "@context": CONTEXT,
            "type": "Assertion",
            "id": award.assertion_url(),
            "revoked": True,
            "revocationReason": award.revocation_reason,
        }
    return {
        "@context": CONTEXT,
        "type": "Assertion",
        "id": award.assertion_url(),
        "recipient": {"type": "email", "hashed": True, "salt": award.salt, "identity": award.recipient_hash},
        "badge": award.badge.badge_class_url(),
        "verification": {"type": "hosted"},
        "issuedOn": award.issued_on.isoformat(timespec="seconds"),
        "image": award.badge.image_url(),
    }


def badge_png(badge, size=None):
    """The badge image as PNG bytes (whatever format the editor uploaded)."""
    with badge.image.file.open("rb") as source:
        image = Image.open(source)
        image.load()
    if size:
        image.thumbnail((size, size))
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def iter_chunks(png):
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG file")
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        data = png[pos + 8 : pos + 8 + length]
        yield kind, data, pos, pos + 12 + length
        pos += 12 + length


def bake(png, payload):
    """Insert the `openbadges` iTXt chunk (replacing any existing one) just after IHDR."""
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    # keyword, NUL, compression flag 0, compression method 0, empty language tag NUL, empty translated keyword NUL
    itxt = _chunk(b"iTXt", KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + text.encode("utf-8"))
    out = bytearray(PNG_SIGNATURE)
    for kind, data, start, end in iter_chunks(png):
        if kind == b"iTXt" and data.split(b"\x00", 1)[0] == KEYWORD:
            continue
        out += png[start:end]
        if kind == b"IHDR":
            out += itxt
    return bytes(out)


def unbake(png):
    """The text of the `openbadges` iTXt chunk (assertion JSON or URL), or None."""
    for kind, data, _start, _end in iter_chunks(png):
        if kind != b"iTXt":
            continue
        keyword, rest = data.split(b"\x00", 1)
        if keyword != KEYWORD:
            continue
        compressed, _method = rest[0], rest[1]
        rest = rest[2:]
        _lang, rest = rest.split(b"\x00", 1)
        _tkey, text = rest.split(b"\x00", 1)
        if compressed:
            text = zlib.decompress(text)
        return text.decode("utf-8")
    return None


def baked_award_png(award):
    return bake(badge_png(award.badge), assertion_json(award))
