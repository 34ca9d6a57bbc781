"""The report pages' filters: 镇街, 类型, 截至日期, 年度 — a plain form.

Reports are computed by the report functions, not by filtering one queryset, so the form only
validates the values; `ReportFilterForm.params()` hands them to the report as `ReportParams`.
"""

from __future__ import annotations

from django import forms

from registry.kernel.reporting import ReportParams, ReportSpec, resolve_period
from registry.kernel.scope import scope_areas
from registry.models import TOWN_LEVELS, Area

TOWN_SELECT_LIMIT = 300  # more towns/streets than this: the 镇街 filter is typed, not picked from a list


class TownByName(forms.CharField):
    """The 镇街 filter as a name typed in (its pk, as links carry it, is read too)."""

    def __init__(self, towns):
        self.towns = towns
        super().__init__(label="所属镇街", required=False, help_text="输入镇街全称；留空为全部（权限范围内）")

    def prepare_value(self, value):
        return value.name if isinstance(value, Area) else value

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        found = self.towns.filter(pk=int(value)) if value.isdigit() else self.towns.filter(name=value)
        town = found.first()
        if town is None:
            raise forms.ValidationError(f"没有名为“{value}”的镇街，或不在您的权限范围内；请输入镇街全称。")
        return town


class ReportFilterForm(forms.Form):
    town = forms.ModelChoiceField(
        label="所属镇街", queryset=Area.objects.none(), required=False, empty_label="全部（权限范围内）"
    )
    kind = forms.ChoiceField(label="类型", choices=(), required=False)
    as_of = forms.DateField(
        label="截至日期",
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "YYYY-MM-DD", "size": 10}),
        help_text="默认今天",
    )
    year = forms.IntegerField(
        label="目标年度", required=False, min_value=1900, max_value=2999, help_text="单独填写时截至该年12月31日"
    )

    def __init__(self, data=None, *, spec: ReportSpec | None = None, user=None):
        super().__init__(data)
        towns = Area.objects.filter(level__in=TOWN_LEVELS).order_by("name")
        areas = scope_areas(user) if user is not None else None
        if areas is not None:
            towns = towns.filter(pk__in=areas)
        self.fields["town"].queryset = towns
        if len(towns[: TOWN_SELECT_LIMIT + 1]) > TOWN_SELECT_LIMIT:
            # a province or the nation: thousands of options would cost the page seconds; the town is typed
            self.fields["town"] = TownByName(towns)
        if spec is None or not spec.kinds:
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [("", "全部"), *[(k, k) for k in spec.kinds]]

    def params(self, user) -> ReportParams:
        """The validated filters as report parameters (call after `is_valid()`)."""
        data = self.cleaned_data
        as_of, year = resolve_period(as_of=data.get("as_of"), year=data.get("year"))
        return ReportParams(as_of=as_of, year=year, user=user, town=data.get("town"), kind=data.get("kind") or None)
