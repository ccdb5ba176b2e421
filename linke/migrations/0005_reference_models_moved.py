from django.db import migrations


class Migration(migrations.Migration):
    """Region, ServiceCity and Category moved to the `reference` app, which renamed their tables:
    only Django's state forgets them here."""

    dependencies = [
        ("certification", "0003_track_moved"),
        ("linke", "0004_user_language"),
        ("providers", "0005_reference_models_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="region", name="parent"),
                migrations.RemoveField(model_name="servicecity", name="region"),
                migrations.RemoveField(model_name="servicecity", name="province"),
                migrations.DeleteModel(name="Category"),
                migrations.DeleteModel(name="Region"),
                migrations.DeleteModel(name="ServiceCity"),
            ],
        ),
    ]
