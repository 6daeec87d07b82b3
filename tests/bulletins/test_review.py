"""The quarterly review: weights set by the coordinator, scores by the printed formula,
ranking with ties, supervision items closed on time; and its workbook."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from luoshi.bulletins import documents, lookups, services
from luoshi.bulletins.models import ReviewWeights
from luoshi.bulletins.review import UnitScore, Weights, rank, target_score, task_score, weighted_total
from luoshi.bulletins.services import BulletinError
from luoshi.plans.models import Unit
from luoshi.reporting import engine
from luoshi.reporting.status import Status
from luoshi.supervision.choices import Source
from luoshi.supervision.services import (
    EvidenceFile,
    accept_item,
    close_item,
    create_item,
    feed_back,
    start_check,
)
from tests.clock import travel_to

from .conftest import TODAY

D = Decimal


def test_weights_that_do_not_sum_to_100_are_refused_with_a_message(plan, actors):
    with pytest.raises(BulletinError, match="四项权重之和应为 100，现为 90"):
        services.set_review_weights(
            actors["coordinator"], plan, timeliness=30, progress=30, targets=20, supervision=10
        )
    with pytest.raises(BulletinError, match="序时进度权重应为整数"):
        services.set_review_weights(
            actors["coordinator"], plan, timeliness=30, progress="四十", targets=20, supervision=10
        )
    assert not ReviewWeights.objects.exists()


def test_only_the_coordinator_sets_weights(plan, actors):
    with pytest.raises(PermissionDenied):
        services.set_review_weights(
            actors["office"], plan, timeliness=25, progress=25, targets=25, supervision=25
        )
    saved = services.set_review_weights(
        actors["coordinator"], plan, timeliness=25, progress=25, targets=25, supervision=25
    )
    assert lookups.review_weights(plan) == saved


def test_task_and_target_scores_follow_the_formula():
    assert task_score(Status.DONE, D(80), D(50)) == 100
    assert task_score(Status.NOT_REPORTED, None, D(50)) == 0
    assert task_score(Status.NOT_STARTED, None, D(0)) is None
    assert task_score(Status.LAGGING, D(20), D(40)) == 50
    assert task_score(Status.ON_TRACK, D(60), D(40)) == 100
    assert target_score(Status.LAGGING, D(30), D(60)) == 50
    assert target_score(Status.NOT_REPORTED, None, D(60)) == 0


def test_total_reweights_over_the_components_that_apply():
    weights = Weights(timeliness=30, progress=40, targets=20, supervision=10)
    full = UnitScore("甲", timeliness=100, progress=50, targets=80, supervision=0)
    assert weighted_total(full, weights) == (30 * 100 + 40 * 50 + 20 * 80 + 10 * 0) / 100
    partial = UnitScore("乙", timeliness=100, progress=50)  # no targets, no supervision items
    assert weighted_total(partial, weights) == round((30 * 100 + 40 * 50) / 70, 1)
    assert weighted_total(UnitScore("丙"), weights) is None


def test_equal_totals_share_a_rank_and_unscored_units_come_last():
    ranked = rank(
        [
            UnitScore("丁", total=None, tasks=1),
            UnitScore("乙", total=80.0, tasks=1),
            UnitScore("甲", total=90.0, tasks=2),
            UnitScore("丙", total=80.0, target_count=1),
        ]
    )
    assert [(u.unit, u.rank) for u in ranked] == [("甲", 1), ("丙", 2), ("乙", 2), ("丁", 0)]


def test_a_unit_with_nothing_to_answer_for_is_ranked_apart_never_first():
    # a cooperator that reported on time but leads no task, target or supervision item
    idle = UnitScore("戊", timeliness=100.0, total=100.0, reports_due=3, reports_on_time=3)
    busy = UnitScore("己", timeliness=90.0, progress=60.0, total=72.0, tasks=4)
    ranked = rank([idle, busy])
    assert [(u.unit, u.rank) for u in ranked] == [("己", 1), ("戊", 0)]


@pytest.fixture
def closed_item(reported, personas, actors):
    """A supervision item of 县发改局 due 2025-06-20, closed on 2025-06-09 after checking."""
    travel_to(dt.date(2025, 6, 2))
    item = create_item(
        actors["system"],
        content="加快项目用地报批",
        lead_unit=Unit.objects.get(name="县发改局"),
        deadline=dt.date(2025, 6, 20),
        source=Source.SPECIAL,
        part=reported.parts.get(key="附件1"),
    )
    accept_item(actors["reporter_b"], item)
    feed_back(actors["reporter_b"], item, "已完成报批", files=[EvidenceFile("报批材料.pdf", b"%PDF-1.4 x")])
    travel_to(dt.date(2025, 6, 9))
    start_check(actors["office"], item)
    close_item(actors["office"], item, "核查属实")
    travel_to(TODAY)
    return item


def test_review_scores_units_from_reports_progress_targets_and_supervision(reported, actors, closed_item):
    data = documents.review_data(actors["coordinator"], reported, "2025Q2")
    scores = {u.unit: u for u in data.units}
    assert data.weights == Weights(30, 40, 20, 10)
    assert "县直有关单位" not in scores  # a group phrase is not a unit to rank

    industry = scores["县工信局"]
    assert (industry.reports_on_time, industry.reports_late) == (3, 1)
    assert industry.timeliness == round((3 + 0.5) / industry.reports_due * 100, 1)
    rows = engine.plan_status(reported, dt.date(2025, 6, 30)).rows
    own = [task_score(r.status, r.progress, r.expected) for r in rows if "县工信局" in r.responsible]
    assert industry.progress == round(sum(own) / len(own), 1)
    assert industry.target_count == 1  # 新增规模工业企业, in its section
    assert industry.supervision is None

    reform = scores["县发改局"]
    assert (reform.items_due, reform.items_on_time, reform.supervision) == (1, 1, 100.0)
    assert reform.total == weighted_total(reform, data.weights)
    totals = [u.total for u in data.units if u.total is not None]
    assert totals == sorted(totals, reverse=True)
    assert data.units[0].rank == 1


def test_review_weights_set_are_used_and_printed(reported, actors):
    services.set_review_weights(
        actors["coordinator"], reported, timeliness=50, progress=30, targets=10, supervision=10
    )
    data = documents.review_data(actors["leader"], reported, "2025Q2")
    assert data.weights == Weights(50, 30, 10, 10)
    from docx import Document

    text = "\n".join(
        p.text
        for p in Document(io.BytesIO(documents.review_docx(actors["leader"], reported, "2025Q2"))).paragraphs
    )
    assert "报送及时性50%，序时进度30%，指标完成10%，督办按时办结10%" in text
    assert "综合得分 = Σ（单项得分 × 单项权重）÷ Σ（参与计分的单项权重）" in text
    # the formula and the weights stand right under the ranking table, with a commentary before it
    assert text.index("计分办法") < text.index("三、评分明细")
    assert "予以表扬" in text


def test_review_of_a_bad_quarter_is_refused(reported, actors):
    with pytest.raises(BulletinError, match="无法识别的周期"):
        documents.review_data(actors["coordinator"], reported, "2025Q5")
    with pytest.raises(BulletinError, match="不是季度"):
        documents.review_data(actors["coordinator"], reported, "2025-05")


def test_review_workbook_has_ranking_details_and_method(reported, actors):
    book = load_workbook(io.BytesIO(documents.review_xlsx(actors["coordinator"], reported, "2025Q2")))
    assert book.sheetnames == ["排名", "评分明细", "讲评办法"]
    ranking = book["排名"]
    assert ranking.page_setup.orientation == "landscape" and ranking.print_title_rows == "$3:$3"
    assert [c.value for c in ranking[3]] == [
        "名次",
        "单位",
        "综合得分",
        "报送及时性",
        "序时进度",
        "指标完成",
        "督办按时办结",
    ]
    units = {ranking.cell(row=r, column=2).value for r in range(4, ranking.max_row + 1)}
    assert {"县工信局", "县发改局", "县政务服务中心"} <= units
    method = [c.value for c in book["讲评办法"]["A"] if c.value]
    assert "合计" in method and any(str(v).startswith("综合得分") for v in method)


def test_issued_review_is_numbered_and_frozen(reported, actors):
    review = services.create_review_bulletin(actors["coordinator"], reported, "2025Q2")
    issued = services.issue_bulletin(actors["coordinator"], review)
    assert issued.number == 1 and issued.kind == "review" and issued.sha256
