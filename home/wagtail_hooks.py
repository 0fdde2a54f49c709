"""The editorial workflow in the admin (see home.editorial): one clear way to publish during a review."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

APPROVE = "approve"
PUBLISH = "action-publish"


@hooks.register("construct_page_action_menu")
def approve_rather_than_publish_during_review(menu_items, request, context):
    """While a page waits at a task the user may approve, the main button is « Approuver et publier ».

    Wagtail also offers its plain « Publier », which publishes over the review (and cancels it): a moderator
    then faces two buttons that seem to do the same thing. During a review only the workflow's actions remain;
    « Publier » comes back once no review is under way.
    """
    if not any(item.name == APPROVE for item in menu_items):
        return
    menu_items[:] = [item for item in menu_items if item.name != PUBLISH]
    menu_items.sort(key=lambda item: item.name != APPROVE)  # stable: the rest keeps Wagtail's order


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/passinnov-admin.css"))
