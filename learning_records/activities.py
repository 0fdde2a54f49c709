"""What makes an object an xAPI activity: a stable IRI under the site's base URL.

The IRI is built from a UUID stored on the object, never from its slug or title, so renaming or moving a
page never changes the activity id (see docs/xapi-profile.md).
"""

import uuid

from django.conf import settings
from django.db import models

from learning_records import vocabulary


def activity_iri(kind, activity_uuid):
    return f"{settings.PASSINNOV_BASE_URL}/xapi/activities/{kind}/{activity_uuid}"


class XapiActivityMixin(models.Model):
    """Abstract mixin: subclasses set XAPI_KIND (IRI path segment) and XAPI_ACTIVITY_TYPE (type IRI)."""

    XAPI_KIND = "activity"
    XAPI_ACTIVITY_TYPE = vocabulary.TYPE_MEDIA

    activity_uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True

    @property
    def xapi_activity_id(self):
        return activity_iri(self.XAPI_KIND, self.activity_uuid)

    @property
    def xapi_names(self):
        """Activity name as a language map; subclasses may add an English name."""
        return {"fr-FR": str(getattr(self, "title", None) or self)}
