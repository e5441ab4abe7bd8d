"""The thresholds and the rules are edited here by the system administrator; every change is
in the audit log (audit/signals.py, from the admin's LogEntry) and the records' history."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from monitor.models import FraudThreshold, MonitorRule
from monitor.rules import RULE_PARAMETERS


@admin.register(FraudThreshold)
class FraudThresholdAdmin(SimpleHistoryAdmin):
    """诈骗罪 数额标准 per province. Each province fixes its figures within the bands of
    最高人民法院、最高人民检察院《关于办理诈骗刑事案件具体应用法律若干问题的解释》
    (法释〔2011〕7号) 第一条 — 数额较大 ¥3,000–10,000, 数额巨大 ¥30,000–100,000, 数额特别巨大
    ¥500,000 — in a notice of its 高级人民法院 and 人民检察院; 法发〔2024〕6号 applies them to
    医保骗保. The model's clean() refuses figures outside the bands, figures that do not rise
    and periods that overlap another of the same province."""

    list_display = [
        "province",
        "effective_from",
        "effective_to",
        "large",
        "huge",
        "especially_huge",
    ]
    list_filter = ["province"]
    fieldsets = (
        (None, {"fields": ("province", "effective_from", "effective_to")}),
        (
            _("Figures (yuan)"),
            {
                "fields": ("large", "huge", "especially_huge"),
                "description": _(
                    "Each province fixes its figures within the bands of 法释〔2011〕7号 art. 1 "
                    "(数额较大 ¥3,000–10,000, 数额巨大 ¥30,000–100,000, 数额特别巨大 ¥500,000 "
                    "or more) by a notice of its 高级人民法院 and 人民检察院; 法发〔2024〕6号 "
                    "applies them to 医保骗保 cases. The seeded Jilin figures are the national "
                    "floor until the province's notice is confirmed."
                ),
            },
        ),
        (_("Where the figures come from"), {"fields": ("legal_basis", "source_note")}),
    )

    def has_delete_permission(self, request, obj=None):
        return False  # a period ends (effective until); the alerts raised under it stay explained


class MonitorRuleForm(forms.ModelForm):
    class Meta:
        model = MonitorRule
        fields = ["code", "name", "kind", "target", "parameters", "active", "description"]

    def clean(self):
        cleaned = super().clean()
        kind, parameters = cleaned.get("kind"), cleaned.get("parameters")
        if kind and parameters is not None:
            if not isinstance(parameters, dict):
                self.add_error("parameters", _("The parameters must be an object."))
            else:
                unknown = set(parameters) - set(RULE_PARAMETERS)
                if unknown:
                    self.add_error(
                        "parameters",
                        _("Unknown parameters: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                    )
                for name in set(parameters) & set(RULE_PARAMETERS):
                    value = parameters[name]
                    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                        self.add_error("parameters", _("Each parameter is a list of codes."))
                        break
        return cleaned


@admin.register(MonitorRule)
class MonitorRuleAdmin(SimpleHistoryAdmin):
    """The rules of the daily run (`manage.py referral_monitor`). A rule's kind is code in
    monitor/rules.py (evaluate); its parameters name the violation types and subject kinds
    it looks for. Switch a rule off rather than deleting it: its alerts refer to it."""

    form = MonitorRuleForm
    list_display = ["code", "name", "kind", "target", "active"]
    list_filter = ["kind", "target", "active"]

    def has_delete_permission(self, request, obj=None):
        return False
