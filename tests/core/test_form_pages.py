"""How forms look and behave on the page: choices of rows are checkbox lists, fields that apply
only to some answers carry their rule for the page and the same rule is enforced on the server,
a failed form names the files to choose again and sums up its errors at the top, the login
error is shown once, document numbers stay on one line, the process chart keeps its size."""

import json
import re
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from agencies.models import Agency
from cases import forms as case_forms
from core.forms import ANY, UNTICKED, CheckboxList, ConditionalFieldsMixin
from documents import forms as document_forms
from meetings import body_pages
from meetings import round_forms as meeting_forms
from tests.builders import as_user, case_form_data, start_tags, visible_text

ROOT = Path(__file__).resolve().parents[2]
FORM_MODULES = (case_forms, meeting_forms, document_forms, body_pages)

# arguments the forms need to be built outside their views
FORM_KWARGS = {
    meeting_forms.TopicForm: lambda: {"cases": _no_cases(), "presenting": None},
    meeting_forms.ApproveForm: lambda: {"guests": Agency.objects.none()},
}


def _no_cases():
    from cases.models import Case

    return Case.objects.none()


def _form_classes():
    seen = []
    for module in FORM_MODULES:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                seen.append(value)
    return seen


def _build(form_class, data=None, files=None):
    kwargs = FORM_KWARGS.get(form_class, dict)()
    return form_class(data, files, **kwargs)


# -- choices of rows --------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_choice_of_rows_is_a_checkbox_list():
    multiple = []
    for form_class in _form_classes():
        form = _build(form_class)
        for name, field in form.fields.items():
            if isinstance(field, forms.ModelMultipleChoiceField):
                multiple.append(f"{form_class.__name__}.{name}")
                assert isinstance(field.widget, CheckboxList), f"{form_class.__name__}.{name}"
    # the ones the issue names are among them
    for name in (
        "CaseForm.violation_types",
        "DecideForm.to_agencies",
        "CloseForm.refer_to",
        "MeetingOpenForm.agencies",
        "ResolutionForm.cooperating",
        "DispatchForm.to_agencies",
        "DispatchForm.cc_agencies",
    ):
        assert name in multiple


def test_the_units_invited_per_agenda_item_are_a_checkbox_list(world):
    from tests.builders import joint_body, meeting_awaiting_approval

    joint_body()
    _meeting, topic = meeting_awaiting_approval(world)
    form = meeting_forms.ApproveForm(agenda=[topic], guests=Agency.objects.all())
    assert isinstance(form.fields[f"invited_{topic.pk}"].widget, CheckboxList)


@pytest.mark.django_db
def test_a_checkbox_list_is_checkboxes_and_a_filter_box_without_a_name(agency, other_agency):
    html = str(case_forms.DecideForm()["to_agencies"])
    assert "<select" not in html
    boxes = [t for t in start_tags(html, "input") if t.get("type") == "checkbox"]
    assert {b["name"] for b in boxes} == {"to_agencies"}
    assert sorted(int(b["value"]) for b in boxes) == sorted([agency.pk, other_agency.pk])
    assert not [b for b in boxes if "checked" in b]
    (search,) = [t for t in start_tags(html, "input") if t.get("type") == "search"]
    assert "name" not in search  # never sent with the form
    assert "hidden" in search  # shown by the script; without it a plain checkbox list
    labels = visible_text(html)
    assert "吉林省医疗保障局" in labels and "吉林省公安厅" in labels
    assert "尚未选择" in labels


@pytest.mark.django_db
def test_a_checkbox_list_shows_what_was_chosen_and_submits_it(agency, other_agency):
    form = case_forms.DecideForm(
        {
            "decision": "refer",
            "to_agencies": [str(other_agency.pk)],
            "summary": "请依法处理。",
            "team": _team(agency),
        }
    )
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["to_agencies"]) == [other_agency]
    html = str(form["to_agencies"])
    checked = [t["value"] for t in start_tags(html, "input") if "checked" in t]
    assert checked == [str(other_agency.pk)]
    assert "已选：吉林省公安厅" in visible_text(html)


def _team(agency) -> list[str]:
    """Two officers of `agency`: the case team a decision to refer names."""
    from agencies.models import Role
    from tests.factories import UserFactory

    return [
        str(UserFactory(username=f"team{n}", agency=agency, roles=[Role.CASE_OFFICER]).pk)
        for n in (1, 2)
    ]


# -- fields shown only when they apply ------------------------------------------------------


def _conditional_forms():
    return [c for c in _form_classes() if issubclass(c, ConditionalFieldsMixin)]


