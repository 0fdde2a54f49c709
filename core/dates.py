"""The dates the site accepts in its forms and filters, and how it writes them in full."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

# The programme's life, with room on both sides. Outside, a computation on a date (the day after the end of
# a period, a time zone, a calendar invitation's time zone rules) would leave Python's calendar.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


def long_date(value):
    """« 1er janvier 2000 », « 31 décembre 2099 »: the day, the month in words, the year."""
    day = _("1st") if value.day == 1 else str(value.day)
    return f"{day} {date_format(value, 'F Y')}"


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
