"""The deadline of the leader's approval of a closing report (结案审批)."""

from django.db import migrations

RULE = ("case_close_approval", "负责人审批结案报告", 3, "working_days", "本平台工作规则")


def seed(apps, schema_editor):
    code, name, length, unit, basis = RULE
    apps.get_model("workflow", "DeadlineRule").objects.get_or_create(
        code=code, defaults={"name": name, "length": length, "unit": unit, "legal_basis": basis}
    )


def unseed(apps, schema_editor):
    apps.get_model("workflow", "DeadlineRule").objects.filter(code=RULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0008_task_urges")]
    operations = [migrations.RunPython(seed, unseed)]
