from django.db import migrations


class Migration(migrations.Migration):
    """Track moved to the `reference` app, which renamed its tables: only Django's state forgets it here."""

    dependencies = [
        ("certification", "0002_initial"),
        ("providers", "0005_reference_models_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="Track")]),
    ]
