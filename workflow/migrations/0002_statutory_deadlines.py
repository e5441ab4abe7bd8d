"""The statutory time limits of referral (shared/domain.md), as configurable rules."""

from django.db import migrations

RULES = [
    ("case_approval", "负责人审批移送", 3, "calendar_days",
     "《行政执法机关移送涉嫌犯罪案件的规定》第五条"),
    ("criminal_transfer", "批准后向公安机关移送", 24, "hours",
     "《行政执法机关移送涉嫌犯罪案件的规定》第五条"),
    ("referral_receipt", "接收单位签收", 1, "working_days", "本平台工作规则"),
    ("police_filing_decision", "公安机关作出立案决定", 3, "calendar_days",
     "《行政执法机关移送涉嫌犯罪案件的规定》第八条；《公安机关办理刑事案件程序规定》第一百七十七条"),
    ("police_filing_extension_10", "经济犯罪案件立案审查延长至10日", 10, "calendar_days",
     "《公安机关办理刑事案件程序规定》第一百七十七条"),
    ("police_filing_extension_30", "经县级以上公安机关负责人批准延长至30日", 30, "calendar_days",
     "《公安机关办理刑事案件程序规定》第一百七十七条"),
    ("police_filing_extension_plus30", "经上一级公安机关负责人批准再延长30日", 30,
     "calendar_days", "《公安机关办理刑事案件程序规定》第一百七十七条"),
    ("admin_decision", "行政协作案件受理决定", 10, "working_days", "本平台工作规则"),
    ("discipline_forward", "纪检监察机关转交或退回线索", 5, "working_days",
     "《中华人民共和国监察法实施条例》第一百七十一条"),
    ("supplement", "移送单位补充材料", 5, "working_days", "本平台工作规则"),
    ("reconsideration_request", "移送单位提请复议", 3, "calendar_days",
     "《行政执法机关移送涉嫌犯罪案件的规定》第九条"),
    ("reconsideration_decision", "作出复议决定", 3, "calendar_days",
     "《行政执法机关移送涉嫌犯罪案件的规定》第九条"),
    ("supervision_explanation", "公安机关说明不立案理由", 7, "calendar_days",
     "《人民检察院刑事诉讼规则》"),
    ("supervision_filing", "接到通知立案后立案", 15, "calendar_days",
     "《人民检察院刑事诉讼规则》"),
    ("evidence_handover", "立案后移交涉案物品和材料", 3, "calendar_days",
     "《行政执法机关移送涉嫌犯罪案件的规定》第十二条"),
    ("informant_notice", "告知举报人处理情况", 5, "working_days", "医保发〔2021〕49号"),
    ("progress_report", "报送办理进展", 30, "calendar_days", "本平台工作规则"),
]


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("workflow", "DeadlineRule")
    for code, name, length, unit, basis in RULES:
        DeadlineRule.objects.get_or_create(
            code=code, defaults={"name": name, "length": length, "unit": unit,
                                 "legal_basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_deadline_rules_and_calendar")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
