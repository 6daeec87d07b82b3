"""New policies make reports due on the first working day after the period ends (a 旬
ending on Saturday 10 May is due on Monday 12 May). The default only: a stored policy
keeps the value its site chose."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0005_build_standings"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reportingpolicy",
            name="due_workdays",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="报送期限（周期结束后第几个工作日）"),
        ),
    ]
