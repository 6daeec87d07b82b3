"""The Excel round trip: a unit's template for a period, filled offline and uploaded back;
all of it imported in one go, or every problem named by sheet and cell and nothing written."""

import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from openpyxl import Workbook, load_workbook

from luoshi.accounts.permissions import SYSTEM, actor_for
from luoshi.cli import main
from luoshi.plans.services import import_plan
from luoshi.reporting.choices import ReportState
from luoshi.reporting.excel import (
    META_SHEET,
    TARGET_SHEET,
    TASK_SHEET,
    UploadError,
    build_template,
    find_unit,
    import_workbook,
)
from luoshi.reporting.models import Report, ReportTransition, TargetValue
from luoshi.reporting.services import ReportingError, return_report, submit_report
from tests.clock import travel_to
from tests.plans.factories import make_plan

from .helpers import MAY_9, accepted, report, task

ONE = "附件1/一/(一)"  # 县工信局 leads; 县发改局, 城关镇 cooperate; target 新增规模工业企业 (家)
TWO = "附件1/一/(二)"  # 县发改局 leads; target 实施重点项目 (个)
THREE = "附件1/一/(三)"  # 县政务服务中心 leads
MAY_FIRST_DEKAD = "2025-05-1"


@pytest.fixture(autouse=True)
def may_9(plan):
    travel_to(MAY_9)


def template(plan, unit_name="县工信局", period=MAY_FIRST_DEKAD):
    return load_workbook(io.BytesIO(build_template(plan, find_unit(unit_name), period)))


def to_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def fill(book, progress=30, text="新引进企业3家，完成技改项目备案", value=3, row=4):
    tasks = book[TASK_SHEET]
    tasks[f"G{row}"] = progress
    tasks[f"H{row}"] = text
    tasks[f"I{row}"] = "用地指标未落实"
    if value is not None:
        book[TARGET_SHEET][f"G{row}"] = value
    return book


def refused(data: bytes, actor=SYSTEM, **kwargs) -> list[str]:
    with pytest.raises(UploadError) as caught:
        import_workbook(actor, data, **kwargs)
    return caught.value.lines()


# ---------------------------------------------------------------- the template


def test_template_has_one_row_per_due_task_and_one_per_target(plan):
    book = template(plan, "县发改局")
    tasks, targets = book[TASK_SHEET], book[TARGET_SHEET]
    assert book.sheetnames == [TASK_SHEET, TARGET_SHEET, META_SHEET]
    assert "县发改局" in tasks["A1"].value and "2025年5月上旬" in tasks["A1"].value
    assert "报送期限：2025年5月12日" in tasks["A1"].value  # 5月上旬 ends Sat 10 May
    assert "填报说明" in tasks["A2"].value
    assert [c.value for c in tasks[3]] == [
        "任务编号",
        "条目",
        "任务",
        "角色",
        "周期",
        "报送期限",
        "完成进度（%）",
        "本期进展",
        "存在问题",
        "下步计划",
        "需协调事项",
        "状态",
    ]
    rows = [[c.value for c in row] for row in tasks.iter_rows(min_row=4, max_col=6)]
    assert rows == [
        [task(ONE).pk, ONE, "培育产业集群", "配合", "2025年5月上旬（旬）", "2025年5月12日"],
        [task(TWO).pk, TWO, "扩大有效投资", "牵头", "2025年5月上旬（旬）", "2025年5月12日"],
    ]
    assert tasks["L4"].value == "未填报"
    assert [(r[3].value, r[4].value, r[5].value, r[7].value) for r in targets.iter_rows(min_row=4)] == [
        ("新增规模工业企业", "不低于10", "家", "不小于 0 的整数"),
        ("实施重点项目", "不低于20", "个", "不小于 0 的整数"),
    ]
    assert tasks.freeze_panes == "A4"
    assert tasks.column_dimensions["H"].width == 40


def test_key_columns_are_locked_and_input_cells_open(plan):
    book = template(plan)
    for name in (TASK_SHEET, TARGET_SHEET):
        assert book[name].protection.sheet is True
    tasks, targets = book[TASK_SHEET], book[TARGET_SHEET]
    assert all(tasks[f"{col}4"].protection.locked for col in "ABCDEFL")
    assert not any(tasks[f"{col}4"].protection.locked for col in "GHIJK")
    assert all(targets[f"{col}4"].protection.locked for col in "ABCDEFH")
    assert not targets["G4"].protection.locked
    assert tasks["A3"].protection.locked and tasks["A1"].protection.locked
    assert book[META_SHEET].sheet_state == "veryHidden"
    assert book.security.lockStructure


