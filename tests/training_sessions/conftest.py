import pytest

from tests.training_sessions import helpers


@pytest.fixture
def entry(db):
    return helpers.entry_module()


@pytest.fixture
def later(db, entry):
    return helpers.later_module()


@pytest.fixture
def animateur(demo_user):
    return demo_user("animateur")


@pytest.fixture
def internal():
    return helpers.organisation("Mission innovation")


@pytest.fixture
def external():
    return helpers.organisation("ImFusio")


@pytest.fixture
def entry_session(entry, animateur, internal):
    return helpers.make_session(entry, days=10, facilitators=[(animateur, "lead", internal)])


@pytest.fixture
def later_session(later, animateur, internal):
    return helpers.make_session(later, days=20, facilitators=[(animateur, "lead", internal)])


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the callbacks (emails) registered with transaction.on_commit inside the test's transaction."""

    def capture():
        return django_capture_on_commit_callbacks(execute=True)

    return capture
