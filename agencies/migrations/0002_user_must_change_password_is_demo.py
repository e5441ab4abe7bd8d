# Sign-in flags on people: a required password change, and the demo accounts.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0001_agency_directory'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaluser',
            name='is_demo',
            field=models.BooleanField(default=False, help_text='Created by the demo (manage.py seed_demo). Only demo accounts may sign in with the published demo password.', verbose_name='demo account'),
        ),
        migrations.AddField(
            model_name='historicaluser',
            name='must_change_password',
            field=models.BooleanField(default=False, help_text='Set by a system administrator: until the person chooses a new password, every page takes them to the password change.', verbose_name='must choose a new password'),
        ),
        migrations.AddField(
            model_name='user',
            name='is_demo',
            field=models.BooleanField(default=False, help_text='Created by the demo (manage.py seed_demo). Only demo accounts may sign in with the published demo password.', verbose_name='demo account'),
        ),
        migrations.AddField(
            model_name='user',
            name='must_change_password',
            field=models.BooleanField(default=False, help_text='Set by a system administrator: until the person chooses a new password, every page takes them to the password change.', verbose_name='must choose a new password'),
        ),
    ]
