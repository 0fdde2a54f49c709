"""Strings of the packages PassInnov builds on whose French translation is missing or reads wrong.

They are listed here so that `make messages` keeps them in the project catalogue (`locale/fr`), which takes
precedence over the packages' own catalogues (LOCALE_PATHS come first). Nothing imports this module.
"""

from django.utils.translation import gettext_noop

STRINGS = [
    # django-dsfr marks optional fields with " (Optional)" (capital O), a msgid its catalogue lacks, so the
    # label read « Commentaire (Optional) ». French forms say « (facultatif) ».
    gettext_noop("(Optional)"),
]
