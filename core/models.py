"""Reference data shared by every part of the intranet, and the site-wide header/footer setting."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.search import index


def normalised_words(text):
    """Lower-case words without accents: "DGFiP / Bureau RH-1A" -> ["dgfip", "bureau", "rh", "1a"]."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().casefold()
    return re.findall(r"[a-z0-9]+", plain)


def contains_words(words, part):
    return bool(part) and any(words[i : i + len(part)] == part for i in range(len(words) - len(part) + 1))


def siret_digits(value):
    return re.sub(r"\D", "", value or "")


def validate_sirets(value):
    for line in value.splitlines():
        if line.strip() and len(siret_digits(line)) != 14:
            raise ValidationError(_("“%(line)s” is not a SIRET (14 digits)."), params={"line": line.strip()})


class DirectorateQuerySet(models.QuerySet):
    def matching_organisation(self, *, siret="", unit=""):
        """The directorate an identity provider's organisation claims designate, or None when unsure.

        A SIRET listed on a directorate decides. Otherwise the organisational unit (free text such as
        "DGFiP / Service des ressources humaines") designates a directorate when it contains its acronym as
        a word or its full name; when it names none, or more than one, the answer is None.
        """
        directorates = list(self)
        digits = siret_digits(siret)
        if len(digits) == 14:
            for directorate in directorates:
                if digits in directorate.siret_list:
                    return directorate
        words = normalised_words(unit)
        found = [
            directorate
            for directorate in directorates
            if contains_words(words, normalised_words(directorate.acronym))
            or contains_words(words, normalised_words(directorate.name))
        ]
        return found[0] if len(found) == 1 else None


class Directorate(index.Indexed, models.Model):
    """A directorate of the ministry (DGFiP, DGE…); agents and statistics refer to it."""

    acronym = models.CharField(_("acronym"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=255)
    sirets = models.TextField(
        _("SIRET numbers"),
        blank=True,
        validators=[validate_sirets],
        help_text=_(
            "One per line: the establishments whose agents belong to this directorate. An agent signing in "
            "through ProConnect with one of them gets this directorate."
        ),
    )

    objects = DirectorateQuerySet.as_manager()

    panels = [FieldPanel("acronym"), FieldPanel("name"), FieldPanel("sirets")]
    search_fields = [index.SearchField("acronym"), index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("directorate")
        verbose_name_plural = _("directorates")

    def __str__(self):
        return f"{self.acronym} – {self.name}"

    @property
    def siret_list(self):
        return {siret_digits(line) for line in self.sirets.splitlines() if siret_digits(line)}


class Location(index.Indexed, models.Model):
    """A site where agents work and sessions take place (Paris-Bercy, a provincial site), or remote."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    region = models.CharField(_("region"), max_length=120, blank=True)
    address = models.TextField(_("address"), blank=True)
    is_remote = models.BooleanField(
        _("remote"), default=False, help_text=_("Sessions here take place online (a link is given per session).")
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("city"),
        FieldPanel("region"),
        FieldPanel("address"),
        FieldPanel("is_remote"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("city"),
        index.AutocompleteField("name"),
        # The admin's listing filters on these while searching.
        index.FilterField("region"),
        index.FilterField("is_remote"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self):
        return self.name


class Theme(index.Indexed, models.Model):
    """An innovation theme (intelligence collective, design thinking…) used to classify modules and fiches."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class Organisation(index.Indexed, models.Model):
    """Who facilitators work for: the Mission innovation (internal) or a contractor such as ImFusio."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("internal (ministry)")
        EXTERNAL = "external", _("external contractor")

    name = models.CharField(_("name"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INTERNAL)

    panels = [FieldPanel("name"), FieldPanel("kind")]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),  # the admin's listing filter, while searching
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    @property
    def is_internal(self):
        return self.kind == self.Kind.INTERNAL


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    """Texts of the DSFR header and footer, edited in the admin rather than hard-coded in templates."""

    ministry_name = models.TextField(
        _("ministry (Marianne block)"),
        default="Ministère\nde l'Économie\net des Finances",
        help_text=_("One line per line of the official block."),
    )
    service_name = models.CharField(_("service name"), max_length=80, default="PassInnov")
    service_tagline = models.CharField(
        _("service tagline"), max_length=160, default="Le parcours de découverte de l'innovation"
    )
    footer_description = models.TextField(
        _("footer description"),
        blank=True,
        default="PassInnov est l'intranet du parcours de formation à l'innovation de la Mission innovation "
        "des ministères économiques et financiers.",
    )
    accessibility_status = models.CharField(
        _("accessibility compliance"),
        max_length=20,
        choices=[
            ("non", _("not compliant")),
            ("partial", _("partially compliant")),
            ("full", _("fully compliant")),
        ],
        default="partial",
    )
    accessibility_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("accessibility statement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    legal_notice_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("legal notice"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    personal_data_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("personal data"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("ministry_name"), FieldPanel("service_name"), FieldPanel("service_tagline")],
            heading=_("Header"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("footer_description"),
                FieldPanel("accessibility_status"),
                FieldPanel("accessibility_page"),
                FieldPanel("legal_notice_page"),
                FieldPanel("personal_data_page"),
            ],
            heading=_("Footer"),
        ),
    ]

    class Meta:
        verbose_name = _("header and footer")

    @property
    def ministry_lines(self):
        return [line for line in self.ministry_name.splitlines() if line.strip()]
