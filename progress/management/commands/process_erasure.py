"""Carry out pending erasure requests, or print the erasure list for the LRS (JSON)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from progress.models import ErasureRequest
from progress.services import personal_data


class Command(BaseCommand):
    help = "Carry out erasure requests (by id, or all pending ones), or print the erasure list with --list."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Erasure request ids.")
        parser.add_argument("--all-pending", action="store_true", help="Carry out every pending request.")
        parser.add_argument("--list", action="store_true", help="Print the erasure list (statement ids to void).")

    def handle(self, *args, **options):
        if options["list"]:
            self.stdout.write(json.dumps(personal_data.erasure_list(), indent=2))
            return
        if options["all_pending"]:
            requests_ = list(ErasureRequest.objects.filter(status=ErasureRequest.Status.PENDING))
        elif options["ids"]:
            requests_ = list(ErasureRequest.objects.filter(pk__in=options["ids"]))
            missing = set(options["ids"]) - {r.pk for r in requests_}
            if missing:
                raise CommandError(
                    _("Unknown erasure request(s): %(ids)s") % {"ids": ", ".join(map(str, sorted(missing)))}
                )
        else:
            raise CommandError(_("Give erasure request ids, --all-pending or --list."))
        for erasure in requests_:
            try:
                done = personal_data.process(erasure)
            except personal_data.ErasureError as error:
                raise CommandError(f"#{erasure.pk}: {error}")
            self.stdout.write(
                ngettext(
                    "Erasure #%(id)s carried out: %(count)s statement to void in the LRS.",
                    "Erasure #%(id)s carried out: %(count)s statements to void in the LRS.",
                    len(done.statement_ids),
                )
                % {"id": done.pk, "count": len(done.statement_ids)}
            )
