"""Filters the project adds to the Wagtail admin's listings: the same date bounds as the site's forms."""

import django_filters
from django_filters.fields import DateRangeField, RangeField

from core.forms import BoundedDateField


class BoundedDateRangeField(DateRangeField):
    def __init__(self, *args, **kwargs):
        RangeField.__init__(self, (BoundedDateField(), BoundedDateField()), *args, **kwargs)


class BoundedDateFromToRangeFilter(django_filters.DateFromToRangeFilter):
    """A period whose dates lie between core.forms.FIRST_DATE and LAST_DATE, or a French error."""

    field_class = BoundedDateRangeField
