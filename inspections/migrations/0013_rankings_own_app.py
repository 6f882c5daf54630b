from django.db import migrations


class Migration(migrations.Migration):
    """PlaceScore and RankingPublication now belong to the rankings app (rankings/migrations/0001_initial.py).
    Only Django's record of the models moves: the tables keep their names and every row."""

    dependencies = [
        ('inspections', '0012_release_marks'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='PlaceScore'),
                migrations.DeleteModel(name='RankingPublication'),
            ],
            database_operations=[],
        ),
    ]
