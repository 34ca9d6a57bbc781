"""`{% report_links as links %}`: the report pages the current user may open (admin menu/index)."""

from __future__ import annotations

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def report_links(context) -> list[tuple[str, str]]:
    from registry.kernel.reporting.views import readable_reports

    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    specs = readable_reports(request.user)
    if not specs:
        return []
    return [("政策达标情况总览", reverse("reports-dashboard"))] + [
        (spec.title, reverse("report", args=[spec.name])) for spec in specs
    ]


@register.filter
def report_cell(value):
    """A report value as text: 是/否, lists joined with 、, — for a missing number."""
    from registry.kernel.reporting import cell

    return "—" if value is None else cell(value)


@register.filter
def report_percent(value):
    """A fraction as the reports print it: 0.75 -> 75%."""
    from registry.kernel.reporting import percent

    return percent(value)
