import pytest

from tests.progress.helpers import make_user


@pytest.fixture
def newcomer(client):
    """A new agent, signed in."""
    user = make_user("nouvelle", first_name="Nina", last_name="Nouvelle")
    client.force_login(user)
    return user
