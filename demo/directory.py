"""The demo directory: the Jilin provincial joint-meeting system
(吉林省医疗保障基金监管部门联席会议, shared/seeds/jilin-joint-meeting-system.txt)
plus 省纪委监委, 省药监局 and three Changchun agencies.

Every person here is fictional. All demo accounts share DEMO_PASSWORD and are marked
`is_demo`: the only accounts that may sign in with it in production (agencies/passwords.py).
"""

from django.contrib.auth.hashers import make_password

from agencies import services
from agencies.models import Agency, Region, Role
from agencies.passwords import DEMO_PASSWORD

K = Agency.Kind
R = Role

# (key, name, short name, kind, region code, doc prefix, superior key, phone)
AGENCIES = [
    (
        "yb",
        "吉林省医疗保障局",
        "省医保局",
        K.MEDICAL_INSURANCE,
        "220000",
        "吉医保",
        None,
        "0431-88906320",
    ),
    (
        "jcy",
        "吉林省人民检察院",
        "省检察院",
        K.PROCURATORATE,
        "220000",
        "吉检",
        None,
        "0431-82791012",
    ),
    ("ga", "吉林省公安厅", "省公安厅", K.PUBLIC_SECURITY, "220000", "吉公", None, "0431-82098114"),
    ("cz", "吉林省财政厅", "省财政厅", K.FINANCE, "220000", "吉财", None, "0431-88504407"),
    (
        "wj",
        "吉林省卫生健康委员会",
        "省卫生健康委",
        K.HEALTH,
        "220000",
        "吉卫",
        None,
        "0431-88905622",
    ),
    ("sj", "吉林省审计厅", "省审计厅", K.AUDIT, "220000", "吉审", None, "0431-88956218"),
    (
        "scjg",
        "吉林省市场监督管理厅",
        "省市场监管厅",
        K.MARKET_REGULATION,
        "220000",
        "吉市监",
        None,
        "0431-85375318",
    ),
    ("jw", "吉林省纪委监委", "省纪委监委", K.DISCIPLINE, "220000", "吉纪", None, "0431-82751180"),
    (
        "yj",
        "吉林省药品监督管理局",
        "省药监局",
        K.DRUG_ADMINISTRATION,
        "220000",
        "吉药监",
        None,
        "0431-88906115",
    ),
    (
        "ccyb",
        "长春市医疗保障局",
        "长春市医保局",
        K.MEDICAL_INSURANCE,
        "220100",
        "长医保",
        "yb",
        "0431-88779021",
    ),
    (
        "ccga",
        "长春市公安局",
        "长春市公安局",
        K.PUBLIC_SECURITY,
        "220100",
        "长公",
        "ga",
        "0431-82715110",
    ),
    (
        "ccjcy",
        "长春市人民检察院",
        "长春市检察院",
        K.PROCURATORATE,
        "220100",
        "长检",
        "jcy",
        "0431-88791235",
    ),
]