def test_progress_and_target_cells_carry_data_validation(plan):
    book = template(plan)
    (progress,) = book[TASK_SHEET].data_validations.dataValidation
    assert (progress.type, progress.operator, progress.formula1, progress.formula2) == (
        "decimal",
        "between",
        "0",
        "100",
    )
    assert "G4" in progress.sqref and progress.showErrorMessage
    assert "0 到 100" in progress.error
    (value,) = book[TARGET_SHEET].data_validations.dataValidation
    assert (value.type, value.operator, value.formula1) == ("whole", "greaterThanOrEqual", "0")
    assert "G4" in value.sqref and "整数" in value.error


def test_template_prefills_the_units_draft(plan):
    report(ONE, "县工信局", progress="40", text="按计划推进", target_values={})
    tasks = template(plan)[TASK_SHEET]
    assert (tasks["G4"].value, tasks["H4"].value, tasks["L4"].value) == (40, "按计划推进", "草稿")
    assert not tasks["G4"].protection.locked


def test_prefilled_text_that_looks_like_a_formula_stays_text(plan):
    report(ONE, "县工信局", text="=已完成3家")
    book = template(plan)
    assert book[TASK_SHEET]["H4"].value == "=已完成3家" and book[TASK_SHEET]["H4"].data_type == "s"
    book[TASK_SHEET]["G4"] = 30
    import_workbook(SYSTEM, to_bytes(book))
    assert Report.objects.get().progress_text == "=已完成3家"


def test_template_shows_a_submitted_report_locked(plan):
    submit_report(SYSTEM, report(ONE, "县工信局", progress="40"))
    tasks = template(plan)[TASK_SHEET]
    assert tasks["L4"].value == "已提交，不能再修改"
    assert tasks["G4"].value == 40 and tasks["G4"].protection.locked


def test_template_of_a_returned_report_shows_the_reason(plan, personas):
    r = submit_report(SYSTEM, report(ONE, "县工信局"))
    return_report(actor_for(personas["head_a"]), r, "数据与佐证不符")
    tasks = template(plan)[TASK_SHEET]
    assert tasks["L4"].value == "已退回：数据与佐证不符"
    assert not tasks["H4"].protection.locked


def test_template_for_a_period_without_due_tasks_is_refused(plan):
    with pytest.raises(ReportingError, match="没有需要填报的任务"):
        build_template(plan, find_unit("县工信局"), "2025-05")  # monthly: the plan reports by 旬
    with pytest.raises(ReportingError, match="尚未开始"):
        build_template(plan, find_unit("县工信局"), "2025-05-2")
    with pytest.raises(ReportingError, match="无法识别的周期"):
        build_template(plan, find_unit("县工信局"), "5月上旬")


def test_unit_found_by_alias(plan):
    assert find_unit("县住建(交通)局").name == "县住建局(交通局)"
    with pytest.raises(ReportingError, match="单位名录中没有“县不存在局”"):
        find_unit("县不存在局")


# ---------------------------------------------------------------- uploading


def test_filled_template_is_imported_as_submitted_reports(plan):
    result = import_workbook(SYSTEM, to_bytes(fill(template(plan))))
    r = Report.objects.get(task=task(ONE), unit__name="县工信局")
    assert r.state == ReportState.SUBMITTED and r.progress == Decimal("30.0")
    assert r.progress_text == "新引进企业3家，完成技改项目备案" and r.problems == "用地指标未落实"
    assert TargetValue.objects.get(report=r).value == 3
    assert list(r.transitions.values_list("to_state", flat=True)) == ["draft", "submitted"]
    assert (result.submitted_count, result.skipped_empty) == (1, 0)
    assert "提交 1 项" in result.summary()


def test_upload_as_draft_saves_without_submitting(plan):
    book = fill(template(plan), progress=None, text="", value=None)
    book[TASK_SHEET]["I4"] = "资金缺口"
    result = import_workbook(SYSTEM, to_bytes(book), submit=False)
    r = Report.objects.get()
    assert r.state == ReportState.DRAFT and r.problems == "资金缺口"
    assert result.draft_count == 1 and "保存草稿 1 项" in result.summary()


def test_words_in_a_progress_cell_are_named_and_nothing_is_written(plan):
    lines = refused(to_bytes(fill(template(plan), progress="约80%")))
    assert lines == ["任务填报!G4：完成进度“约80%”不是数字，请只填写数字（如 80 或 12.5）"]
    assert Report.objects.count() == 0 and ReportTransition.objects.count() == 0


