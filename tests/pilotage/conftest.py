import pytest
import time_machine
from django.conf import settings

from learning_records.models import Statement
from learning_records.store import save_statements
from pilotage.models import LrsEndpoint
from progress.models import ErasureRequest
from tests.pilotage.dataset import NOW, build


def statement(index, name="agent"):
    return {
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": f"{name}{index % 7}"},
        },
        "verb": {"id": "http://id.tincanapi.com/verb/viewed", "display": {"fr-FR": "a consulté", "en-US": "viewed"}},
        "object": {"objectType": "Activity", "id": f"{settings.PASSINNOV_BASE_URL}/xapi/activities/fiche/{index}"},
    }


@pytest.fixture
def make_statements(db):
    def make(count, start=0):
        return save_statements([statement(index) for index in range(start, start + count)])

    return make


@pytest.fixture
def delivery_settings(settings):
    settings.PASSINNOV_LRS_SETTLE_SECONDS = 0
    settings.PASSINNOV_LRS_CONNECT_TIMEOUT = 2
    settings.PASSINNOV_LRS_RETRY_BASE_SECONDS = 10
    return settings


@pytest.fixture
def endpoint(db, delivery_settings):
    """An endpoint whose cursor is at the end of the log (the demo content's statements are not sent)."""
    last = Statement.objects.order_by("-stored").first()
    erasures = ErasureRequest.objects.filter(status="done", processed_at__isnull=False).order_by("processed_at", "pk")
    last_erasure = erasures.last()
    return LrsEndpoint.objects.create(
        erasure_cursor_at=last_erasure.processed_at if last_erasure else None,
        erasure_cursor_id=last_erasure.pk if last_erasure else None,
        cursor_stored=last.stored if last else None,
        cursor_statement_id=last.statement_id if last else None,
        name="LRS du service formation",
        statements_url="http://127.0.0.1:8519/xAPI/statements",
        username="passinnov",
        password="s3cret-value",
        batch_size=10,
        timeout=2,
    )


@pytest.fixture
def data():
    """The dashboard's dataset, built at NOW with the clock running ("held" and "planned" are relative to now)."""
    with time_machine.travel(NOW, tick=True):
        yield build()
