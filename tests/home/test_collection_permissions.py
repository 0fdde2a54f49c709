import pytest
from wagtail.models import Collection, GroupCollectionPermission

from accounts.roles import ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "role, granted, refused",
    [
        ("editors", {"choose_image", "add_document", "add_media"}, {"delete_image", "delete_document"}),
        ("moderators", {"choose_image", "delete_image", "delete_document", "delete_media"}, set()),
    ],
)
def test_editorial_roles_work_with_files_of_the_root_collection(role, granted, refused):
    codenames = set(
        GroupCollectionPermission.objects.filter(
            group__name=ROLES[role], collection=Collection.get_first_root_node()
        ).values_list("permission__codename", flat=True)
    )
    assert granted <= codenames
    assert not refused & codenames


def test_editor_opens_the_image_and_document_choosers(client_for):
    editor = client_for("redacteur")
    assert editor.get("/admin/images/chooser/").status_code == 200
    assert editor.get("/admin/documents/chooser/").status_code == 200
    assert editor.get("/admin/images/").status_code == 200


def test_agent_has_no_file_permission():
    assert not GroupCollectionPermission.objects.filter(group__name=ROLES["agents"]).exists()
