"""PDF training certificates ("attestations de formation") with a verification code, URL and QR code.

What an attestation states comes from the learning record: the agent's trusted, active `attended`
statements give the sessions (date, site, duration); a module completed without a known session (e.g. by a
trusted external credential) shows the completion date. An attestation is issued once per content: asking
again for the same thing gives the same code; when the content changes (a new module completed), a new code
is issued and the previous attestation is marked superseded.
"""

import io
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import dates
from core.sorting import french_key
from learning_records.models import Statement
from learning_records.vocabulary import ATTENDED, COMPLETED
from parcours.models import ModulePage
from progress.models import Attestation, Progress
from progress.services.progress import uuid_from_iri
from training_sessions.models import Session


class NothingToAttest(Exception):
    """The agent has not completed what the attestation would state."""


def _format_duration(minutes):
    return dates.duration(minutes or 0)


def completed_modules_detail(user, module_ids=None):
    """[{module_id, title, date, duration_minutes, site}] for the agent's completed modules, entry module first."""

    completed = Progress.objects.filter(user=user, status=Progress.Status.COMPLETED)
    if module_ids is not None:
        completed = completed.filter(module_id__in=module_ids)
    modules = {
        m.pk: m
        for m in ModulePage.objects.filter(pk__in=completed.values("module_id")).only(
            "id", "title", "duration_minutes", "is_entry_module", "activity_uuid"
        )
    }
    if not modules:
        return []
    statements = list(
        Statement.objects.active()
        .trusted()
        .filter(actor_account_name=user.xapi_account_name, verb_id__in=[ATTENDED, COMPLETED])
        .only("verb_id", "object_activity_id", "timestamp", "data")
        .order_by("stored")
    )
    session_uuids = {uuid_from_iri(s.object_activity_id, "session") for s in statements if s.verb_id == ATTENDED}
    session_uuids.discard(None)
    sessions = {}
    if session_uuids:
        sessions = {
            s.activity_uuid: s
            for s in Session.objects.filter(activity_uuid__in=session_uuids).select_related("location")
        }
    by_module = {}
    uuid_to_module = {m.activity_uuid: m for m in modules.values()}
    for statement in statements:
        if statement.verb_id == ATTENDED:
            session = sessions.get(uuid_from_iri(statement.object_activity_id, "session"))
            if session is None or session.module_id not in modules:
                continue
            by_module.setdefault(session.module_id, {})["session"] = session
        else:
            module = uuid_to_module.get(uuid_from_iri(statement.object_activity_id, "module"))
            if module is not None:
                by_module.setdefault(module.pk, {}).setdefault("completed_at", statement.timestamp)
    rows = []
    for module in sorted(modules.values(), key=lambda m: (not m.is_entry_module, french_key(m.title))):
        found = by_module.get(module.pk, {})
        session = found.get("session")
        when = session.start if session else found.get("completed_at")
        minutes = int(session.duration.total_seconds() // 60) if session else module.duration_minutes
        rows.append(
            {
                "module_id": module.pk,
                "title": module.title,
                "date": timezone.localtime(when).date().isoformat() if when else "",
                "duration_minutes": minutes,
                "site": session.place_label if session else "",
            }
        )
    return rows


def content_for(user, kind, module=None):
    if kind == Attestation.Kind.MODULE:
        modules = completed_modules_detail(user, module_ids=[module.pk])
    else:
        modules = completed_modules_detail(user)
    if not modules:
        raise NothingToAttest
    return {
        "agent": user.get_full_name() or user.username,
        "modules": modules,
        "total_minutes": sum(m["duration_minutes"] for m in modules),
    }


def issue(user, kind, module=None):
    """The current attestation for this content (existing or new). Raises NothingToAttest."""
    content = content_for(user, kind, module)
    with transaction.atomic():
        existing = Attestation.objects.select_for_update().filter(
            user=user, kind=kind, module=module, superseded=False, revoked=False
        )
        for attestation in existing:
            if attestation.content == content:
                return attestation
        existing.update(superseded=True)
        return Attestation.objects.create(user=user, kind=kind, module=module, content=content)


def status(attestation):
    """(code, French sentence) of an attestation: valid / superseded / revoked / outdated."""
    if attestation.revoked:
        return "revoked", _("This attestation has been revoked.")
    if attestation.superseded:
        return "superseded", _("This attestation is genuine but has been replaced by a more recent one.")
    if attestation.user_id is None:
        return "revoked", "Cette attestation a été révoquée."
    module_ids = [m["module_id"] for m in attestation.content.get("modules", [])]
    still = Progress.objects.filter(
        user_id=attestation.user_id, module_id__in=module_ids, status=Progress.Status.COMPLETED
    ).count()
    if still != len(module_ids):
        return "outdated", _("This attestation is genuine but no longer matches the recorded path.")
    return "valid", _("This attestation is genuine and current.")


def module_lines(content):
    lines = []
    for module in content.get("modules", []):
        when = module.get("date")
        when_label = dates.long_date(datetime.fromisoformat(when)) if when else _("date not given")
        site = module.get("site") or _("site not given")
        lines.append(
            {
                "title": module["title"],
                "date": when_label,
                "duration": _format_duration(module.get("duration_minutes")),
                "site": site,
            }
        )
    return lines


def render_pdf(attestation):
    """The attestation as PDF bytes (reportlab), with a QR code of its verification URL (qrcode)."""
    import qrcode
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfgen import canvas

    content = attestation.content
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    title = _("Training attestation")
    pdf.setTitle(f"{title} – {content.get('agent', '')}")
    pdf.setAuthor(_("Innovation mission – PassInnov"))
    pdf.setSubject("PassInnov")
    width, height = A4
    left = 20 * mm
    y = height - 25 * mm
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(left, y, _("MINISTRY OF THE ECONOMY AND FINANCE"))
    y -= 5 * mm
    pdf.setFont("Helvetica", 10)
    pdf.drawString(left, y, _("General secretariat – Innovation mission"))
    y -= 18 * mm
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(left, y, title)
    y -= 8 * mm
    pdf.setFont("Helvetica", 12)
    subtitle = _("PassInnov path") if attestation.kind == Attestation.Kind.PATH else _("Module of the PassInnov path")
    pdf.drawString(left, y, subtitle)
    y -= 14 * mm
    pdf.setFont("Helvetica", 11)
    pdf.drawString(left, y, _("The Innovation mission certifies that"))
    y -= 8 * mm
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawString(left, y, content.get("agent", ""))
    y -= 8 * mm
    pdf.setFont("Helvetica", 11)
    lines = module_lines(content)
    sentence = (
        _("attended the following training module:")
        if len(lines) == 1
        else _("attended the following training modules:")
    )
    pdf.drawString(left, y, sentence)
    y -= 10 * mm
    text_width = width - 2 * left
    pdf.setStrokeColor(colors.HexColor("#000091"))
    pdf.line(left, y + 4 * mm, width - left, y + 4 * mm)
    for line in lines:
        title_lines = simpleSplit(line["title"], "Helvetica-Bold", 11, text_width)
        detail = _("%(date)s – duration %(duration)s – %(site)s") % line
        detail_lines = simpleSplit(detail, "Helvetica", 10, text_width)
        needed = (len(title_lines) + len(detail_lines)) * 5 * mm + 4 * mm
        if y - needed < 70 * mm:
            pdf.showPage()
            y = height - 25 * mm
        pdf.setFont("Helvetica-Bold", 11)
        for text in title_lines:
            pdf.drawString(left, y, text)
            y -= 5 * mm
        pdf.setFont("Helvetica", 10)
        for text in detail_lines:
            pdf.drawString(left, y, text)
            y -= 5 * mm
        y -= 4 * mm
    y -= 3 * mm
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(
        left, y, _("Total duration: %(duration)s") % {"duration": _format_duration(content.get("total_minutes"))}
    )
    y -= 12 * mm
    pdf.setFont("Helvetica", 10)
    issued = dates.long_date(attestation.issued_at)
    pdf.drawString(left, y, _("Issued on %(date)s by PassInnov.") % {"date": issued})

    url = attestation.verification_url()
    qr = qrcode.QRCode(border=1, box_size=4)
    qr.add_data(url)
    qr.make(fit=True)
    qr_image = qr.make_image(fill_color="black", back_color="white").get_image()
    size = 32 * mm
    pdf.drawImage(ImageReader(qr_image), width - left - size, 22 * mm, size, size)
    pdf.setFont("Helvetica-Bold", 10)
    pdf.drawString(left, 44 * mm, _("Verification code: %(code)s") % {"code": attestation.code})
    pdf.setFont("Helvetica", 9)
    pdf.drawString(left, 38 * mm, _("Check this attestation (signing in to the intranet is required):"))
    pdf.drawString(left, 33 * mm, url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
