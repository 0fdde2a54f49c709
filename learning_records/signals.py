"""Signals sent by store.save_statements, inside the storing transaction.

- statement_stored(sender=Statement, statement=<Statement>) for every statement stored;
- statement_voided(sender=Statement, statement=<the voided Statement>, voiding=<the voiding Statement>);
- statements_stored(sender=Statement, statements=[<Statement>…], credential=<Credential or None>,
  user=<User or None>) once per call that stored new statements, after the two above: for work that is cheaper
  done once per batch (the activity definitions, activity_definitions.py).
"""

from django.dispatch import Signal

statement_stored = Signal()
statement_voided = Signal()
statements_stored = Signal()
