"""Signals of the practices app, sent once the change is committed (never inside it).

`declarations_changed(sender=Declaration, user=…, withdrawn=bool)`: an agent declared a use of a fiche
(`withdrawn=False`) or withdrew one (`withdrawn=True`). The self-declared badge rule (progress) listens.
"""

from django.dispatch import Signal

declarations_changed = Signal()
