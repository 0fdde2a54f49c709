"""Attachments remember the statements that brought their content (access follows the statement).

Existing content is linked to the statements that declare its sha2 without a fileUrl: those necessarily
sent the bytes. Content declared only with a fileUrl is linked to the declaring statement stored last
before the content was kept (the one that brought it); if none is found, the content stays unlinked and is
no longer returned to any client.
"""

from django.db import migrations, models


def declared(data):
    obj = data.get("object") or {}
    found = list(data.get("attachments") or [])
    if obj.get("objectType") == "SubStatement":
        found += obj.get("attachments") or []
    return [a for a in found if isinstance(a, dict) and a.get("sha2")]


def link_carriers(apps, schema_editor):
    Attachment = apps.get_model("learning_records", "Attachment")
    Statement = apps.get_model("learning_records", "Statement")
    Through = Attachment.statements.through
    attachments = {a.sha2: a for a in Attachment.objects.only("pk", "sha2", "created_at")}
    if not attachments:
        return
    certain, possible = set(), {}
    for statement in Statement.objects.filter(exact__contains='"sha2"').only("pk", "stored", "data").iterator():
        for attachment in declared(statement.data):
            content = attachments.get(attachment["sha2"])
            if content is None:
                continue
            if "fileUrl" not in attachment:
                certain.add((statement.pk, content.pk))
            elif statement.stored <= content.created_at:
                best = possible.get(content.pk)
                if best is None or statement.stored > best[1]:
                    possible[content.pk] = (statement.pk, statement.stored)
    linked = {attachment_pk for _statement_pk, attachment_pk in certain}
    certain |= {(pk, attachment_pk) for attachment_pk, (pk, _stored) in possible.items() if attachment_pk not in linked}
    Through.objects.bulk_create(
        [Through(statement_id=statement_pk, attachment_id=attachment_pk) for statement_pk, attachment_pk in certain],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):

    dependencies = [
        ("learning_records", "0002_documents_and_activity_definitions"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="statements",
            field=models.ManyToManyField(
                blank=True, related_name="attachment_contents", to="learning_records.statement"
            ),
        ),
        migrations.RunPython(link_carriers, migrations.RunPython.noop),
    ]
