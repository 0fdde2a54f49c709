"""iCalendar invitations (RFC 5545 / iTIP RFC 5546) that Outlook and other clients recognise.

- Invitations sent by email use METHOD:REQUEST (confirmation, promotion) and METHOD:CANCEL (cancellation by
  the agent or by the programme), with the same UID for one agent and session (`Registration.ics_uid`) and a
  SEQUENCE that grows with each message, so the client updates or removes the event it already holds.
- The "add to my calendar" download uses METHOD:PUBLISH (a plain calendar file, no reply expected) with the
  same UID, so importing it and then receiving a cancellation still targets one event.
- Times carry TZID=Europe/Paris with a VTIMEZONE component; the description repeats the date and times in
  words (« jeudi 1er octobre 2026, de 9 h 30 à 11 h ») for clients that show only the text.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from core import dates

PARIS = "Europe/Paris"
PRODID = "-//Ministère de l'Économie et des Finances//PassInnov//FR"

REQUEST, CANCEL, PUBLISH = "REQUEST", "CANCEL", "PUBLISH"


def organizer_email():
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "passinnov@finances.gouv.fr"


def _address(email, name=None, **params):
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-")] = vText(value)
    return address


def location_text(session, with_remote_link=False):
    """Where the session takes place; the remote link only for whom `training_sessions.access` allows it."""
    if session.location_id and not session.location.is_remote:
        parts = [session.location.name]
        if session.room:
            parts.append(session.room)
        if session.location.address:
            parts.append(session.location.address.replace("\n", ", "))
        return " – ".join(parts)
    if with_remote_link and session.remote_url:
        return session.remote_url
    return str(session.place_label)


def build_calendar(session, method, registration=None, user=None, with_remote_link=False):
    """The calendar (bytes) for a session; `registration` gives the agent's UID and sequence.

    The remote link appears only when the caller says the recipient may see it
    (`training_sessions.access.can_see_remote_link`)."""
    tz = ZoneInfo(PARIS)
    user = user or (registration.user if registration else None)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)

    start = timezone.localtime(session.start, tz)
    end = timezone.localtime(session.end, tz)
    first = date(start.year - 1, 1, 1)
    cal.add_component(Timezone.from_tzid(PARIS, first_date=first, last_date=date(end.year + 2, 1, 1)))

    event = Event()
    event.add("uid", registration.ics_uid if registration else session.ics_uid)
    sequence = registration.ics_sequence if registration else session.ics_sequence
    event.add("sequence", sequence)
    event.add("dtstamp", datetime.now(tz=ZoneInfo("UTC")).replace(microsecond=0))
    event.add("dtstart", start.replace(microsecond=0))
    event.add("dtend", end.replace(microsecond=0))
    event.add("summary", f"PassInnov – {session.module.title}")
    description = [
        f"Session du module «\u00a0{session.module.title}\u00a0» du parcours PassInnov, "
        f"{dates.weekday_date(start)}, de {dates.time_of_day(start)} à {dates.time_of_day(end)} (heure de Paris)."
    ]
    if with_remote_link and session.remote_url:
        description.append(f"Lien de connexion : {session.remote_url}")
    description.append(f"{settings.PASSINNOV_BASE_URL}{session.get_absolute_url()}")
    event.add("description", "\n".join(description))
    event.add("location", location_text(session, with_remote_link))
    event.add("url", f"{settings.PASSINNOV_BASE_URL}{session.get_absolute_url()}")
    event["organizer"] = _address(organizer_email(), "PassInnov – Mission innovation")
    if user is not None and user.email:
        partstat = "ACCEPTED" if method != CANCEL else "DECLINED"
        event.add(
            "attendee",
            _address(user.email, user.get_full_name() or user.username, role="REQ-PARTICIPANT", partstat=partstat),
        )
    if method == CANCEL:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
    event.add("class", "PUBLIC")
    if method == REQUEST:
        event.add("x-microsoft-cdo-busystatus", "BUSY")
    cal.add_component(event)
    return cal.to_ical()


def content_type(method):
    return f"text/calendar; method={method}; charset=UTF-8"


def filename(session):
    return f"passinnov-session-{session.pk}.ics"
