"""Every profile belongs to a street (a missing street denies, never widens: inspections.scopes).

Profiles saved without one get the only street when the database holds exactly one; with several streets
they must be fixed by hand first (the constraint then names them)."""

import django.db.models.deletion
from django.db import migrations, models


def fill_single_street(apps, schema_editor):
    Street = apps.get_model("inspections", "Street")
    Profile = apps.get_model("inspections", "Profile")
    streets = list(Street.objects.values_list("pk", flat=True)[:2])
    if len(streets) == 1:
        updated = Profile.objects.filter(street__isnull=True).update(street_id=streets[0])
        if updated and schema_editor.connection.vendor == "postgresql":
            # The deferred foreign-key checks of the update must run before the table is altered below.
            schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0007_photo_refused'),
    ]

    operations = [
        migrations.RunPython(fill_single_street, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='profile',
            name='street',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, to='inspections.street',
                                    verbose_name='街道'),
        ),
        migrations.AddConstraint(
            model_name='profile',
            constraint=models.CheckConstraint(condition=models.Q(('street__isnull', False)),
                                              name='profile_street_required'),
        ),
    ]
