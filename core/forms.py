"""Form pieces shared by the apps, and the forms the project gives Wagtail's admin."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

from core.dates import check_in_range


class BoundedDateField(forms.DateField):
    """A date between core.dates.FIRST_DATE and LAST_DATE, or a French error saying which dates are accepted."""

    def validate(self, value):
        super().validate(value)
        check_in_range(value)


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