def _values_outside(form, name, accepted):
    """A value of field `name` that its rule does not accept ('' when any value is)."""
    field = form.fields[name]
    if ANY in accepted:
        return ""
    if isinstance(field.widget, forms.CheckboxInput):
        return "on" if UNTICKED in accepted else ""
    for value, _label in field.choices:
        if str(value) not in accepted and str(value) != "":
            return str(value)
    raise AssertionError(f"no value outside {accepted} for {name}")


def _value_inside(accepted):
    value = accepted[0]
    return "1" if value == ANY else value


def test_the_forms_with_conditional_fields_are_the_ones_the_issue_names():
    names = {c.__name__ for c in _conditional_forms()}
    assert {
        "DecideForm",
        "ReceiveForm",
        "RespondForm",
        "InvestigateForm",
        "ReferralDecideForm",
        "ExtensionDecideForm",
        "MeetingOpenForm",
        "ApproveForm",
    } <= names


@pytest.mark.django_db
def test_each_conditional_field_is_required_exactly_when_the_page_shows_it(agency):
    """For every rule: the answers it names make the empty field an error with its message;
    breaking any one condition makes the field not apply, and it is no error to leave it."""
    checked = 0
    for form_class in _conditional_forms():
        template_form = _build(form_class)
        for name, rule in template_form.shown_when.items():
            if not rule.required:
                continue
            holds = {other: _value_inside(list(values)) for other, values in rule.when.items()}
            form = _build(form_class, holds)
            form.is_valid()
            assert str(rule.required) in form.errors.get(name, []), (form_class, name)
            for other, values in rule.when.items():
                broken = {**holds, other: _values_outside(template_form, other, list(values))}
                form = _build(form_class, broken)
                form.is_valid()
                assert str(rule.required) not in form.errors.get(name, []), (form_class, other)
            checked += 1
    assert checked >= 15


def _field_wrappers(rendered: str) -> dict:
    """{field name: attributes of its .xt-field wrapper} in a rendering of _form_fields.html."""
    wrappers = {}
    for match in re.finditer(r'(<div class="xt-field[^>]*>).*?name="([\w-]+)"', rendered, re.S):
        (attrs,) = start_tags(match.group(1), "div")
        wrappers[match.group(2)] = attrs
    return wrappers


def _fields_html(form) -> str:
    return Template('{% include "cases/_form_fields.html" with form=form %}').render(
        Context({"form": form})
    )


@pytest.mark.django_db
def test_the_page_gets_the_rule_the_server_enforces(agency):
    rendered = _fields_html(case_forms.DecideForm())  # as the task page renders it
    wrappers = _field_wrappers(rendered)
    assert "data-show-when" not in wrappers["decision"]
    assert json.loads(wrappers["to_agencies"]["data-show-when"]) == {"decision": ["refer"]}
    assert json.loads(wrappers["summary"]["data-show-when"]) == {"decision": ["refer"]}
    assert json.loads(wrappers["reason"]["data-show-when"]) == {"decision": ["unfounded"]}
    # a field needed whenever it is shown says so in its label
    assert "移送至 *" in visible_text(rendered)


@pytest.mark.django_db
def test_a_rule_in_a_formset_names_the_prefixed_field():
    formset = case_forms.SubjectFormSet(prefix="subjects")
    wrappers = _field_wrappers(_fields_html(formset.forms[0]))
    rule = {"subjects-0-kind": ["institution", "pharmacy"]}
    assert json.loads(wrappers["subjects-0-credit_code"]["data-show-when"]) == rule


