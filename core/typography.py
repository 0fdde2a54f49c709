"""French typography of the translated strings: a non-breaking space before « : ; ? ! » and the closing
guillemet, after the opening guillemet, and between a number and « % ».

`scripts/i18n.py update` applies `fix` to every French translation, and `scripts/i18n.py check` (with the CI
test `tests/core/test_french_text.py`) fails on a translation that `fix` would change, so a new string typed
with ordinary spaces is corrected by `make messages` rather than shipped. Plain Python, no Django: the
script imports it without settings.
"""

import re

NBSP = "\u00a0"

_RULES = [
    # An ordinary space (or none after a word) before a high punctuation mark becomes non-breaking.
    (re.compile(r"[ \t]+([:;?!»])"), NBSP + r"\1"),
    (re.compile(r"«[ \t]+"), "«" + NBSP),
    # « 12 % », « %(share)s %% » (escaped percent sign in a python-format string).
    (re.compile(r"(?<=[\d])[ \t]+(%)"), NBSP + r"\1"),
    (re.compile(r"(?<=\)[sd])[ \t]+(%%)"), NBSP + r"\1"),
]


def fix(text):
    """The text with French non-breaking spaces where they belong (idempotent)."""
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def problems(text):
    """The places in `text` that `fix` would change, for error messages."""
    found = []
    for pattern, _replacement in _RULES:
        for match in pattern.finditer(text):
            start = max(match.start() - 15, 0)
            found.append(text[start : match.end() + 5])
    return found
