"""Reminders sent once: the row's timestamp is claimed by a conditional UPDATE before the email leaves.

Two schedulers running at once never send the same reminder twice (only one UPDATE finds the timestamp still
empty), and a failed email releases its claim so that the next run retries it.
"""

import logging

logger = logging.getLogger(__name__)

SENT, FAILED, TAKEN = "sent", "failed", "taken"


def send_once(model, pk, field, now, send, **still):
    """Claim `model.field` (a null timestamp) on row `pk`, then call `send()`; `still` adds conditions the row
    must meet at the claim. Returns SENT, FAILED (claim released) or TAKEN (claimed elsewhere, or no longer due)."""
    if not model.objects.filter(pk=pk, **{f"{field}__isnull": True}, **still).update(**{field: now}):
        return TAKEN
    try:
        send()
    except Exception:
        logger.exception("%s %s: reminder not sent", model._meta.label, pk)
        model.objects.filter(pk=pk).update(**{field: None})
        return FAILED
    return SENT
