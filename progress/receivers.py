"""Progress and badges follow the statement store: one receiver per signal, constant cost per statement."""

from progress.services import badges
from progress.services.progress import apply_statement


def on_statement_stored(sender, statement, **kwargs):
    user = apply_statement(statement, sign=1)
    if user is not None:
        badges.evaluate(user)


def on_statement_voided(sender, statement, voiding=None, **kwargs):
    user = apply_statement(statement, sign=-1)
    if user is not None:
        badges.evaluate(user)


def connect():
    from learning_records.signals import statement_stored, statement_voided

    statement_stored.connect(on_statement_stored, dispatch_uid="progress.on_statement_stored")
    statement_voided.connect(on_statement_voided, dispatch_uid="progress.on_statement_voided")
