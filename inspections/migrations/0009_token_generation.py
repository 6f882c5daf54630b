# The login generation (inspections.api.authentication): a user revoked before this migration is at
# generation 1, so the tokens issued before it, which carry no generation (read as 0), are refused.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0008_profile_street_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='tokenrevocation',
            name='generation',
            field=models.PositiveIntegerField(default=1, verbose_name='吊销次数'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='tokenrevocation',
            name='generation',
            field=models.PositiveIntegerField(default=0, verbose_name='吊销次数'),
        ),
    ]
