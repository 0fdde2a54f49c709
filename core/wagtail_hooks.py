from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from core.models import Directorate, Location, Organisation, Theme


class DirectorateViewSet(SnippetViewSet):
    model = Directorate
    icon = "group"
    menu_label = _("Directorates")
    list_display = ["acronym", "name"]
    list_export = ["acronym", "name"]
    search_fields = ["acronym", "name"]
    ordering = ["acronym"]


class LocationViewSet(SnippetViewSet):
    model = Location
    icon = "site"
    menu_label = _("Sites")
    list_display = ["name", "city", "region", "is_remote"]
    list_export = ["name", "city", "region", "address", "is_remote"]
    list_filter = ["region", "is_remote"]
    search_fields = ["name", "city"]


class ThemeViewSet(SnippetViewSet):
    model = Theme
    icon = "tag"
    menu_label = _("Themes")
    list_display = ["name", "slug"]
    list_export = ["name", "slug", "description"]
    search_fields = ["name"]


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "home"
    menu_label = _("Organisations")
    list_display = ["name", "kind"]
    list_export = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ReferenceDataGroup(SnippetViewSetGroup):
    menu_label = _("Reference data")
    menu_icon = "list-ul"
    menu_order = 900
    items = (DirectorateViewSet, LocationViewSet, ThemeViewSet, OrganisationViewSet)


register_snippet(ReferenceDataGroup)


@hooks.register("insert_editor_js")
def field_names_for_rich_text_and_tags():
    """Name Draftail's and tag-it's own inputs after their field's label (static file: the CSP allows no
    inline script)."""
    return format_html('<script src="{}"></script>', static("core/admin-field-names.js"))
