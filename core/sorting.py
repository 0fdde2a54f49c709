"""Alphabetical order the French way: « échanges » among the E's, « Méthode » before « Mur d'idées ».

Both databases sort by byte (PostgreSQL's C.UTF-8, SQLite's BINARY), which puts accented letters after « z »
and lower case after upper case. `french_order("title")` orders by a French collation instead:
- on PostgreSQL, ICU's `fr-x-icu` (PostgreSQL is built with ICU on the project's machines);
- on SQLite, a collation of the same name registered on every new connection (`register_sqlite_collation`),
  which compares `french_key`s.
`french_key` is the Python key for lists already in memory (choices, small lists): accents and case are
ignored first (« e » = « é » = « E »), then break ties, so the order does not depend on the machine's locale.
"""

import unicodedata

from django.db.models import F
from django.db.models.functions import Collate

COLLATION = "fr-x-icu"

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss", "’": "'"})


def _base(text):
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def french_key(text):
    """A sort key: letters without accents or case first, then accents, then lower case before upper case."""
    text = "" if text is None else str(text)
    return (_base(text), text.casefold(), text.swapcase())


def french_sorted(items, key=lambda item: item):
    return sorted(items, key=lambda item: french_key(key(item)))


def french_order(field, descending=False):
    """An `order_by` expression sorting `field` the French way on both databases."""
    expression = Collate(F(field), COLLATION)
    return expression.desc() if descending else expression.asc()


def _compare(left, right):
    a, b = french_key(left), french_key(right)
    return (a > b) - (a < b)


def register_sqlite_collation(sender, connection, **kwargs):
    """`connection_created` receiver: SQLite connections learn the French collation."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)