# (username, agency key, full name, position, roles)
PEOPLE = [
    # 省医疗保障局 — lead unit; the joint-meeting office sits in its 基金监管处
    ("yb_convenor", "yb", "王建国", "局长", [R.CONVENOR]),
    ("yb_leader", "yb", "李志刚", "副局长", [R.AGENCY_LEADER]),
    ("yb_officer", "yb", "张丽娟", "基金监管处一级主任科员", [R.CASE_OFFICER]),
    ("yb_officer2", "yb", "刘喆", "基金监管处四级主任科员", [R.CASE_OFFICER]),
    ("yb_liaison", "yb", "陈海燕", "基金监管处处长", [R.LIAISON]),
    ("yb_office", "yb", "赵静", "基金监管处副处长（联席会议办公室）", [R.MEETING_OFFICE]),
    ("yb_office2", "yb", "孙玥", "基金监管处一级科员（联席会议办公室）", [R.MEETING_OFFICE]),
    # 省人民检察院
    ("jcy_deputy", "jcy", "周振华", "副检察长", [R.DEPUTY_CONVENOR]),
    ("jcy_leader", "jcy", "吴建明", "第一检察部主任", [R.AGENCY_LEADER]),
    ("jcy_liaison", "jcy", "郑珺", "第一检察部副主任", [R.LIAISON]),
    ("jcy_officer", "jcy", "冯晓东", "检察官助理", [R.CASE_OFFICER]),
    # 省公安厅
    ("ga_deputy", "ga", "褚卫东", "副厅长", [R.DEPUTY_CONVENOR]),
    ("ga_leader", "ga", "蒋国强", "经济犯罪侦查总队总队长", [R.AGENCY_LEADER]),
    ("ga_liaison", "ga", "沈立新", "经济犯罪侦查总队支队长", [R.LIAISON]),
    ("ga_officer", "ga", "韩堃", "经济犯罪侦查总队侦查员", [R.CASE_OFFICER]),
    # 省财政厅
    ("cz_deputy", "cz", "杨秀英", "副厅长", [R.DEPUTY_CONVENOR]),
    ("cz_leader", "cz", "朱文斌", "社会保障处处长", [R.AGENCY_LEADER]),
    ("cz_liaison", "cz", "秦雪梅", "社会保障处副处长", [R.LIAISON]),
    ("cz_officer", "cz", "尤佳", "社会保障处一级主任科员", [R.CASE_OFFICER]),
    # 省卫生健康委员会
    ("wj_deputy", "wj", "许德明", "副主任", [R.DEPUTY_CONVENOR]),
    ("wj_leader", "wj", "何春生", "医政医管处处长", [R.AGENCY_LEADER]),
    ("wj_liaison", "wj", "吕晓红", "综合监督局副局长", [R.LIAISON]),
    ("wj_officer", "wj", "施俊杰", "综合监督局卫生监督员", [R.CASE_OFFICER]),
    # 省审计厅
    ("sj_deputy", "sj", "张伟民", "副厅长", [R.DEPUTY_CONVENOR]),
    ("sj_leader", "sj", "孔庆东", "社会保障审计处处长", [R.AGENCY_LEADER]),
    ("sj_liaison", "sj", "曹丽", "社会保障审计处副处长", [R.LIAISON]),
    ("sj_officer", "sj", "严明", "社会保障审计处审计员", [R.CASE_OFFICER]),
    # 省市场监督管理厅
    ("scjg_deputy", "scjg", "华振宇", "副厅长", [R.DEPUTY_CONVENOR]),
    ("scjg_leader", "scjg", "金世杰", "价格监督检查和反不正当竞争局局长", [R.AGENCY_LEADER]),
    ("scjg_liaison", "scjg", "魏红梅", "价格监督检查和反不正当竞争局副局长", [R.LIAISON]),
    ("scjg_officer", "scjg", "陶志远", "执法稽查局执法人员", [R.CASE_OFFICER]),
    # 省纪委监委 (not a member unit; receives clues of misconduct by public officials)
    ("jw_leader", "jw", "姜正义", "第五监督检查室主任", [R.AGENCY_LEADER]),
    ("jw_liaison", "jw", "戚文静", "案件监督管理室副主任", [R.LIAISON]),
    ("jw_officer", "jw", "谢天明", "第五监督检查室干部", [R.CASE_OFFICER]),
    # 省药品监督管理局
    ("yj_leader", "yj", "邹国华", "药品监管处处长", [R.AGENCY_LEADER]),
    ("yj_liaison", "yj", "喻晓梅", "稽查局副局长", [R.LIAISON]),
    ("yj_officer", "yj", "柏林", "稽查局执法人员", [R.CASE_OFFICER]),
    # 长春市医疗保障局
    ("ccyb_leader", "ccyb", "水志强", "局长", [R.AGENCY_LEADER]),
    ("ccyb_liaison", "ccyb", "窦海波", "基金监管科科长", [R.LIAISON]),
    ("ccyb_officer", "ccyb", "章雨桐", "基金监管科科员", [R.CASE_OFFICER]),
    # 长春市公安局
    ("ccga_leader", "ccga", "云鹏飞", "经济犯罪侦查支队支队长", [R.AGENCY_LEADER]),
    ("ccga_liaison", "ccga", "苏建华", "经济犯罪侦查支队大队长", [R.LIAISON]),
    ("ccga_officer", "ccga", "潘俊", "经济犯罪侦查支队侦查员", [R.CASE_OFFICER]),
    # 长春市人民检察院
    ("ccjcy_leader", "ccjcy", "葛文华", "第一检察部主任", [R.AGENCY_LEADER]),
    ("ccjcy_liaison", "ccjcy", "奚敏", "第一检察部检察官", [R.LIAISON]),
    # auditor: reads every agency's histories, read-only
    ("auditor", "yb", "范晓琳", "内部审计与稽核专员", [R.AUDITOR]),
]


def seed_directory() -> dict:
    """Create or update the demo regions, agencies and people. Returns counts for the report."""
    jilin = services.region_ensure(code="220000", name="吉林省", level=Region.Level.PROVINCE)
    changchun = services.region_ensure(
        code="220100", name="长春市", level=Region.Level.CITY, parent=jilin
    )
    services.region_ensure(
        code="220104", name="朝阳区", level=Region.Level.COUNTY, parent=changchun
    )
    regions = {"220000": jilin, "220100": changchun}

    agencies: dict[str, Agency] = {}
    for order, (key, name, short, kind, region, prefix, superior, phone) in enumerate(AGENCIES):
        agencies[key] = services.agency_ensure(
            name=name,
            short_name=short,
            kind=kind,
            region=regions[region],
            superior=agencies[superior] if superior else None,
            doc_prefix=prefix,
            phone=phone,
            sort_order=(order + 1) * 10,
            is_active=True,
        )

    # one hash for every demo account: hashing 48 times costs half a minute
    demo_hash = make_password(DEMO_PASSWORD)
    for username, agency_key, full_name, title, roles in PEOPLE:
        person = services.person_ensure(
            username=username,
            password_hash=demo_hash,
            full_name=full_name,
            agency=agencies[agency_key],
            title=title,
            email=f"{username}@xietong.example",
            is_active=True,
            is_demo=True,
        )
        for role in roles:
            services.role_grant(
                user=person, role=role, basis="吉林省医疗保障基金监管部门联席会议制度"
            )

    services.person_ensure(
        username="admin",
        password_hash=demo_hash,
        full_name="系统管理员",
        agency=None,
        title="信息中心",
        email="admin@xietong.example",
        is_active=True,
        is_staff=True,
        is_superuser=True,
        is_demo=True,
    )
    return {"agencies": len(agencies), "people": len(PEOPLE) + 1}
