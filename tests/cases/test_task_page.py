"""A task page carries what its actor needs to decide: the case's description and parties, the
evidence, the referral's papers (the incoming 移送书) and the reasons of the steps before."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import services
from tests.builders import as_user, open_task, team_of


def referred_with_a_party_and_evidence(world, agencies):
    case = services.case_register(
        user=world["yb_officer"],
        subjects=[
            {
                "kind": "institution",
                "name": "长春市某骨科医院",
                "credit_code": "91110000600037341L",
                "id_number": "",
                "institution_class": "private",
                "note": "",
            }
        ],
        files=[
            SimpleUploadedFile("飞检记录.pdf", b"%PDF-1.7 test", content_type="application/pdf")
        ],
        data={
            "title": "某骨科医院涉嫌串换耗材案",
            "source": "flying_inspection",
            "violation_types": [],
            "suspected_amount": Decimal("286400.00"),
            "description": "飞行检查发现该院将普通耗材串换为高值耗材申报结算。",
            "confidentiality": "internal",
            "informant": "",
        },
    )
    services.case_decide(
        task=open_task(case, "approve"),
        user=world["yb_leader"],
        decision="refer",
        team=team_of(case),
        referrals=[
            {
                "to_agency": agencies["省卫生健康委"],
                "channel": "administrative",
                "summary": "请处理",
            }
        ],
    )
    return case


def test_the_receivers_page_shows_the_case_its_party_evidence_and_the_referral_letter(
    client, world, agencies
):
    case = referred_with_a_party_and_evidence(world, agencies)
    referral = case.referrals.get()
    letter = referral.issued_documents().get(doc_type="referral")
    as_user(client, "wj_liaison")
    page = client.get(reverse("cases:task", args=[open_task(case, "receive").pk]))
    html = page.content.decode()
    assert "将普通耗材串换为高值耗材" in html
    assert "长春市某骨科医院" in html and "91110000600037341L" in html  # public: in full
    assert "飞检记录.pdf" in html
    assert reverse("documents:download", args=[letter.pk]) in html
    assert letter.number in html


def test_after_a_return_the_receiver_sees_what_was_asked_for(client, world, agencies):
    case = referred_with_a_party_and_evidence(world, agencies)
    services.referral_receive(
        task=open_task(case, "receive"),
        user=world["wj_liaison"],
        action="return",
        reason="请补充住院病历原件扫描件",
    )
    services.referral_supplement(
        task=open_task(case, "supplement"), user=world["yb_officer"], note="已补充", files=[]
    )
    as_user(client, "wj_liaison")
    html = client.get(reverse("cases:task", args=[open_task(case, "receive").pk])).content
    assert "请补充住院病历原件扫描件" in html.decode()
    services.referral_receive(
        task=open_task(case, "receive"), user=world["wj_liaison"], action="sign"
    )
    html = client.get(reverse("cases:task", args=[open_task(case, "decide").pk])).content
    assert "请补充住院病历原件扫描件" not in html.decode()  # signed: no longer the question
