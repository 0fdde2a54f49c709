"""The filter index's `statement` column loses its own btree: the unique constraint (statement, key) starts with
it and serves the same look-ups. Only the index is dropped; the foreign key stays as it is (Django's AlterField
would drop and re-validate it over every row)."""

import django.db.models.deletion
from django.db import migrations, models

INDEX = "learning_records_statementindexentry_statement_id_a03da807"


class Migration(migrations.Migration):
    dependencies = [("learning_records", "0004_statement_lz4_compression")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="statementindexentry",
                    name="statement",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="index_entries",
                        to="learning_records.statement",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    f'CREATE INDEX "{INDEX}" ON "learning_records_statementindexentry" ("statement_id")',
                ),
            ],
        ),
    ]
