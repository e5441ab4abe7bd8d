"""The violation catalogue (shared/seeds/county-district-inspection-plans.txt, 篇3 三, and
shared/domain.md). Editable afterwards in the admin; this only seeds it."""

from django.db import migrations

CATALOGUE = [
    ("institution", [
        ("refuse_patients", "以医保政策为借口拒绝、推诿病人"),
        ("over_standard_charge", "超标准收费"),
        ("duplicate_charge", "重复收费"),
        ("split_charge", "分解收费"),
        ("swap_item_charge", "串换项目收费"),
        ("swap_drugs_supplies", "串换药品、耗材、诊疗项目"),
        ("induced_admission", "诱导住院"),
        ("lowered_admission", "降低入院标准"),
        ("impersonated_admission", "冒名住院"),
        ("bed_hanging", "挂床住院"),
        ("split_admission", "分解住院"),
        ("over_treatment", "过度检查、过度用药、过度治疗"),
        ("third_party_costs", "将应由第三人负担的费用纳入医保支付"),
        ("fictitious_services", "虚构医疗服务"),
        ("forged_documents", "伪造医疗文书、票据"),
        ("outpatient_pool_misuse", "违规使用门诊统筹基金"),
        ("false_records", "诊疗记录、进销存台账不真实"),
    ]),
    ("pharmacy", [
        ("pharmacy_swap", "药店串换药品、耗材、器械"),
        ("pharmacy_overdispensing", "超量配药、不按处方配售药品"),
        ("pharmacy_cashing", "虚开发票、帮助套取现金"),
        ("card_misuse", "盗刷医保卡、购买非医疗用品"),
        ("non_designated_settlement", "为非定点医药机构提供刷卡结算"),
    ]),
    ("insured", [
        ("impersonation", "冒名就医"),
        ("card_lending", "出借、转让医保凭证"),
        ("drug_resale", "倒卖医保药品"),
    ]),
    ("agency", [
        ("collusion", "经办机构内外勾结"),
        ("false_reimbursement", "违规审核、虚假报销"),
    ]),
    ("group", [
        ("organised_fraud", "职业骗保团伙作案"),
    ]),
]


def seed(apps, schema_editor):
    ViolationType = apps.get_model("cases", "ViolationType")
    for category, entries in CATALOGUE:
        for order, (code, name) in enumerate(entries, start=1):
            ViolationType.objects.update_or_create(
                code=code, defaults={"name": name, "category": category, "sort_order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_case_data")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
