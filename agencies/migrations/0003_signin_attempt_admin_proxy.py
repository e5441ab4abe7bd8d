# django-axes' failure records, shown in the directory's admin (a proxy: no table of its own).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0002_user_must_change_password_is_demo'),
        ('axes', '0010_accessattemptexpiration'),
    ]

    operations = [
        migrations.CreateModel(
            name='SignInAttempt',
            fields=[
            ],
            options={
                'verbose_name': 'failed sign-in',
                'verbose_name_plural': 'failed sign-ins and lockouts',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('axes.accessattempt',),
        ),
    ]
