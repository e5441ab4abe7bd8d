"""Seed the monitor's rules and Jilin's 诈骗罪 thresholds (configurable defaults).

The figures seeded for Jilin are the national floor of the 2011 bands (法释〔2011〕7号 第一条):
数额较大 ¥3,000, 数额巨大 ¥30,000, 数额特别巨大 ¥500,000. Jilin's own notice could not be
verified when this was written, so the source note says they must be confirmed by the
province's 人民检察院 before they are relied on; edit them in the admin.
"""

from datetime import date
from decimal import Decimal

from django.db import migrations

LEGAL_BASIS = (
    "最高人民法院、最高人民检察院《关于办理诈骗刑事案件具体应用法律若干问题的解释》"
    "（法释〔2011〕7号）第一条；最高人民法院、最高人民检察院、公安部《关于办理医保骗保刑事案件"
    "若干问题的指导意见》（法发〔2024〕6号）；《行政执法机关移送涉嫌犯罪案件的规定》。"
)
SOURCE_NOTE = (
    "默认值为法释〔2011〕7号规定幅度的全国下限（数额较大3000元、数额巨大3万元、数额特别巨大50万元），"
    "并非经核实的吉林省标准；须经吉林省人民检察院确认本省执行标准后在此修改。"
)

FRAUD_TYPES = [
    "fictitious_services",
    "forged_documents",
    "impersonation",
    "impersonated_admission",
    "card_misuse",
]

RULES = [
    (
        "amount_reaches_threshold",
        "涉案金额达到诈骗罪“数额较大”标准但未移送公安",
        "amount_threshold",
        {},
        "procuratorate",
        "本单位办结或仅作行政处理（行政处罚、追回基金、协议处理）的案件，涉嫌或查实金额达到"
        "立案时本省诈骗罪“数额较大”标准，且没有刑事移送。",
    ),
    (
        "fraud_violation_types",
        "存在欺诈骗保违法类型但未移送公安",
        "fraud_violation",
        {"violation_types": FRAUD_TYPES},
        "procuratorate",
        "违法类型包括虚构医疗服务、伪造医疗文书票据、冒名就医、盗刷医保卡，办结时没有刑事移送。",
    ),
    (
        "organised_fraud_group",
        "职业骗保团伙作案但未移送公安",
        "organised_group",
        {"subject_kinds": ["group"], "violation_types": ["organised_fraud"]},
        "procuratorate",
        "涉案主体为职业骗保团伙或违法类型为团伙作案，办结时没有刑事移送。",
    ),
    (
        "agency_staff_or_official",
        "经办机构工作人员或公职人员涉案但未移送纪委监委",
        "discipline_subject",
        {"subject_kinds": ["agency_staff"], "violation_types": ["collusion"]},
        "discipline",
        "涉案主体为医保经办机构工作人员或公职人员，办结时没有向纪委监委移送。",
    ),
]

# (code, name, length, unit, legal basis)
DEADLINES = [
    (
        "monitor_explanation",
        "应移未移预警：说明不移送理由",
        7,
        "working_days",
        "《人民检察院办理行政执法机关移送涉嫌犯罪案件的规定》；本平台工作规则：7个工作日内书面说明",
    ),
    (
        "monitor_recommendation",
        "应移未移预警：对建议移送作出决定",
        3,
        "calendar_days",
        "《行政执法机关移送涉嫌犯罪案件的规定》（国务院令第310号，730号修订）第十四条："
        "接到检察机关建议移送后3日内移送公安机关或书面说明理由",
    ),
]


def seed(apps, schema_editor):
    MonitorRule = apps.get_model("monitor", "MonitorRule")
    for code, name, kind, parameters, target, description in RULES:
        MonitorRule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "parameters": parameters,
                "target": target,
                "description": description,
            },
        )
    DeadlineRule = apps.get_model("workflow", "DeadlineRule")
    for code, name, length, unit, basis in DEADLINES:
        DeadlineRule.objects.get_or_create(
            code=code,
            defaults={"name": name, "length": length, "unit": unit, "legal_basis": basis[:300]},
        )
    Region = apps.get_model("agencies", "Region")
    jilin, _created = Region.objects.get_or_create(
        code="220000", defaults={"name": "吉林省", "level": "province"}
    )
    FraudThreshold = apps.get_model("monitor", "FraudThreshold")
    if not FraudThreshold.objects.filter(province=jilin).exists():
        FraudThreshold.objects.create(
            province=jilin,
            effective_from=date(2011, 4, 8),  # 法释〔2011〕7号 施行
            large=Decimal("3000"),
            huge=Decimal("30000"),
            especially_huge=Decimal("500000"),
            legal_basis=LEGAL_BASIS,
            source_note=SOURCE_NOTE,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("monitor", "0001_alerts_and_thresholds"),
        ("agencies", "0001_agency_directory"),
        ("workflow", "0004_more_deadlines"),
        ("cases", "0002_violation_catalogue"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
