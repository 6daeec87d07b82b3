"""四比四提高 on a worked example, every figure computed by hand in the comments."""

import datetime as dt
from decimal import Decimal as D

from luoshi.projects.rates import Figures, percent, rates, rates_by

AS_OF = dt.date(2025, 6, 30)

PROJECTS = [
    # code, owner, applied, won, allocated, paid, annual planned, completed, planned start, actual start, progress
    Figures("P1", "园区污水管网", "县发改局", "附件1", D(2000), D(900), D(1000), D(600), D(800), D(400),
            dt.date(2025, 3, 1), dt.date(2025, 3, 15), D(45)),
    Figures("P2", "标准厂房", "县发改局", "附件1", D(1000), D(300), D(500), D(400), D(300), D(300),
            dt.date(2025, 5, 1), None, D(10)),
    Figures("P3", "数字政务平台", "县工信局", "", D(500), D(100), D(0), D(0), D(200), D(50),
            dt.date(2025, 6, 15), dt.date(2025, 6, 20), D(20)),
    Figures("P4", "智能制造园", "县工信局", "", D(1500), D(0), D(300), D(0), D(0), D(0),
            dt.date(2025, 9, 1), dt.date(2025, 6, 1), D(5)),
]  # fmt: skip


def test_the_four_rates_of_all_projects():
    r = rates(PROJECTS, AS_OF)
    # 争资占比率: won 600 + 400 + 0 (P3 applied for nothing) / applied 1000 + 500 + 300 = 1000 / 1800
    assert (r.funds_won, r.funds_applied, r.funding_rate) == (D(1000), D(1800), D("55.6"))
    # 项目开工率: planned to start by 30 June: P1, P2, P3; started of those: P1, P3 (P4 started
    # early but was planned for September, so it counts in neither) = 2 / 3
    assert (r.started, r.planned_starts, r.start_rate) == (2, 3, D("66.7"))
    # 资金支付率: paid 400 + 300 + 50 + 0 / allocated 800 + 300 + 200 + 0 = 750 / 1300 = 57.69…
    assert (r.funds_paid, r.funds_allocated, r.payment_rate) == (D(750), D(1300), D("57.7"))
    # 实物完成率: completed 900 + 300 + 100 + 0 / annual plan 2000 + 1000 + 500 + 1500 = 1300 / 5000
    assert r.completion_rate == D("26.0")
    # beside it, the plain mean of 形象进度: (45 + 10 + 20 + 5) / 4
    assert r.mean_progress == D("20.0")


def test_the_rates_per_unit_and_per_campaign():
    by_unit = rates_by(PROJECTS, AS_OF, "unit")
    ndrc, industry = by_unit["县发改局"], by_unit["县工信局"]
    # 县发改局: 1000/1500, 1/2, 700/1100 = 63.63…, 1200/3000
    assert (ndrc.funding_rate, ndrc.start_rate, ndrc.payment_rate, ndrc.completion_rate) == (
        D("66.7"),
        D("50.0"),
        D("63.6"),
        D("40.0"),
    )
    # 县工信局: 0/300, 1/1, 50/200, 100/2000
    assert (industry.funding_rate, industry.start_rate, industry.payment_rate, industry.completion_rate) == (
        D("0.0"),
        D("100.0"),
        D("25.0"),
        D("5.0"),
    )
    by_campaign = rates_by(PROJECTS, AS_OF, "campaign")
    assert list(by_campaign) == ["附件1", "（未归入攻坚）"]
    assert by_campaign["附件1"] == ndrc


def test_an_earlier_date_counts_fewer_planned_starts():
    r = rates(PROJECTS, dt.date(2025, 4, 30))
    assert (r.started, r.planned_starts, r.start_rate) == (1, 1, D("100.0"))


def test_no_denominator_is_no_rate():
    assert percent(5, 0) is None
    empty = rates([], AS_OF)
    assert (empty.funding_rate, empty.start_rate, empty.payment_rate, empty.completion_rate) == (None,) * 4
    assert percent(1, 3) == D("33.3") and percent(2, 3) == D("66.7")
