"""Editors' workflow: "Rédacteurs" write and submit, "Modérateurs" review and publish; their page and collection
permissions.

Idempotent; run after every migrate (see HomeConfig.ready) and by the demo loader once the home page exists.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

WORKFLOW_NAME = "Relecture par les modérateurs"
TASK_NAME = "Validation par un modérateur"

# Wagtail page permissions (codenames of wagtailcore.Page) granted on the whole site tree.
PAGE_PERMISSIONS = {
    "editors": ["add_page", "change_page", "view_page"],
    "moderators": ["add_page", "change_page", "view_page", "publish_page", "lock_page", "unlock_page", "delete_page"],
}


# Wagtail checks images, documents and media per collection, not per model: the collection-scoped part of each
# role's permissions (declared once, in accounts.roles) is granted on the root collection.
COLLECTION_APPS = ("wagtailimages", "wagtaildocs", "wagtailmedia")


def collection_permissions():
    from accounts.roles import BASE_PERMISSIONS

    return {
        role: [key for key in BASE_PERMISSIONS[role] if key.split(".")[0] in COLLECTION_APPS]
        for role in ("editors", "moderators")
    }


def _tree_top():
    """The home page when it exists (the site's tree), else Wagtail's root page."""
    from wagtail.models import Page

    from home.models import HomePage

    return HomePage.objects.first() or Page.get_first_root_node()


@transaction.atomic
def ensure_editorial_workflow():
    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    from accounts.roles import ROLES

    top = _tree_top()
    if top is None:  # a flushed database: the demo loader calls this again once pages exist
        return None
    groups = {role: Group.objects.get_or_create(name=ROLES[role])[0] for role in ("editors", "moderators")}
    page_type = Page._meta
    permissions = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label=page_type.app_label,
            codename__in={c for codes in PAGE_PERMISSIONS.values() for c in codes},
        )
    }
    for role, codenames in PAGE_PERMISSIONS.items():
        for codename in codenames:
            if codename in permissions:
                GroupPagePermission.objects.get_or_create(
                    group=groups[role], page=top, permission=permissions[codename]
                )

    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        by_role = collection_permissions()
        wanted = {key for keys in by_role.values() for key in keys}
        by_key = {
            f"{p.content_type.app_label}.{p.codename}": p
            for p in Permission.objects.select_related("content_type").filter(
                codename__in={key.split(".")[1] for key in wanted}
            )
        }
        for role, keys in by_role.items():
            for key in keys:
                if key in by_key:
                    GroupCollectionPermission.objects.get_or_create(
                        group=groups[role], collection=root_collection, permission=by_key[key]
                    )

    task = GroupApprovalTask.objects.filter(name=TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=TASK_NAME)
    task.groups.set([groups["moderators"]])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=top, defaults={"workflow": workflow})
    return workflow


def ensure_after_migrate(sender, **kwargs):
    from accounts.roles import is_last_migrated_app

    if is_last_migrated_app(sender):
        ensure_editorial_workflow()