@pytest.mark.django_db
def test_what_was_typed_in_a_field_that_does_not_apply_is_never_used(agency, other_agency):
    form = case_forms.DecideForm(
        {
            "decision": "refer",
            "to_agencies": [str(other_agency.pk)],
            "summary": "请依法处理。",
            "team": _team(agency),
            "reason": "先前选“查无实据”时写下的理由",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["reason"] == ""
    # and it is still on the page if the form comes back
    form = case_forms.DecideForm({"decision": "refer", "reason": "先前写下的理由"})
    assert not form.is_valid()
    assert "先前写下的理由" in str(form["reason"])


@pytest.mark.django_db
def test_a_hidden_field_with_a_bad_value_does_not_hold_up_the_form(agency):
    form = meeting_forms.MeetingOpenForm(
        {"kind": "partial", "title": "部分成员单位会议", "agencies": [str(agency.pk)]}
        | {"topics_due": "2026-13-45T99:99"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["topics_due"] is None


@pytest.mark.django_db
def test_a_regular_full_meeting_needs_its_deadline_and_an_ad_hoc_one_does_not():
    regular = meeting_forms.MeetingOpenForm({"kind": "full", "title": "全体会议"})
    assert not regular.is_valid()
    assert regular.errors["topics_due"] == ["全体会议须设定议题报送截止时间。"]
    ad_hoc = meeting_forms.MeetingOpenForm({"kind": "full", "ad_hoc": "on", "title": "临时会议"})
    assert ad_hoc.is_valid(), ad_hoc.errors


# -- a failed form with an upload -----------------------------------------------------------


def test_a_failed_case_form_names_the_files_to_choose_again(client, world):
    as_user(client, "yb_officer")
    data = case_form_data(suspected_amount="")
    data["evidence"] = [
        SimpleUploadedFile("检查记录.pdf", b"%PDF-1.7 test"),
        SimpleUploadedFile("询问笔录.pdf", b"%PDF-1.7 test"),
    ]
    response = client.post(reverse("cases:create"), data)
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "请重新选择文件：检查记录.pdf、询问笔录.pdf。" in text


def test_a_form_shown_for_the_first_time_asks_for_no_file_again(client, world):
    as_user(client, "yb_officer")
    response = client.get(reverse("cases:create"))
    assert "请重新选择文件" not in response.content.decode()
    failed_without_files = client.post(reverse("cases:create"), case_form_data(title=""))
    assert failed_without_files.status_code == 200
    assert "请重新选择文件" not in failed_without_files.content.decode()


# -- the error summary ------------------------------------------------------------------------


def test_a_failed_form_sums_up_its_errors_at_the_top_with_links(client, world):
    as_user(client, "yb_officer")
    data = case_form_data(title="", suspected_amount="", **{"subjects-0-credit_code": ""})
    response = client.post(reverse("cases:create"), data)
    html = response.content.decode()
    start = html.index("data-xt-error-summary")
    summary = html[start : html.index("</ul>", start)]
    assert "请更正以下 3 处错误" in visible_text(summary)
    links = {t["href"] for t in start_tags(summary, "a")}
    assert links == {"#id_title", "#id_suspected_amount", "#id_subjects-0-credit_code"}
    assert "统一社会信用代码（第 1 项）" in visible_text(summary)
    # the summary comes before the first field, and each field still says what is wrong
    assert html.index("data-xt-error-summary") < html.index('id="id_title"')
    assert html.count("xt-field--error") == 3


@pytest.mark.django_db
def test_the_summary_lists_the_errors_of_the_whole_form_first():
    class Form(forms.Form):
        name = forms.CharField(label="名称")

    form = Form({"name": ""})
    form.is_valid()
    form.add_error(None, "该事项已由他人办理。")
    rendered = Template("{% load xt_ui %}{% error_summary form %}").render(Context({"form": form}))
    text = visible_text(rendered)
    assert "请更正以下 2 处错误" in text
    assert text.index("该事项已由他人办理。") < text.index("名称")
    assert (
        Template("{% load xt_ui %}{% error_summary form %}")
        .render(Context({"form": Form()}))
        .strip()
        == ""
    )


def test_every_form_template_puts_the_summary_at_the_top():
    missing = []
    for path in (ROOT / "templates").rglob("*.html"):
        name = str(path.relative_to(ROOT / "templates"))
        text = path.read_text()
        uses_fields = "cases/_form_fields.html" in text
        if uses_fields and ("{% error_summary" not in text or "non_field_errors" in text):
            missing.append(name)
    assert missing == []


# -- the login error --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_login_error_is_shown_once(client, officer):
    response = client.post(reverse("login"), {"username": "officer", "password": "not-it"})
    assert response.status_code == 200
    assert response.content.decode().count("请输入一个正确的用户名和密码") == 1


# -- numbers on one line, the chart at its size ---------------------------------------------


def test_a_document_number_is_kept_on_one_line():
    rendered = Template("{% load xt_ui %}{{ number|docno }}").render(
        Context({"number": "吉医保联〔2026〕3号<b>"})
    )
    assert rendered == '<span class="xt-docno">吉医保联〔2026〕3号&lt;b&gt;</span>'
    css = (ROOT / "static/xietong/xietong.css").read_text()
    assert re.search(r"\.xt-docno\s*\{\s*white-space:\s*nowrap", css)


def test_the_process_chart_is_drawn_at_its_natural_size(client, world):
    as_user(client, "yb_officer")
    client.post(reverse("cases:create"), case_form_data())
    from cases.models import Case
    from workflow.chart import process_chart_svg

    svg = str(process_chart_svg(Case.objects.get().process))
    (root,) = start_tags(svg, "svg")
    _x, _y, width, height = root["viewbox"].split()
    assert (root["width"], root["height"]) == (width, height)
    assert root["data-label-in"] == "放大" and root["data-label-reset"] == "原始大小"