def test_every_problem_is_listed_at_once(plan):
    book = template(plan, "县发改局")
    fill(book, row=4, progress="约80%", value=-3)  # 配合 on (一)
    fill(book, row=5, progress=None, text="")  # 牵头 on (二): neither progress nor text
    lines = refused(to_bytes(book))
    assert lines == [
        "指标填报!G4：实际值：不能为负数，填写的是 -3",
        "任务填报!G4：完成进度“约80%”不是数字，请只填写数字（如 80 或 12.5）",
        "任务填报!G5：牵头单位提交报告须填写完成进度（0 到 100 的数字）",
        "任务填报!H5：提交报告须填写本期进展",
    ]
    assert Report.objects.count() == 0


def test_cooperator_may_submit_without_progress(plan):
    book = template(plan, "县发改局")
    fill(book, row=4, progress=None, value=None)
    result = import_workbook(SYSTEM, to_bytes(book))
    r = Report.objects.get()
    assert (r.role, r.state, r.progress) == ("cooperator", ReportState.SUBMITTED, None)
    assert result.skipped_empty == 1


def test_empty_rows_are_skipped_and_counted(plan):
    book = template(plan, "县发改局")
    fill(book, row=5, progress=10, value=2)
    result = import_workbook(SYSTEM, to_bytes(book))
    assert [row.sid for row in result.rows] == [TWO]
    assert result.skipped_empty == 1 and "跳过空行 1 行" in result.summary()
    assert TargetValue.objects.get().value == 2


def test_an_untouched_template_imports_nothing(plan):
    assert refused(build_template(plan, find_unit("县工信局"), MAY_FIRST_DEKAD)) == [
        "工作表“任务填报”：填报表中没有填写任何内容，未导入"
    ]


def test_a_value_stored_as_percentage_counts_as_percent(plan):
    book = fill(template(plan))
    book[TASK_SHEET]["G4"] = 0.8
    book[TASK_SHEET]["G4"].number_format = "0%"
    import_workbook(SYSTEM, to_bytes(book))
    assert Report.objects.get().progress == Decimal("80.0")


def test_target_value_out_of_range_names_the_cell(plan):
    assert refused(to_bytes(fill(template(plan), value=12.5))) == [
        "指标填报!G4：实际值：以“家”计的数量应为整数，填写的是 12.5"
    ]
    assert refused(to_bytes(fill(template(plan), value="十家"))) == [
        "指标填报!G4：实际值“十家”不是数字，请只填写数字（如 80 或 12.5）"
    ]
    assert Report.objects.count() == 0


def test_progress_over_100_is_refused(plan):
    assert refused(to_bytes(fill(template(plan), progress=120))) == [
        "任务填报!G4：完成进度应在 0 到 100 之间，填写的是 120"
    ]


def test_a_second_upload_after_submitting_is_refused_naming_the_row(plan):
    data = to_bytes(fill(template(plan)))
    import_workbook(SYSTEM, data)
    assert refused(data) == [
        "任务填报!A4：县工信局 对任务 附件1/一/(一) 的 2025年5月上旬 报告已提交，不能重复报送；如需更改，请先请审核人退回"
    ]
    assert Report.objects.count() == 1


def test_an_upload_after_acceptance_is_refused(plan):
    data = to_bytes(fill(template(plan)))
    accepted(ONE, "县工信局")
    (line,) = refused(data)
    assert line.startswith("任务填报!A4：") and "已审定，如需更改请先在系统中发起修订" in line
    assert Report.objects.get().state == ReportState.ACCEPTED


def test_a_returned_report_is_corrected_by_upload(plan, personas):
    r = submit_report(SYSTEM, report(ONE, "县工信局", progress="40"))
    return_report(actor_for(personas["head_a"]), r, "数据与佐证不符")
    book = template(plan)
    book[TASK_SHEET]["G4"] = 35
    import_workbook(SYSTEM, to_bytes(book))
    r.refresh_from_db()
    assert (r.state, r.progress) == (ReportState.SUBMITTED, Decimal("35.0"))


def test_submitted_rows_of_a_later_template_are_skipped(plan):
    submit_report(SYSTEM, report(TWO, "县发改局", progress="40"))
    book = fill(template(plan, "县发改局"), row=4, progress=None, value=None)
    result = import_workbook(SYSTEM, to_bytes(book))
    assert [row.sid for row in result.rows] == [ONE]
    assert result.skipped_reported == 1 and "已报送的 1 项未重复导入" in result.summary()


