"""Create an xAPI client credential and print its key and secret (the only time the secret is shown)."""

from django.core.management.base import BaseCommand, CommandError

from learning_records.models import SCOPES, Credential


class Command(BaseCommand):
    help = "Create an xAPI credential (HTTP Basic) for the Statement API at /xapi/ and print its key and secret."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="What the credential is for (e.g. 'LRS du service').")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            required=True,
            choices=SCOPES,
            help="A scope; repeat for several (" + ", ".join(SCOPES) + ").",
        )
        parser.add_argument(
            "--trusted", action="store_true", help="Its statements may complete modules and earn badges."
        )

    def handle(self, *args, name, scopes, trusted, **options):
        name = name.strip()
        if not name:
            raise CommandError("--name must not be empty")
        credential = Credential(name=name, scopes=sorted(set(scopes)), trusted=trusted)
        secret = credential.set_secret()
        credential.save()
        self.stdout.write(f"key: {credential.key}")
        self.stdout.write(f"secret: {secret}")
        self.stdout.write(f"scopes: {', '.join(credential.scopes)}; trusted: {'yes' if trusted else 'no'}")
