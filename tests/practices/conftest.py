import pytest

from tests.practices import helpers


@pytest.fixture
def newcomer(db):
    return helpers.make_agent()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the services defer to after the commit (emails, the badge signal) inside the test."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture
