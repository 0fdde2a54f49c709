from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.template import Context, Template

from core import dates
from core.templatetags.french_dates import long_date

NBSP = "\u00a0"
PARIS = ZoneInfo("Europe/Paris")


def test_the_first_of_the_month_is_written_1er():
    assert long_date(date(2026, 10, 1)) == "1er octobre 2026"
    assert long_date(date(2026, 3, 12)) == "12 mars 2026"
    assert long_date(None) == ""


def test_an_aware_datetime_is_read_in_the_sites_time_zone():
    # 23:30 UTC on 30 September is 1 October in Paris.
    assert long_date(datetime(2026, 9, 30, 23, 30, tzinfo=ZoneInfo("UTC"))) == "1er octobre 2026"


def test_weekday_forms_keep_1er():
    thursday = datetime(2026, 10, 1, 9, 30, tzinfo=PARIS)
    assert dates.weekday_date(thursday) == "jeudi 1er octobre 2026"
    assert dates.short_weekday_date(thursday) == "jeu. 1er octobre 2026"
    assert dates.date_and_time(thursday) == f"1er octobre 2026 à 9{NBSP}h{NBSP}30"
    assert dates.weekday_date_and_time(thursday) == f"jeudi 1er octobre 2026 à 9{NBSP}h{NBSP}30"
    assert dates.month(thursday) == "octobre 2026"


def test_times_are_written_9_h_30_and_14_h():
    assert dates.time_of_day(time(9, 30)) == f"9{NBSP}h{NBSP}30"
    assert dates.time_of_day(time(14, 0)) == f"14{NBSP}h"
    assert dates.time_of_day(time(8, 5)) == f"8{NBSP}h{NBSP}05"
    # An aware datetime is read in Paris: 7:30 UTC in October is 9:30 there.
    assert dates.time_of_day(datetime(2026, 10, 1, 7, 30, tzinfo=ZoneInfo("UTC"))) == f"9{NBSP}h{NBSP}30"
    assert dates.time_of_day(None) == ""
    start, end = datetime(2026, 10, 1, 9, 30, tzinfo=PARIS), datetime(2026, 10, 1, 11, 0, tzinfo=PARIS)
    assert dates.time_range(start, end) == f"9{NBSP}h{NBSP}30 – 11{NBSP}h"


def test_durations_are_written_1_h_30_and_45_min():
    assert dates.duration(90) == f"1{NBSP}h{NBSP}30"
    assert dates.duration(120) == f"2{NBSP}h"
    assert dates.duration(45) == f"45{NBSP}min"
    assert dates.duration(65) == f"1{NBSP}h{NBSP}05"
    assert dates.duration(timedelta(minutes=90)) == f"1{NBSP}h{NBSP}30"
    assert dates.duration(None) == "" and dates.duration("abc") == ""


def test_template_filters():
    template = Template(
        "{% load french_dates %}{{ day|weekday_date }}|{{ day|time_of_day }}|{{ 90|duration }}|{% time_range day end %}"
    )
    day = datetime(2026, 10, 1, 9, 30, tzinfo=PARIS)
    rendered = template.render(Context({"day": day, "end": day + timedelta(hours=1, minutes=30)}))
    assert rendered == f"jeudi 1er octobre 2026|9{NBSP}h{NBSP}30|1{NBSP}h{NBSP}30|9{NBSP}h{NBSP}30 – 11{NBSP}h"
