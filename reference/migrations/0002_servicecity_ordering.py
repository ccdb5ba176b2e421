from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="servicecity",
            options={
                "ordering": ["name_pinyin", "name_en"],
                "verbose_name": "service city",
                "verbose_name_plural": "service cities",
            },
        ),
    ]
