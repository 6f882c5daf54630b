import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def content_types_follow(apps, schema_editor) -> None:
    """Permissions and admin history of the two models follow them to this app."""
    content_type = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in ("placescore", "rankingpublication"):
        if not content_type.objects.using(db).filter(app_label="rankings", model=model).exists():
            content_type.objects.using(db).filter(app_label="inspections", model=model).update(app_label="rankings")


def content_types_back(apps, schema_editor) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.using(schema_editor.connection.alias).filter(
        app_label="rankings", model__in=["placescore", "rankingpublication"]
    ).update(app_label="inspections")


class Migration(migrations.Migration):
    """The models made by inspections 0002, 0003 and 0006, taken over with their tables (state only)."""

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('inspections', '0013_rankings_own_app'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='PlaceScore',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('regime', models.CharField(choices=[('weekly_guidance', '周指导'), ('monthly_covert', '月暗查'), ('quarterly_assessment', '季考核')], max_length=32, verbose_name='检查制度')),
                        ('period', models.CharField(help_text='如 2026-W05、2026-05、2026-Q2', max_length=10, verbose_name='周期')),
                        ('sum_tenths', models.BigIntegerField(default=0, verbose_name='得分合计(0.1分)')),
                        ('count', models.PositiveIntegerField(default=0, verbose_name='计分检查数')),
                        ('veto_count', models.PositiveIntegerField(default=0, verbose_name='一票否决数')),
                        ('composite', models.CharField(blank=True, max_length=80, verbose_name='综合得分(精确)')),
                        ('composite_vetoed', models.BooleanField(default=False, verbose_name='综合一票否决')),
                        ('place', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='scores', to='inspections.place', verbose_name='场所')),
                    ],
                    options={
                        'verbose_name': '场所周期得分',
                        'verbose_name_plural': '场所周期得分',
                        'db_table': 'inspections_placescore',
                        'indexes': [models.Index(fields=['regime', 'period'], name='inspections_regime_166b79_idx')],
                        'constraints': [models.UniqueConstraint(fields=('place', 'regime', 'period'), name='one_score_per_place_regime_period')],
                    },
                ),
                migrations.CreateModel(
                    name='RankingPublication',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('period_kind', models.CharField(choices=[('week', '周'), ('month', '月'), ('quarter', '季度')], max_length=10, verbose_name='周期类型')),
                        ('period', models.CharField(max_length=10, verbose_name='周期')),
                        ('revision', models.PositiveIntegerField(default=1, verbose_name='版次')),
                        ('state', models.CharField(choices=[('draft', '草稿'), ('published', '已发布'), ('superseded', '已被取代')], db_index=True, default='draft', max_length=12, verbose_name='状态')),
                        ('data', models.JSONField(default=dict, verbose_name='榜单数据')),
                        ('reviewed', models.JSONField(blank=True, default=list, verbose_name='已审核条目')),
                        ('exposures', models.JSONField(blank=True, default=dict, verbose_name='曝光照片')),
                        ('computed_at', models.DateTimeField(verbose_name='计算时间')),
                        ('published_at', models.DateTimeField(blank=True, null=True, verbose_name='发布时间')),
                        ('revision_reason', models.TextField(blank=True, verbose_name='修订原因')),
                        ('public_photos_changed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='公示照片变更时间')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                        ('published_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人')),
                        ('street', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='publications', to='inspections.street', verbose_name='街道')),
                        ('supersedes', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='rankings.rankingpublication', verbose_name='取代的版次')),
                    ],
                    options={
                        'verbose_name': '榜单发布',
                        'verbose_name_plural': '榜单发布',
                        'db_table': 'inspections_rankingpublication',
                        'ordering': ['-period', 'period_kind', '-revision'],
                        'constraints': [models.UniqueConstraint(fields=('street', 'period_kind', 'period', 'revision'), name='one_revision_number_per_list')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]
