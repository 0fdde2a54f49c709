"""French catalogues: `update` regenerates them (GNU gettext's xgettext) and compiles; `check` fails when a
visible string has no French translation, a translation is fuzzy, or a compiled catalogue is stale.

Compiled .mo files are committed, so running the site needs no gettext tools; only changing strings does.
"""

import subprocess
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from core import typography  # noqa: E402  (plain Python: no Django settings needed)

IGNORE = [".venv/*", "var/*", "node_modules/*", "static_collected/*", "tests/*", "bench/*", "scripts/*"]


# Fixes to the French of the packages PassInnov builds on (Wagtail's « workflow », « Status », « crées »,
# wagtailmedia's untranslated dashboard line, django-dsfr's « (Optional) », gendered success messages...).
# Written by hand, never by makemessages; it keeps the packages' plural formula (Wagtail's three forms), so that
# Django merges it into their catalogue and it takes precedence there.
OVERRIDES = BASE_DIR / "locale_overrides" / "fr" / "LC_MESSAGES" / "django.po"


def package_msgids():
    """Every msgid of the installed packages' French catalogues (to find overrides gone stale)."""
    import django
    import dsfr
    import wagtail
    import wagtailmedia

    found = set()
    for package in (wagtail, wagtailmedia, dsfr, django):
        for path in Path(package.__file__).parent.glob("**/locale/fr/LC_MESSAGES/django.po"):
            found |= {(e.msgctxt, e.msgid) for e in polib.pofile(str(path))}
    return found


def catalogues():
    return sorted(p for p in BASE_DIR.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts)


def makemessages():
    args = [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-location", "--no-obsolete"]
    for pattern in IGNORE:
        args += ["--ignore", pattern]
    subprocess.run(args, cwd=BASE_DIR, check=True, capture_output=True)


HEADER = {
    "Project-Id-Version": "PassInnov",
    "Language": "fr",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "8bit",
    "Plural-Forms": "nplurals=2; plural=(n > 1);",
}


def normalise_headers():
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        po.metadata.update(HEADER)
        po.metadata_is_fuzzy = False
        po.header = "French translations of PassInnov."
        po.save()


def apply_typography():
    """French non-breaking spaces in every translation (core.typography)."""
    for po_path in [*catalogues(), OVERRIDES]:
        po = polib.pofile(str(po_path))
        changed = False
        for entry in po:
            fixed = typography.fix(entry.msgstr)
            plural = {index: typography.fix(text) for index, text in entry.msgstr_plural.items()}
            if fixed != entry.msgstr or plural != entry.msgstr_plural:
                entry.msgstr, entry.msgstr_plural, changed = fixed, plural, True
        if changed:
            po.save()


def compile_all():
    for po_path in [*catalogues(), OVERRIDES]:
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def entries(po):
    return {(e.msgctxt, e.msgid, e.msgid_plural): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in po}


def check():
    problems = []
    before = {path: path.read_bytes() for path in catalogues()}
    try:
        makemessages()
        for path in catalogues():
            fresh = polib.pofile(str(path))
            if path not in before:
                problems.append(f"{path.relative_to(BASE_DIR)}: catalogue missing (run `make messages`)")
                continue
            committed = polib.pofile(before[path].decode())
            missing = set(entries(fresh)) - set(entries(committed))
            for key in sorted(missing, key=str):
                problems.append(f"{path.relative_to(BASE_DIR)}: not in the catalogue: {key[1]!r}")
    finally:
        for path in catalogues():
            if path in before:
                path.write_bytes(before[path])
            else:
                path.unlink()
    known = package_msgids()
    for entry in polib.pofile(str(OVERRIDES)):
        if (entry.msgctxt, entry.msgid) not in known and "missing from" not in entry.comment:
            problems.append(f"{OVERRIDES.relative_to(BASE_DIR)}: no installed package has this msgid: {entry.msgid!r}")
    for path in [*catalogues(), OVERRIDES]:
        po = polib.pofile(str(path))
        rel = path.relative_to(BASE_DIR)
        for entry in po.untranslated_entries():
            problems.append(f"{rel}: untranslated: {entry.msgid!r}")
        for entry in po.fuzzy_entries():
            problems.append(f"{rel}: fuzzy: {entry.msgid!r}")
        for entry in po.translated_entries():
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                for place in typography.problems(text):
                    problems.append(f"{rel}: French typography (non-breaking space, run `make messages`): {place!r}")
        mo_path = path.with_suffix(".mo")
        if not mo_path.exists():
            problems.append(f"{rel}: not compiled (run `make messages`)")
            continue
        mo = polib.mofile(str(mo_path))
        compiled = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in mo if e.msgid}
        source = {(e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in po.translated_entries()}
        if compiled != source:
            problems.append(f"{rel}: compiled catalogue is stale (run `make messages`)")
    for problem in problems:
        print(problem)
    print(f"i18n: {len(catalogues())} catalogue(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "update":
        makemessages()
        normalise_headers()
        apply_typography()
        compile_all()
        print("\n".join(str(p.relative_to(BASE_DIR)) for p in catalogues()))
    elif command == "compile":
        compile_all()
    else:
        sys.exit(check())
