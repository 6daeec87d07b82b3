"""Small presentation helpers for the pages."""

from decimal import Decimal

from django import template
from django.utils.html import format_html

from luoshi.reporting.status import Status
from luoshi.web.context import fixed_urls

register = template.Library()


@register.filter
def pct(value, digits=1):
    """``31.9%`` from a number; ``—`` for none."""
    if value is None or value == "":
        return "—"
    text = f"{Decimal(str(value)):.{int(digits)}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


@register.filter
def width(value, total=100):
    """A CSS width in % for ``value`` out of ``total`` (0–100)."""
    try:
        share = float(value or 0) / float(total or 1) * 100
    except (TypeError, ValueError, ZeroDivisionError):
        share = 0
    return f"{max(0.0, min(100.0, share)):.2f}%"


@register.simple_tag
def status_badge(status, reason=""):
    """The light's badge, and its reason in words after it when given."""
    status = Status(str(status))
    if reason:
        return format_html(
            '<span class="st st-{}" title="{}">{}</span> <span class="why small">{}</span>',
            status.value,
            reason,
            status.label,
            reason,
        )
    return format_html('<span class="st st-{}">{}</span>', status.value, status.label)


@register.simple_tag
def state_badge(report):
    return format_html('<span class="rs rs-{}">{}</span>', report.state, report.get_state_display())


@register.filter
def status_label(status):
    return Status(str(status)).label


@register.filter
def status_colour(status):
    return Status(str(status)).colour


@register.filter
def days_text(days):
    """``还剩 3 天`` / ``今天截止`` / ``逾期 2 天``."""
    if days is None:
        return ""
    if days > 0:
        return f"还剩 {days} 天"
    if days == 0:
        return "今天截止"
    return f"逾期 {-days} 天"


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def cadence_label(value):
    """``旬`` for ``dekad`` and so on."""
    from luoshi.plans.choices import Cadence

    try:
        return Cadence(value).label
    except ValueError:
        return value or "—"


@register.filter
def op_label(value):
    """``不低于`` for ``>=`` and so on."""
    from luoshi.plans.choices import TargetOp

    try:
        return TargetOp(value).label
    except ValueError:
        return value


@register.simple_tag(takes_context=True)
def fixed_url(context, name):
    """``{% url name %}`` for a URL name without arguments, reversed once per process
    (``luoshi.web.context.fixed_urls``; the page's own copy when the context processor ran)."""
    urls = context.get("fixed_urls") or fixed_urls()
    return urls[name]
