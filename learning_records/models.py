"""The xAPI statement store: statements, their filter index, attachments and client credentials; the
document resources (State, Activity Profile, Agent Profile) and the canonical activity definitions.

Statements are immutable once stored. `stored` is unique and strictly increasing (see store.py), which
makes `since`/`until` and keyset paging exact. The exact text received is kept in `exact` (PostgreSQL's
jsonb normalises numbers and rejects NUL), the parsed statement as the LRS returns it in `data`.
"""

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SCOPE_CHOICES = [
    ("statements/write", _("Write statements")),
    ("statements/read", _("Read all statements")),
    ("statements/read/mine", _("Read only the statements written with this credential")),
    ("state", _("Read and write the State documents written with this credential")),
    ("profile", _("Read and write the Activity and Agent Profile documents written with this credential")),
    ("define", _("Define activities: the definitions in its statements become the canonical ones")),
    ("all/read", _("Read everything")),
    ("all", _("Everything")),
]
SCOPES = [value for value, _label in SCOPE_CHOICES]


def new_credential_key():
    return secrets.token_hex(16)


def new_credential_secret():
    return secrets.token_urlsafe(32)


class Credential(models.Model):
    """An xAPI client (HTTP Basic key/secret). The secret is stored hashed and shown once at creation."""

    name = models.CharField(_("name"), max_length=200)
    key = models.CharField(_("key"), max_length=64, unique=True, default=new_credential_key, editable=False)
    secret_hash = models.CharField(_("hashed secret"), max_length=256, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    trusted = models.BooleanField(
        _("trusted"),
        default=False,
        help_text=_("Statements written with a trusted credential may complete a module or earn a badge."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("xAPI credential")
        verbose_name_plural = _("xAPI credentials")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def set_secret(self, raw_secret=None):
        """Set a new secret (generated when not given) and return it in clear: the only time it is known."""
        raw_secret = raw_secret or new_credential_secret()
        self.secret_hash = make_password(raw_secret)
        return raw_secret

    def check_secret(self, raw_secret):
        return bool(self.secret_hash) and check_password(raw_secret, self.secret_hash)

    def has_scope(self, *wanted):
        return any(scope in self.scopes for scope in wanted)

    @property
    def can_write(self):
        return self.has_scope("statements/write", "all")

    @property
    def can_read_all(self):
        return self.has_scope("statements/read", "all/read", "all")

    @property
    def can_read_mine(self):
        return self.can_read_all or self.has_scope("statements/read/mine")

    @property
    def authority(self):
        return {
            "objectType": "Agent",
            "account": {"homePage": settings.PASSINNOV_BASE_URL, "name": f"credential:{self.key}"},
        }


class StatementQuerySet(models.QuerySet):
    def active(self):
        """Statements that count: neither voided by a later statement nor voiding statements themselves."""
        return self.filter(voided=False, is_voiding=False)

    def trusted(self):
        """Statements written by the server or by a trusted credential."""
        return self.filter(trusted=True)

    def readable_by(self, credential):
        """What an API client may read: everything with a read-all scope, else only what it stored itself
        (`statements/read/mine`). `credential=None`: the server itself."""
        if credential is None or credential.can_read_all:
            return self
        return self.filter(credential=credential)


class Statement(models.Model):
    statement_id = models.UUIDField(_("statement id"), unique=True)
    stored = models.DateTimeField(_("stored"), unique=True)
    timestamp = models.DateTimeField(_("timestamp"))
    verb_id = models.TextField(_("verb"))
    object_activity_id = models.TextField(_("activity"), null=True, blank=True)
    object_statement_id = models.UUIDField(_("referenced statement"), null=True, blank=True, db_index=True)
    actor_account_name = models.CharField(_("actor account name"), max_length=255, null=True, blank=True)
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    voided = models.BooleanField(_("voided"), default=False)
    is_voiding = models.BooleanField(_("voiding statement"), default=False)
    trusted = models.BooleanField(_("trusted"), default=False)
    credential = models.ForeignKey(
        Credential,
        verbose_name=_("credential"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("statement"))
    exact = models.TextField(_("exact statement text"))

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [
            models.Index(fields=["actor_account_name", "stored"], name="lr_stmt_actor_stored"),
            models.Index(fields=["registration", "stored"], name="lr_stmt_registration_stored"),
        ]

    def __str__(self):
        return str(self.statement_id)


def index_key(kind, value):
    """Fixed-size key of one filter value (IRIs and IFIs can be longer than a btree entry allows)."""
    return hashlib.sha256(f"{kind}\n{value}".encode()).hexdigest()


class StatementIndexEntry(models.Model):
    """One (statement, kind, value) row per filterable value of the statement.

    kind is agent / related_agent / verb / activity / related_activity / registration; value is an
    agent's inverse functional identifier or an IRI/UUID, kept as a sha256 key. A statement whose object
    is a StatementRef also receives the entries of the statement it targets (recursively), which is the
    spec's filter rule for StatementRefs. `stored` is copied so the index alone can page by key.
    """

    # The primary key is (statement, key): one row per key, and the look-ups by statement use it. No
    # surrogate id and no other index on `statement`: each index row costs two btree entries to write.
    pk = models.CompositePrimaryKey("statement", "key")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="index_entries", db_index=False)
    kind = models.CharField(max_length=20)
    key = models.CharField(max_length=64)
    stored = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "stored"], name="lr_index_key_stored")]

    def __str__(self):
        return f"{self.kind} {self.key[:12]}"


