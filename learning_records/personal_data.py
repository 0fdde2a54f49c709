"""The statement store's part of a personal-data erasure (the coordinator: progress.services.personal_data).

Runs under the store lock, so no batch is being stored about the agent meanwhile and `stored` stays in
commit order for the readers.
"""

import json

from .documents import erase_agent
from .lock import lock_store
from .models import Statement


def erase(user, old_account, new_account):
    """Delete the agent's own statements and documents, rename the agent in other statements that name them
    (parsed statement and exact text), forget which statements their browser sent. Call inside the erasure's
    transaction. Returns the ids of the deleted statements an external LRS must void (voiding statements left
    out: a LRS refuses the void of a voiding statement), in `stored` order."""
    lock_store()
    own = Statement.objects.filter(actor_account_name=old_account)
    statement_ids = [
        str(i) for i in own.filter(is_voiding=False).order_by("stored").values_list("statement_id", flat=True)
    ]
    own.delete()
    for statement in Statement.objects.filter(exact__contains=old_account).only("data", "exact"):
        statement.data = json.loads(json.dumps(statement.data).replace(old_account, new_account))
        statement.exact = statement.exact.replace(old_account, new_account)
        statement.save(update_fields=["data", "exact"])
    Statement.objects.filter(user=user).update(user=None)
    erase_agent(old_account)
    return statement_ids
