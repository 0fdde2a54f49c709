from tests.training_sessions.conftest import (  # noqa: F401 - fixtures shared with the sessions tests
    animateur,
    entry,
    entry_session,
    internal,
    later,
)
