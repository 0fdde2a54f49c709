"""Signals sent by store.save_statements, inside the storing transaction.

- statement_stored(sender=Statement, statement=<Statement>) for every statement stored;
- statement_voided(sender=Statement, statement=<the voided Statement>, voiding=<the voiding Statement>).
"""

from django.dispatch import Signal

statement_stored = Signal()
statement_voided = Signal()
