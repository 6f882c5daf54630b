from django.db import migrations

from checklists.periods import period_bounds


def marks_from_published_lists(apps, schema_editor) -> None:
    """What rankings/publication.py now writes at each publication, for the lists published before: covert
    inspections contained in a published monthly or quarterly list are released (at the earliest such
    publication), and the exposure photos of current published lists may be fetched by the public."""
    publication = apps.get_model("rankings", "RankingPublication")
    inspection = apps.get_model("inspections", "Inspection")
    photo = apps.get_model("inspections", "Photo")
    public = publication.objects.filter(state__in=["published", "superseded"]).order_by("published_at")
    for street_id, kind, period, published_at in public.filter(period_kind__in=["month", "quarter"]).values_list(
        "street_id", "period_kind", "period", "published_at"
    ):
        start, end = period_bounds(kind, period)
        inspection.objects.filter(
            place__street_id=street_id, regime="monthly_covert", covert_released_at__isnull=True,
            inspected_at__gte=start, inspected_at__lt=end, completed_at__lte=published_at,
        ).update(covert_released_at=published_at)
    exposed = {
        int(pid)
        for exposures in publication.objects.filter(state="published").values_list("exposures", flat=True)
        for ids in exposures.values() for pid in ids
    }
    photo.objects.filter(pk__in=exposed).update(public_on_list=True)


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0013_rankings_own_app'),
        ('rankings', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(marks_from_published_lists, migrations.RunPython.noop),
    ]