class AttachmentQuerySet(models.QuerySet):
    def readable_by(self, credential):
        """Attachments whose content came with a statement the client may read: knowing a sha2 is not enough
        to get another client's bytes back."""
        carried = Attachment.statements.through.objects.filter(statement__in=Statement.objects.readable_by(credential))
        return self.filter(pk__in=carried.values("attachment_id"))


class Attachment(models.Model):
    """Raw attachment content, stored once per sha2; `statements` are those that brought it (sent its bytes)."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=255)
    content = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    statements = models.ManyToManyField(Statement, related_name="attachment_contents", blank=True)

    objects = AttachmentQuerySet.as_manager()

    def __str__(self):
        return self.sha2


# --- Document resources and activity definitions ------------------------------------------------------------


class Document(models.Model):
    """A document of the State, Activity Profile or Agent Profile resource (xAPI 1.0.3 Communication 2.2-2.7).

    The content is kept byte for byte with its content type (any type, binary included) and `etag`, the SHA-1
    of the content. `key` identifies the document (resource, activity, agent, registration, document id) and
    `context_key` the set that a list or a delete-all reads (resource, activity, agent): both are SHA-256 keys,
    since activity IRIs and agent identifiers can be longer than a btree entry allows. The writer that
    created the document (a credential, or a signed-in agent's browser) owns it; see documents.py.
    """

    class Resource(models.TextChoices):
        STATE = "state", _("State")
        ACTIVITY_PROFILE = "activity_profile", _("Activity profile")
        AGENT_PROFILE = "agent_profile", _("Agent profile")

    resource = models.CharField(_("resource"), max_length=20, choices=Resource.choices)
    key = models.CharField(max_length=64, unique=True)
    context_key = models.CharField(max_length=64)
    document_id = models.TextField(_("document id"))
    activity_id = models.TextField(_("activity"), blank=True)
    agent_account_name = models.CharField(_("agent account name"), max_length=255, null=True, blank=True)
    registration = models.UUIDField(_("registration"), null=True, blank=True)
    content = models.BinaryField(_("content"))
    content_type = models.CharField(_("content type"), max_length=255)
    etag = models.CharField(max_length=40)
    updated = models.DateTimeField(_("updated"))
    credential = models.ForeignKey(
        Credential,
        verbose_name=_("credential"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("xAPI document")
        verbose_name_plural = _("xAPI documents")
        indexes = [
            models.Index(fields=["context_key", "updated"], name="lr_document_context_updated"),
            models.Index(fields=["agent_account_name"], name="lr_document_agent_account"),
        ]

    def __str__(self):
        return f"{self.resource} {self.document_id}"


class ActivityDefinition(models.Model):
    """The definition of an activity as the Activities resource returns it, merged from every statement that
    carries one (activity_definitions.py). `definition` is JSON text: jsonb would refuse U+0000 in a string."""

    key = models.CharField(max_length=64, unique=True)
    activity_id = models.TextField(_("activity"))
    definition = models.TextField(_("definition"), default="{}")
    canonical = models.BooleanField(
        _("canonical"),
        default=False,
        help_text=_("Given by the server or a credential with the define scope: other writers no longer change it."),
    )
    updated = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("activity definition")
        verbose_name_plural = _("activity definitions")

    def __str__(self):
        return self.activity_id