def test_a_row_for_a_task_the_unit_has_no_part_in_is_named(plan):
    book = fill(template(plan))
    tasks = book[TASK_SHEET]
    for column, value in zip("ACGH", [task(THREE).pk, "优化营商环境", 50, "已完成"], strict=True):
        tasks[f"{column}5"] = value
    assert refused(to_bytes(book)) == [
        "任务填报!A5：县工信局 不是任务 附件1/一/(三) 的牵头或配合单位，不能填报此任务（此行是在模板外增加的）"
    ]
    assert Report.objects.count() == 0


def test_a_row_whose_unit_left_the_task_in_a_revision_is_named(plan):
    data = to_bytes(fill(template(plan)))
    revised = make_plan()
    revised["tasks"][0] = {**revised["tasks"][0], "leads": ["县发改局"], "cooperators": ["城关镇"]}
    import_plan(SYSTEM, revised)
    assert refused(data) == ["任务填报!A4：县工信局 不是任务 附件1/一/(一) 的牵头或配合单位，不能填报此任务"]
    assert Report.objects.count() == 0


def test_an_edited_key_column_is_named(plan):
    book = fill(template(plan))
    target_id = book[TARGET_SHEET]["A4"].value
    book[TASK_SHEET]["C4"] = "培育产业集群（已完成）"
    book[TARGET_SHEET]["A4"] = 999
    assert refused(to_bytes(book)) == [
        "任务填报!C4：“任务”列由系统生成，不能改动（原为“培育产业集群”，现为“培育产业集群（已完成）”）；请撤销改动或重新下载模板",
        f"指标填报!A4：“指标编号”列由系统生成，不能改动（原为“{target_id}”，现为“999”）；请撤销改动或重新下载模板",
    ]
    assert Report.objects.count() == 0


def test_an_edited_header_is_named(plan):
    book = fill(template(plan))
    book[TASK_SHEET]["G3"] = "进度"
    (line,) = refused(to_bytes(book))
    assert line.startswith("任务填报!G3：表头，不能改动")


def test_an_extra_sheet_is_refused_by_name(plan):
    book = fill(template(plan))
    book.create_sheet("Sheet1")["A1"] = "备注"
    (line,) = refused(to_bytes(book))
    assert line.startswith("工作表“Sheet1”：不是模板中的工作表")
    assert Report.objects.count() == 0


def test_a_missing_sheet_is_refused_by_name(plan):
    book = fill(template(plan))
    book.remove(book[TARGET_SHEET])
    assert refused(to_bytes(book)) == [
        "工作表“指标填报”：模板中的此工作表不见了（被删除或改名）：请重新下载模板"
    ]


def test_a_workbook_that_is_not_our_template_is_refused(plan):
    book = Workbook()
    book.active["A1"] = "任务编号"
    (line,) = refused(to_bytes(book))
    assert "这不是落实系统下载的填报模板（缺少模板信息）" in line


def test_an_edited_hidden_sheet_is_detected(plan):
    book = fill(template(plan))
    book[META_SHEET]["C4"] = str(find_unit("县发改局").pk)  # pretend to be another unit
    (line,) = refused(to_bytes(book))
    assert "模板信息已被改动" in line


def test_files_that_are_not_workbooks_are_refused(plan):
    assert "不是 Excel 工作簿" in refused(b"task,progress\n1,80\n")[0]
    assert "旧版 Excel（.xls）" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)[0]
    assert "已损坏" in refused(b"PK\x03\x04 broken zip")[0]
    assert "空的" in refused(b"")[0]


def test_only_the_units_own_reporter_may_upload(plan, personas):
    data = to_bytes(fill(template(plan)))
    with pytest.raises(PermissionDenied):
        import_workbook(actor_for(personas["reporter_b"]), data)
    with pytest.raises(PermissionDenied):
        import_workbook(actor_for(personas["leader"]), data)
    assert Report.objects.count() == 0
    import_workbook(actor_for(personas["reporter_a"]), data)
    assert Report.objects.get().created_by == personas["reporter_a"]


def test_the_uploaded_file_is_kept(plan, django_capture_on_commit_callbacks):
    data = to_bytes(fill(template(plan)))
    with django_capture_on_commit_callbacks(execute=True):
        result = import_workbook(SYSTEM, data)
    assert result.stored_as.startswith("uploads/reports/2025-05-1/")
    with default_storage.open(result.stored_as) as kept:
        assert kept.read() == data


