from django.db import migrations, models


class Migration(migrations.Migration):
    """Marks written by the rankings app when it publishes, so that reads in this app need no join to the lists:
    when a covert inspection became visible to the inspected party, and whether a photo is an exposure photo of
    a current published list. Filled for existing lists by rankings/migrations/0002_release_marks.py."""

    dependencies = [
        ('inspections', '0011_scope_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='inspection',
            name='covert_released_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='暗查公开时间'),
        ),
        migrations.AddField(
            model_name='photo',
            name='public_on_list',
            field=models.BooleanField(default=False, editable=False, verbose_name='公示中'),
        ),
    ]
