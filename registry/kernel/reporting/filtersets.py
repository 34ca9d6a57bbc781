"""Filters of the report pages: 镇街, 类型, 截至日期, 年度 (django-filter supplies the form).

Reports are computed by `registry.reports` functions, not by filtering one queryset, so
each filter here only validates its value; `ReportFilterSet.params()` hands them to the
report as a `ReportParams`.
"""

from __future__ import annotations

import django_filters
from django import forms

from registry.kernel.reporting import ReportParams, ReportSpec, resolve_period
from registry.kernel.scope import scope_areas
from registry.models import TOWN_LEVELS, Area


def _keep(queryset, name, value):
    return queryset


class YearFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ReportFilterSet(django_filters.FilterSet):
    town = django_filters.ModelChoiceFilter(
        label="所属镇街", queryset=Area.objects.none(), method=_keep, empty_label="全部（权限范围内）"
    )
    kind = django_filters.ChoiceFilter(label="类型", choices=(), method=_keep, empty_label="全部")
    as_of = django_filters.DateFilter(
        label="截至日期",
        method=_keep,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"placeholder": "YYYY-MM-DD", "size": 10}),
        help_text="默认今天",
    )
    year = YearFilter(
        label="目标年度", method=_keep, min_value=1900, max_value=2999, help_text="单独填写时截至该年12月31日"
    )

    class Meta:
        model = Area
        fields: list[str] = []

    def __init__(self, data=None, *args, spec: ReportSpec | None = None, request=None, **kwargs):
        super().__init__(data, *args, queryset=Area.objects.none(), request=request, **kwargs)
        towns = Area.objects.filter(level__in=TOWN_LEVELS).order_by("name")
        areas = scope_areas(request.user) if request is not None else None
        if areas is not None:
            towns = towns.filter(pk__in=areas)
        self.filters["town"].queryset = towns
        if spec is None or not spec.kinds:
            del self.filters["kind"]
        else:
            self.filters["kind"].extra["choices"] = [(k, k) for k in spec.kinds]

    def params(self, user) -> ReportParams:
        """The validated filters as report parameters (call after `form.is_valid()`)."""
        data = self.form.cleaned_data
        as_of, year = resolve_period(as_of=data.get("as_of"), year=data.get("year"))
        return ReportParams(as_of=as_of, year=year, user=user, town=data.get("town"), kind=data.get("kind") or None)