def commerce_plan():
    """区商务局 leads eleven tasks of its own plan (USERS.md, May 1–10)."""
    sections = [
        {"id": "附件1/一", "part": "附件1", "parent": None, "number": "一", "title": "重点任务", "text": ""}
    ]
    tasks = []
    for n in range(1, 12):
        sid = f"附件1/一/({n})"
        sections.append(
            {
                "id": sid,
                "part": "附件1",
                "parent": "附件1/一",
                "number": f"({n})",
                "title": f"商务任务{n}",
                "text": "",
            }
        )
        tasks.append({"section": sid, "leads": ["区商务局"], "cooperators": [], "deadline": "2025-12-31"})
    return import_plan(
        SYSTEM,
        make_plan(title="示范区商务攻坚方案", sections=sections, tasks=tasks, targets=[], task_forces=[]),
    ).plan


def test_eleven_rows_filled_offline_one_saying_about_80_percent(plan):
    commerce = commerce_plan()
    book = load_workbook(io.BytesIO(build_template(commerce, find_unit("区商务局"), MAY_FIRST_DEKAD)))
    for row in range(4, 15):
        fill(book, row=row, progress=10 * (row - 3) % 100, value=None)
    book[TASK_SHEET]["G9"] = "约80%"
    assert refused(to_bytes(book)) == ["任务填报!G9：完成进度“约80%”不是数字，请只填写数字（如 80 或 12.5）"]
    assert Report.objects.count() == 0
    book[TASK_SHEET]["G9"] = 80
    result = import_workbook(SYSTEM, to_bytes(book))
    assert result.submitted_count == 11
    assert Report.objects.filter(state=ReportState.SUBMITTED, unit__name="区商务局").count() == 11


# ---------------------------------------------------------------- the luoshi command


def test_cli_template_then_upload(plan, tmp_path, capsys):
    path = tmp_path / "县工信局.xlsx"
    assert main(["template", "--unit", "县工信局", "--period", MAY_FIRST_DEKAD, "-o", str(path)]) == 0
    assert "任务 1 项，指标 1 个，报送期限 2025-05-12" in capsys.readouterr().out
    book = fill(load_workbook(path))
    book.save(path)
    assert main(["upload", str(path)]) == 0
    out = capsys.readouterr().out
    assert "已导入 县工信局 2025年5月上旬 的填报：提交 1 项" in out
    assert "第 4 行 附件1/一/(一) 培育产业集群（牵头）：已提交，完成进度 30%，指标 1 个" in out
    assert Report.objects.get().state == ReportState.SUBMITTED


def test_cli_upload_lists_every_error_and_exits_1(plan, tmp_path, capsys):
    path = tmp_path / "发改.xlsx"
    assert main(["template", "--unit", "县发改局", "--period", MAY_FIRST_DEKAD, "-o", str(path)]) == 0
    book = load_workbook(path)
    fill(book, row=4, progress="约80%")
    fill(book, row=5, text="")
    book.save(path)
    capsys.readouterr()
    assert main(["upload", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：填报表有 2 处问题，未导入任何数据：")
    assert "任务填报!G4：完成进度“约80%”不是数字" in err and "任务填报!H5：提交报告须填写本期进展" in err
    assert main(["upload", str(path), "--json"]) == 1
    errors = json.loads(capsys.readouterr().out)["errors"]
    assert [(e["sheet"], e["cell"]) for e in errors] == [(TASK_SHEET, "G4"), (TASK_SHEET, "H5")]
    assert Report.objects.count() == 0


def test_cli_upload_as_draft_with_json(plan, tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    main(["template", "--unit", "县工信局", "--period", MAY_FIRST_DEKAD, "-o", str(path), "--json"])
    assert json.loads(capsys.readouterr().out)["tasks"] == 1
    fill(load_workbook(path)).save(path)
    assert main(["upload", str(path), "--draft", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["draft_count"], result["rows"][0]["state"]) == (1, "draft")


def test_cli_bad_arguments_exit_1(plan, tmp_path, capsys):
    out = str(tmp_path / "x.xlsx")
    assert main(["template", "--unit", "县不存在局", "--period", MAY_FIRST_DEKAD, "-o", out]) == 1
    assert "单位名录中没有“县不存在局”" in capsys.readouterr().err
    assert main(["template", "--unit", "县工信局", "--period", MAY_FIRST_DEKAD, "-o", "x.csv"]) == 1
    assert "应以 .xlsx 结尾" in capsys.readouterr().err
    assert (
        main(["template", "--unit", "县工信局", "--period", "2025-05-1", "--plan", "没有的方案", "-o", out])
        == 1
    )
    assert "找不到方案" in capsys.readouterr().err
    assert main(["template", "--unit", "县工信局", "--period", "2025-05-2", "-o", out]) == 1
    assert "尚未开始" in capsys.readouterr().err
    assert main(["upload", str(tmp_path / "none.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err
