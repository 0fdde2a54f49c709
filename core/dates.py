"""Dates, times and durations written the French way, and the dates the site accepts in its forms and filters.

One format everywhere a person reads a date (pages, emails, PDF attestations, calendar files):
- a day: « 1er octobre 2026 », « 12 mars 2026 » (Django's "j F Y" says « 1 octobre »);
- with its weekday: « jeudi 1er octobre 2026 », or « jeu. 1er octobre 2026 » where room is short;
- a time: « 9 h 30 », « 14 h » (Django's "H\\hi" says « 09h30 », « 14h00 »);
- a duration: « 1 h 30 », « 2 h », « 45 min ».
The spaces inside a time or a duration are non-breaking, so « 9 h 30 » never splits across two lines.
Aware datetimes are read in the site's time zone.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

NBSP = "\u00a0"

# The programme's life, with room on both sides. Outside, a computation on a date (the day after the end of
# a period, a time zone, a calendar invitation's time zone rules) would leave Python's calendar.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


def _local(value):
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _day(value):
    return "1er" if value.day == 1 else str(value.day)


def long_date(value):
    """« 1er octobre 2026 »."""
    if not value:
        return ""
    value = _local(value)
    return f"{_day(value)} {date_format(value, 'F Y')}"


def weekday_date(value):
    """« jeudi 1er octobre 2026 »."""
    if not value:
        return ""
    value = _local(value)
    return f"{date_format(value, 'l')} {long_date(value)}"


def short_weekday_date(value):
    """« jeu. 1er octobre 2026 », for tables and cards."""
    if not value:
        return ""
    value = _local(value)
    return f"{date_format(value, 'D')}. {long_date(value)}"


def time_of_day(value):
    """« 9 h 30 », « 14 h » (a datetime or a time)."""
    if value is None or value == "":
        return ""
    value = _local(value)
    if isinstance(value, datetime):
        value = value.time()
    if not isinstance(value, time):
        return ""
    if value.minute:
        return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"
    return f"{value.hour}{NBSP}h"


def time_range(start, end):
    """« 9 h 30 – 11 h »."""
    return f"{time_of_day(start)} – {time_of_day(end)}"


def date_and_time(value):
    """« 1er octobre 2026 à 9 h 30 »."""
    if not value:
        return ""
    return f"{long_date(value)} à {time_of_day(value)}"


def weekday_date_and_time(value):
    """« jeudi 1er octobre 2026 à 9 h 30 »."""
    if not value:
        return ""
    return f"{weekday_date(value)} à {time_of_day(value)}"


def month(value):
    """« octobre 2026 »."""
    if not value:
        return ""
    return date_format(_local(value), "F Y")


def duration(value):
    """« 1 h 30 », « 2 h », « 45 min », « 1 h 05 » from minutes (a number) or a timedelta."""
    if value is None or value == "":
        return ""
    if isinstance(value, timedelta):
        minutes = int(value.total_seconds() // 60)
    else:
        try:
            minutes = int(value)
        except (TypeError, ValueError):
            return ""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return f"{hours}{NBSP}h{NBSP}{rest:02d}"
    if hours:
        return f"{hours}{NBSP}h"
    return f"{rest}{NBSP}min"


def check_in_range(value):
    """Raise a French ValidationError when a date (or a datetime's date) lies outside the accepted range."""
    if value is None or value == "":
        return
    day = value.date() if isinstance(value, datetime) else value
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValidationError(
            _("Choose a date between %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": long_date(FIRST_DATE), "last": long_date(LAST_DATE)},
        )
