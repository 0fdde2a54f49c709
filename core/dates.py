"""The dates the site accepts in its forms and filters (written in full by core's `long_date`)."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.templatetags.french_dates import long_date

# The programme's life, with room on both sides. Outside, a computation on a date (the day after the end of
# a period, a time zone, a calendar invitation's time zone rules) would leave Python's calendar.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


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
