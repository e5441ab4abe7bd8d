"""Deadlines for in-house handling and closing, and the escalation steps of an overdue task."""

from django.db import migrations

RULES = [
    (
        "in_house_handling",
        "本单位办理（立案之日起九十日内作出处理决定）",
        90,
        "calendar_days",
        "《医疗保障行政处罚程序暂行规定》第四十二条",
    ),
    ("case_close", "各承办单位反馈后办结", 10, "working_days", "本平台工作规则"),
    ("escalate_leader", "逾期后提醒单位负责人", 1, "working_days", "本平台工作规则"),
    (
        "escalate_office",
        "逾期后列入联席会议办公室督办",
        3,
        "working_days",
        "吉林省医疗保障基金监管工作联席会议制度",
    ),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("workflow", "DeadlineRule")
    for code, name, length, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={"name": name, "length": length, "unit": unit, "legal_basis": basis},
        )


def unseed(apps, schema_editor):
    apps.get_model("workflow", "DeadlineRule").objects.filter(
        code__in=[code for code, *_ in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("workflow", "0003_case_process")]
    operations = [migrations.RunPython(seed, unseed)]
