"""The one signal sent by store.save_statements, once per call that stored new statements, inside the storing
transaction (the store's lock is held: receivers keep to a constant number of queries per batch and leave
slow effects to `transaction.on_commit`):

statements_stored(sender=Statement, statements=[<Statement>…], voided=[(<voided Statement>, <voiding
Statement>)…], credential=<Credential or None>, user=<User or None>)

- `statements`: the new rows, in `stored` order (a statement voided on arrival has `voided=True`);
- `voided`: the statements this batch voided, each with the statement that voided it (a target stored earlier,
  or one of `statements` that an earlier voiding statement was waiting for).

Receivers: the activity definitions (activity_definitions.py) and progress (progress/receivers.py).
"""

from django.dispatch import Signal

statements_stored = Signal()
