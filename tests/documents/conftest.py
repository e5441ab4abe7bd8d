"""Content builders shared by the document rendering tests.

Rendering needs Django's template engine and settings but never the database.
"""

from datetime import date

from documents.content import Attachment, DocumentContent

# Ideographs FandolFang (the open 仿宋) covers; no digits, Latin or punctuation, so that line
# breaking is never moved by the rules for punctuation at line starts and ends.
IDEOGRAPHS = (
    "健全完善吉林省医疗保障基金综合监管工作制度促进部门间相互配合联合推进信息共享和互通"
    "打击欺诈骗协同执法做好行刑衔接形成齐抓共管惩戒的长效机制贯彻落实国家相关律规及政策"
    "统筹对险经办构定点零售药店分析研判势为典型案例究如何督查重大违案件组织开展多抽检实施"
)
RARE_NAMES = "刘喆、韩堃、郑珺、孙玥、𬌗某"
RARE_CHARS = "喆堃珺玥𬌗"
END_MARKER = "此致敬礼"  # ends a body; none of its characters is in IDEOGRAPHS
ISSUED_ON = date(2025, 3, 5)


def ideographs(count: int, start: int = 0) -> str:
    """`count` ideographs, cycling through IDEOGRAPHS from `start`."""
    n = len(IDEOGRAPHS)
    return "".join(IDEOGRAPHS[(start + i) % n] for i in range(count))


def pure_cjk_body(paragraph_lengths) -> str:
    """Paragraphs of pure ideographs, one per line of the body text."""
    paragraphs, start = [], 0
    for length in paragraph_lengths:
        paragraphs.append(ideographs(length, start))
        start += length
    return "\n".join(paragraphs)


def paragraph_of_lines(lines: int, start: int = 0) -> str:
    """A pure-ideograph paragraph that fills exactly `lines` lines (the first indented by two)."""
    return ideographs(26 + 28 * (lines - 1) - 3, start)  # 3 short of full: the last line ends early


REALISTIC_BODY = (
    "为贯彻落实《医疗保障基金使用监督管理条例》，加强部门间协同配合，经召集人同意，定于2025年3月20日"
    "召开全省医疗保障基金监管部门联席会议。现将有关事项通知如下。\n"
    "一、工作目标。健全完善吉林省医疗保障基金综合监管工作制度，促进部门间相互配合、联合监管，"
    "推进信息共享和互联互通，健全打击欺诈骗保协同执法，做好行刑衔接，做到“一案多查”“一案多处”，"
    "形成齐抓共管、联合惩戒的医疗保障基金监管长效工作机制。\n"
    "（一）全面贯彻落实国家相关法律法规和吉林省医疗保障规章及政策规定，统筹协调医疗保障基金监管工作，"
    "加强对医疗保险经办机构、定点医疗机构和定点零售药店的监管。\n"
    "1．分析研判医疗保障基金监管形势及打击欺诈骗保行为典型案例；研究如何督查督办重大欺诈骗保违法违规案件。\n"
    "（1）组织开展多部门联合抽查检查、联合执法，实施“一案多查”“一案多处”联合惩戒；"
    "做好部门间行政执法与行刑衔接工作。\n"
    f"二、请各成员单位于2025年3月20日前将联络员名单报送联席会议办公室。联系人：{RARE_NAMES}，"
    "电话：0431-88906320。"
)


def make_content(**overrides) -> DocumentContent:
    """A complete notice (文件格式) with every element GB/T 9704 knows."""
    fields = {
        "layout": "standard",
        "issuer_mark": "吉林省医疗保障局文件",
        "number": "吉医保联〔2025〕3号",
        "title": "关于召开2025年第一次医疗保障基金监管部门联席会议的通知",
        "body": REALISTIC_BODY,
        "issued_on": ISSUED_ON,
        "recipients": "省人民检察院，省公安厅，省财政厅，省卫生健康委，省审计厅，省市场监管厅",
        "signature": "吉林省医疗保障局",
        "attachments": [Attachment("参会回执"), Attachment("2024年度医保基金监管工作情况")],
        "note": "联系人：赵静，电话：0431-88906320",
        "copy_to": "省政府办公厅，国家医疗保障局基金监管司",
        "printed_by": "吉林省医疗保障局办公室",
    }
    fields.update(overrides)
    return DocumentContent(**fields)


def make_minutes(**overrides) -> DocumentContent:
    fields = {
        "layout": "minutes",
        "issuer_mark": "吉林省医疗保障基金监管部门联席会议纪要",
        "number": "吉医保纪〔2025〕1号",
        "title": "全省医疗保障基金监管部门联席会议纪要",
        "recipients": "",
        "signature": "吉林省医疗保障基金监管部门联席会议办公室",
        "sealed": False,
        "attachments": [],
        "note": "",
        "attendees": "王建国（省医疗保障局）、周振华（省人民检察院）",
        "absentees": "杨秀英（省财政厅，出差）",
        "observers": "喻晓梅（省药品监督管理局）",
        "copy_to": "各成员单位",
        "printed_by": "吉林省医疗保障基金监管部门联席会议办公室",
    }
    fields.update(overrides)
    return make_content(**fields)


def make_letter(**overrides) -> DocumentContent:
    fields = {
        "layout": "letter",
        "issuer_mark": "吉林省医疗保障局",
        "number": "吉医保函〔2025〕7号",
        "title": "关于提供部分参保人员就医结算信息的复函",
        "recipients": "吉林省审计厅",
        "attachments": [Attachment("参保人员就医结算明细")],
        "note": "",
        "copy_to": "省医疗保障局基金监管处",
        "printed_by": "",
    }
    fields.update(overrides)
    return make_content(**fields)
