from django.db import migrations, models
from django.db.models import F


def date_the_published_schemes(apps, schema_editor):
    """Their last change is the closest known date: the platform did not record when they were published."""
    Scheme = apps.get_model("plans", "Scheme")
    Scheme.objects.filter(status="published").update(published_at=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0003_partnership"),
    ]

    operations = [
        migrations.AddField(
            model_name="scheme",
            name="published_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="publié le"),
        ),
        migrations.RunPython(date_the_published_schemes, migrations.RunPython.noop),
    ]
