"""The daily lowest price gets one home, catalog.DailyLowestPrice, kept by the price services;
existing snapshots are folded into it here (one aggregate, in primary-key order)."""

import django.db.models.deletion
from django.db import migrations, models


backfill = migrations.RunSQL(
    """
    INSERT INTO catalog_dailylowestprice (product_id, day, price)
    SELECT product_id, day, min(price) FROM catalog_pricesnapshot
    GROUP BY product_id, day ORDER BY product_id, day
    """,
    reverse_sql=migrations.RunSQL.noop,
)


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0006_product_gpu_integrated'),
    ]

    operations = [
        migrations.CreateModel(
            name='DailyLowestPrice',
            fields=[
                ('pk', models.CompositePrimaryKey('product_id', 'day', blank=True, editable=False, primary_key=True, serialize=False, verbose_name='상품과 날짜')),
                ('day', models.DateField(verbose_name='날짜')),
                ('price', models.PositiveIntegerField(verbose_name='최저가 (원)')),
                ('product', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='daily_lowest', to='catalog.product', verbose_name='상품')),
            ],
            options={
                'verbose_name': '일별 최저가',
                'verbose_name_plural': '일별 최저가',
                'indexes': [models.Index(fields=['day', 'product', 'price'], name='daily_lowest_day_idx')],
            },
        ),
        backfill,
    ]
