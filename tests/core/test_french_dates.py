from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.templatetags.french_dates import long_date


def test_the_first_of_the_month_is_written_1er():
    assert long_date(date(2026, 10, 1)) == "1er octobre 2026"
    assert long_date(date(2026, 3, 12)) == "12 mars 2026"
    assert long_date(None) == ""


def test_an_aware_datetime_is_read_in_the_sites_time_zone():
    # 23:30 UTC on 30 September is 1 October in Paris.
    assert long_date(datetime(2026, 9, 30, 23, 30, tzinfo=ZoneInfo("UTC"))) == "1er octobre 2026"
