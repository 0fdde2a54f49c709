"""Template filters for dates, times and durations written the French way (see `core.dates`).

`{{ session.start|weekday_date }}` « jeudi 1er octobre 2026 », `|long_date` « 1er octobre 2026 »,
`|short_weekday_date` « jeu. 1er octobre 2026 », `|time_of_day` « 9 h 30 », `|date_and_time`
« 1er octobre 2026 à 9 h 30 », `|weekday_date_and_time`, `|month` « octobre 2026 », `|duration`
« 1 h 30 » (minutes or a timedelta); `{% time_range start end %}` « 9 h 30 – 11 h ».
"""

from django import template

from core import dates

register = template.Library()

long_date = register.filter("long_date", dates.long_date)
register.filter("weekday_date", dates.weekday_date)
register.filter("short_weekday_date", dates.short_weekday_date)
register.filter("time_of_day", dates.time_of_day)
register.filter("date_and_time", dates.date_and_time)
register.filter("weekday_date_and_time", dates.weekday_date_and_time)
register.filter("month", dates.month)
register.filter("duration", dates.duration)
register.simple_tag(dates.time_range, name="time_range")
