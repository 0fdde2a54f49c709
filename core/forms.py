"""Form pieces shared by the apps, and the forms the project gives Wagtail's admin."""

from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

# The dates any filter of the site accepts: the programme's life, with room on both sides. Outside, a
# computation on the date (the day after the end of a period, a time zone) would leave the calendar.
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2099, 12, 31)


def long_date(value):
    """« 1er janvier 2000 », « 31 décembre 2099 »: the day, the month in words, the year."""
    day = _("1st") if value.day == 1 else str(value.day)
    return f"{day} {date_format(value, 'F Y')}"


class BoundedDateField(forms.DateField):
    """A date between FIRST_DATE and LAST_DATE, or a French error saying which dates are accepted."""

    def validate(self, value):
        super().validate(value)
        if value and not FIRST_DATE <= value <= LAST_DATE:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": long_date(FIRST_DATE), "last": long_date(LAST_DATE)},
            )


NOT_A_RASTER_IMAGE = _(
    "This image format is not accepted: choose a GIF, JPEG, PNG or WebP file. SVG images are refused because "
    "they can carry code that would run on the site: export them as PNG."
)


class ImageForm(BaseImageForm):
    """Wagtail's image form (upload, edit, chooser, multiple upload) with a French reason to refuse SVG."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields["file"].error_messages["invalid_image_extension"] = NOT_A_RASTER_IMAGE
