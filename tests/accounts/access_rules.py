"""Who may open which page and call which endpoint: the rules, stated here from the
domains' permission modules, and the list of every page (from the URL conf) and every
endpoint (from the API schema) they apply to. ``test_permission_matrix`` checks the real
answers against these rules and that docs/permissions.md prints the same table.

An object's page or endpoint is tried on an object of the persona's own unit (县工信局,
unit A: its report on task (一), task (一), its supervision item, a milestone of (一)) and
on one of another unit (县发改局, unit B: task (二)); the roles that read everything see
both. Rules take the ``Actor`` and the object (None for a page without one)."""

from collections.abc import Callable
from dataclasses import dataclass

from luoshi.accounts.permissions import can_manage_security
from luoshi.audit.permissions import can_read_audit
from luoshi.bulletins.permissions import (
    can_issue,
    can_read_bulletins,
    can_set_weights,
    can_write,
    visible_bulletins,
)
from luoshi.plans.models import Organisation
from luoshi.plans.permissions import (
    can_align,
    can_assign_units,
    can_break_down,
    can_export_lists,
    can_import_plan,
    can_manage_below,
    can_manage_orgs,
    can_manage_units,
    can_see_alignment,
    can_see_units,
    can_suggest_alignment,
    lower_orgs,
    visible_imports,
    visible_parts,
    visible_plans,
    visible_tasks,
    visible_units,
)
from luoshi.projects.permissions import can_manage, can_update, visible_projects
from luoshi.reporting.permissions import (
    can_accept,
    can_approve,
    can_correct,
    can_edit_report,
    can_fill,
    can_plan_task,
    can_return,
    can_review,
    can_revise,
    can_see_board,
    can_see_city_board,
    can_submit,
    visible_reports,
)
from luoshi.supervision import permissions as supervision
from luoshi.supervision.permissions import visible_items


@dataclass(frozen=True)
class Rule:
    text: str  # the rule in Chinese, printed in docs/permissions.md
    allows: Callable  # (actor, obj) -> bool


def signed_in(actor) -> bool:
    return bool(getattr(actor.user, "is_authenticated", False))


def _sees(queryset_of):
    return lambda a, o: signed_in(a) and queryset_of(a).filter(pk=o.pk).exists()


PUBLIC = Rule("任何人（无需登录）", lambda a, o: True)
SIGNED_IN = Rule("已登录用户", lambda a, o: signed_in(a))
WITH_ROLE = Rule("有角色的已登录用户（can_see_board）", lambda a, o: signed_in(a) and can_see_board(a))
CITY_BOARD = Rule(
    "读全部者，且本组织有下级组织（can_see_city_board）",
    lambda a, o: (
        signed_in(a)
        and bool(a.org_id)
        and can_see_city_board(a, Organisation.objects.get(pk=a.org_id))
        and Organisation.objects.filter(parent_id=a.org_id).exists()
    ),
)
FILL = Rule("单位填报员、负责人（can_fill）", lambda a, o: signed_in(a) and can_fill(a))
REVIEW = Rule("负责人、专班办公室、综合协调组（can_review）", lambda a, o: signed_in(a) and can_review(a))
EXPORT = Rule("读全部者与专班办公室（can_export_lists）", lambda a, o: signed_in(a) and can_export_lists(a))
IMPORT = Rule("综合协调组（can_import_plan）", lambda a, o: signed_in(a) and can_import_plan(a))
BULLETINS = Rule(
    "综合协调组、领导、专班办公室（can_read_bulletins）", lambda a, o: signed_in(a) and can_read_bulletins(a)
)
MANAGE_BELOW = Rule(
    "获授“可办理下级组织事项”的综合协调组、系统管理员（can_manage_below）",
    lambda a, o: signed_in(a) and can_manage_below(a),
)
ORG_UNDER = Rule(
    "获授“可办理下级组织事项”者，上级为本组织或其下级（can_manage_orgs）",
    lambda a, o: signed_in(a) and can_manage_orgs(a, o),
)
LOWER_ORG = Rule(
    "获授“可办理下级组织事项”者，本组织之下的组织（can_manage_below、lower_orgs）",
    lambda a, o: signed_in(a) and can_manage_below(a) and lower_orgs(a).filter(pk=o.pk).exists(),
)
SECURITY = Rule("综合协调组（can_manage_security）", lambda a, o: signed_in(a) and can_manage_security(a))
SEES_UNITS = Rule("有角色的已登录用户（can_see_units）", lambda a, o: signed_in(a) and can_see_units(a))
SEES_UNIT = Rule(
    "有角色、能看到该单位所在组织（can_see_units、visible_units）",
    lambda a, o: (
        signed_in(a)
        and can_see_units(a)
        and visible_units(a).filter(pk=getattr(o, "unit_id", None) or o.pk).exists()
    ),
)
SEES_PLAN = Rule(
    "能看到该方案所在组织（visible_plans）",
    lambda a, o: signed_in(a) and visible_plans(a).filter(pk=o.pk).exists(),
)
IMPORT_OF = Rule(
    "综合协调组，该导入所在组织（can_import_plan、visible_imports、acts_in）",
    lambda a, o: (
        signed_in(a)
        and can_import_plan(a)
        and visible_imports(a).filter(pk=o.pk).exists()
        and a.acts_in(o.organisation_id)
    ),
)
SEES_REPORT = Rule("能看到该报告（visible_reports）", _sees(visible_reports))
SEES_TASK = Rule("能看到该任务（visible_tasks）", _sees(visible_tasks))
SEES_ITEM = Rule("能看到该督办事项（visible_items）", _sees(visible_items))
SEES_BULLETIN = Rule("能看到该通报（visible_bulletins）", _sees(visible_bulletins))
SEES_PROJECT = Rule("能看到该项目（visible_projects）", _sees(visible_projects))
AUDIT = Rule(
    "后台审计人员：staff 且有 audit.view_auditlog（can_read_audit）",
    lambda a, o: signed_in(a) and can_read_audit(a),
)
SEES_MILESTONE_TASK = Rule(
    "能看到节点所属任务（visible_tasks）",
    lambda a, o: signed_in(a) and visible_tasks(a).filter(pk=o.task_id).exists(),
)
SEES_TARGET = Rule(
    "读全部者，或能看到指标所在攻坚的任务（visible_parts）",
    lambda a, o: (
        signed_in(a)
        and (
            (a.reads_all and a.sees(o.plan.organisation_id))
            or visible_parts(a, o.plan).filter(pk=o.part_id).exists()
        )
    ),
)


def _fills_task(a, task) -> bool:
    return signed_in(a) and can_fill(a) and task.task_units.filter(unit_id=a.unit_id).exists()


FILLS_TASK = Rule("本单位是该任务责任单位的填报员、负责人", _fills_task)
SUBMIT = Rule("can_submit（本单位、草稿或退回）", lambda a, o: signed_in(a) and can_submit(a, o))
APPROVE = Rule(
    "can_approve（本单位负责人或综合协调组，已提交）", lambda a, o: signed_in(a) and can_approve(a, o)
)
ACCEPT = Rule("can_accept（专班办公室、综合协调组）", lambda a, o: signed_in(a) and can_accept(a, o))
RETURN = Rule("can_return", lambda a, o: signed_in(a) and can_return(a, o))
PLAN_TASK = Rule(
    "can_plan_task（牵头单位、该攻坚的专班办公室、综合协调组）",
    lambda a, o: signed_in(a) and can_plan_task(a, o),
)
PLAN_MILESTONE_TASK = Rule(
    "节点所属任务的 can_plan_task", lambda a, o: signed_in(a) and can_plan_task(a, o.task)
)

EDIT_REPORT = Rule(
    "can_edit_report（本单位填报员、负责人，草稿或退回）", lambda a, o: signed_in(a) and can_edit_report(a, o)
)
CORRECT = Rule(
    "can_correct（该攻坚的专班办公室、综合协调组，已审定）", lambda a, o: signed_in(a) and can_correct(a, o)
)
REVISE = Rule("can_revise（本单位填报员、负责人，已审定）", lambda a, o: signed_in(a) and can_revise(a, o))
FILE_REPORT = Rule(
    "本单位是该任务责任单位的填报员、负责人（can_fill）",
    lambda a, o: _fills_task(a, o) and visible_tasks(a).filter(pk=o.pk).exists(),
)


def _step(action):
    return Rule(
        f"能看到事项且 supervision.allowed_actions 含 {action}（角色、牵头单位、非承办单位核查、状态）",
        lambda a, o: (
            signed_in(a)
            and visible_items(a).filter(pk=o.pk).exists()
            and action in supervision.allowed_actions(a, o)
        ),
    )


CREATE_ITEM = Rule(
    "能看到任务且 supervision.can(create)（综合协调组、核查员、本专班攻坚的专班办公室）",
    lambda a, o: (
        signed_in(a)
        and visible_tasks(a).filter(pk=o.pk).exists()
        and supervision.can(a, "create", part_id=o.part_id)
    ),
)
INSTRUCT = Rule(
    "能看到任务且 supervision.can(instruct)（综合协调组、领导）",
    lambda a, o: (
        signed_in(a)
        and visible_tasks(a).filter(pk=o.pk).exists()
        and supervision.can(a, "instruct")
        and a.acts_in(o.plan.organisation_id)
    ),
)
ESCALATE = Rule(
    "能看到事项且 supervision.can(escalate)（综合协调组）",
    lambda a, o: (
        signed_in(a) and visible_items(a).filter(pk=o.pk).exists() and supervision.can(a, "escalate", o)
    ),
)
UPDATE_PROJECT = Rule(
    "能看到项目且 can_update（责任单位、综合协调组）",
    lambda a, o: _sees(visible_projects)(a, o) and can_update(a, o),
)
RECONCILE = Rule(
    "能看到项目且 can_manage（综合协调组，项目所在组织）",
    lambda a, o: _sees(visible_projects)(a, o) and can_manage(a, o),
)


def _campaign(plan):
    return plan.parts.get(key="附件1")


WRITE_CAMPAIGN = Rule(
    "can_write 该攻坚（综合协调组、该攻坚的专班办公室）",
    lambda a, o: signed_in(a) and can_write(a, _campaign(o)),
)
WRITE_PLAN_WIDE = Rule("can_write 全方案（综合协调组）", lambda a, o: signed_in(a) and can_write(a, None, o))


def _default_plan(a):
    from luoshi.plans.versions import plan_choices

    choices = plan_choices(actor=a)
    return choices[0] if choices else None


WEIGHTS = Rule(
    "can_set_weights（综合协调组，默认方案所在组织）",
    lambda a, o: (
        signed_in(a)
        and can_set_weights(a)
        and bool(_default_plan(a))
        and a.acts_in(_default_plan(a).organisation_id)
    ),
)
EDIT_BULLETIN = Rule(
    "能看到该通报且 can_write 其攻坚（草稿）",
    lambda a, o: _sees(visible_bulletins)(a, o) and not o.is_issued and can_write(a, o.campaign),
)
ISSUE = Rule(
    "能看到该通报且 can_issue（草稿）", lambda a, o: _sees(visible_bulletins)(a, o) and can_issue(a, o)
)
CORRECT_BULLETIN = Rule(
    "能看到该通报且 can_write 其攻坚（已印发）",
    lambda a, o: _sees(visible_bulletins)(a, o) and o.is_issued and can_write(a, o.campaign),
)
SEES_ALIGNMENT = Rule(
    "读全部者与专班办公室，方案属本组织或下级组织（can_see_alignment）",
    lambda a, o: signed_in(a) and can_see_alignment(a, o),
)
SUGGEST_ALIGNMENT = Rule(
    "本组织的综合协调组（can_suggest_alignment）", lambda a, o: signed_in(a) and can_suggest_alignment(a, o)
)
ALIGN_TASK = Rule(
    "能看到任务且 can_align（本组织的综合协调组、该攻坚的专班办公室）",
    lambda a, o: _sees(visible_tasks)(a, o) and can_align(a, o),
)
ALIGN_LINK = Rule(
    "能看到下级任务且 can_align（本组织的综合协调组、该攻坚的专班办公室）",
    lambda a, o: signed_in(a) and visible_tasks(a).filter(pk=o.lower_id).exists() and can_align(a, o.lower),
)
SEES_LINK = Rule(
    "能看到下级任务（visible_tasks）",
    lambda a, o: signed_in(a) and visible_tasks(a).filter(pk=o.lower_id).exists(),
)
UNITS = Rule("综合协调组（can_manage_units）", lambda a, o: signed_in(a) and can_manage_units(a))
BREAK_DOWN = Rule("本级综合协调组（can_break_down）", lambda a, o: signed_in(a) and can_break_down(a, o))
ASSIGN_UNITS = Rule(
    "能看到任务且为上级分解下达的本级任务的综合协调组（can_assign_units）",
    lambda a, o: signed_in(a) and visible_tasks(a).filter(pk=o.pk).exists() and can_assign_units(a, o),
)
UNIT_OF = Rule(
    "综合协调组，该单位所在组织（can_manage_units、acts_in）",
    lambda a, o: (
        SEES_UNIT.allows(a, o)
        and can_manage_units(a)
        and a.acts_in((o.unit if hasattr(o, "unit_id") else o).organisation_id)
    ),
)


@dataclass(frozen=True)
class Form:
    """A multipart body (fields and files) instead of JSON."""

    fields: dict


# pages: URL name → (the object its address names, query string, the rule). Objects:
# "report", "task", "item", "bulletin"; None for a page of its own.
PAGES = {
    "web:favicon": (None, "", PUBLIC),
    "web:healthz": (None, "", PUBLIC),
    "web:login": (None, "", PUBLIC),
    "web:public": (None, "", PUBLIC),
    "web:password": (None, "", SIGNED_IN),
    "web:tokens": (None, "", SIGNED_IN),
    "web:otp": (None, "", SIGNED_IN),
    "web:workspace": (None, "", SIGNED_IN),
    "web:messages": (None, "", SIGNED_IN),
    "web:tasks": (None, "", SIGNED_IN),
    "web:supervision": (None, "", SIGNED_IN),
    "web:projects": (None, "", SIGNED_IN),
    "web:project_ledger": (None, "", SIGNED_IN),
    "web:board": (None, "", WITH_ROLE),
    "web:board_screen": (None, "", WITH_ROLE),
    "web:board_trend": (None, "", WITH_ROLE),
    "web:gantt": (None, "", WITH_ROLE),
    "web:city_board": (None, "", CITY_BOARD),
    "web:fill": (None, "", FILL),
    "web:excel_template": (None, "?period=2025-07-1", FILL),
    "web:review": (None, "", REVIEW),
    "web:three_lists": (None, "", EXPORT),
    "web:import": (None, "", IMPORT),
    "web:security": (None, "", SECURITY),
    "web:orgs": (None, "", MANAGE_BELOW),
    "web:bulletins": (None, "", BULLETINS),
    "web:jobs": (None, "", SIGNED_IN),
    "web:report": ("report", "", SEES_REPORT),
    "web:task": ("task", "", SEES_TASK),
    "web:new_report": ("task", "", FILLS_TASK),
    "web:assign_units": ("task", "", ASSIGN_UNITS),
    "web:supervision_item": ("item", "", SEES_ITEM),
    "web:bulletin": ("bulletin", "", SEES_BULLETIN),
    "web:bulletin_file": ("bulletin", "", SEES_BULLETIN),
    "web:import_review": ("import", "", IMPORT_OF),
    "web:align": ("plan", "", SEES_ALIGNMENT),
}

# pages only posted to: their writes follow the action matrix (test_permission_matrix's
# MATRIX, checked through the services); a GET is refused (405) or sent to the login page
POST_ONLY = {
    "web:logout",
    "web:excel_upload",
    "web:add_evidence",
    "web:revise",
    "web:correct",
    "web:approve",
    "web:accept",
    "web:return",
    "web:instruct",
    "web:revoke_token",
    "web:unlock",
    "web:org_rename",
    "web:otp_reset",
    "web:otp_remove",
    "web:align_suggest",
    "web:align_set",
    "web:align_confirm",
    "web:align_reject",
    "web:job_retry",
    "web:delivery_resend",
    "web:delivery_confirm",
}

# pages left out of the matrix, and why
NOT_IN_MATRIX = {
    "web:evidence_file": "佐证材料下载：与所属报告相同（SEES_REPORT），见 tests/web 的佐证测试",
    "web:supervision_evidence": "督办佐证下载：与所属事项相同（SEES_ITEM），见 tests/supervision",
    "web:import_result": "方案导入的结果页只在确认后存在，仅综合协调组（check_import_plan）",
    "web:import_target": "方案导入中一个指标的修正，仅综合协调组（check_import_plan）",
    "web:dispatch_file": "旬调度表下载需先选周期，规则同 web:bulletins（check_read_documents）",
    "web:review_file": "季讲评下载需先选季度，规则同 web:bulletins（check_read_documents）",
    "web:breakdown": "下级组织的分解方案页：只有上级分解下达的方案才有，能看到其中任务者可看（visible_tasks），见 tests/web/test_breakdown_pages.py",
    "web:city_board_org": "一个下级组织的挂图：本组织或下级组织的读全部者（can_see_city_board），"
    "见 tests/web/test_city_board.py（含兄弟区县、下级用户一律 404）",
    "web:job": "后台任务页：提交人本人，及其所在组织（或上级组织）的综合协调组（visible_jobs），"
    "见 tests/web/test_jobs_pages.py（其他组织、其他角色一律 404）",
    "web:job_file": "后台任务生成的文件：规则同 web:job（visible_jobs），见 tests/web/test_jobs_pages.py",
    "web:otp_verify": "登录第二步：已绑定两步验证者输入验证码，未绑定者转去绑定（tests/accounts/test_second_factor.py）",
}

# API operations: the object each path parameter names, the rule of a GET on it
API_OBJECTS = {
    "report_id": ("report", SEES_REPORT),
    "alias_id": ("alias", SEES_UNIT),
    "task_id": ("task", SEES_TASK),
    "plan_id": ("plan", SEES_PLAN),
    "version_id": ("plan", SEES_PLAN),
    "import_id": ("import", IMPORT_OF),
    "unit_id": ("unit", SEES_UNIT),
    "milestone_id": ("milestone", SEES_MILESTONE_TASK),
    "target_id": ("target", SEES_TARGET),
    "item_id": ("item", SEES_ITEM),
    "bulletin_id": ("bulletin", SEES_BULLETIN),
    "project_id": ("project", SEES_PROJECT),
    "link_id": ("link", SEES_LINK),
    "org_id": ("lower_org", LOWER_ORG),
}
# GET endpoints whose rule is not "signed in" (lists) or the rule of their object
API_RULES: dict[str, Rule] = {
    "GET /api/v1/imports": IMPORT,
    "GET /api/v1/orgs": MANAGE_BELOW,
    "GET /api/v1/plans/{plan_id}/diff": Rule(
        "综合协调组，能看到该方案（can_import_plan、visible_plans）",
        lambda a, o: IMPORT.allows(a, o) and SEES_PLAN.allows(a, o),
    ),
    "GET /api/v1/bulletins": BULLETINS,
    "GET /api/v1/bulletins/review-weights": BULLETINS,
    "GET /api/v1/audit": AUDIT,
    "GET /api/v1/audit/verify": AUDIT,
    "GET /api/v1/plans/{plan_id}/alignment": SEES_ALIGNMENT,
    "GET /api/v1/periods/due": Rule(
        "有所属单位的用户（本单位的待报清单）", lambda a, o: signed_in(a) and bool(a.unit_id)
    ),
}
# every API write (the test fails on one missing here): operation → (the objects it is tried on,
# in the state the step starts from; the body, or a function of the object giving it, JSON or a
# Form; the rule), or, for an operation with several steps, step → that triple
API_WRITES = {
    "POST /api/v1/reports/{report_id}/submit": ("draft_report", {}, SUBMIT),
    "POST /api/v1/reports/{report_id}/approve": ("submitted_report", {}, APPROVE),
    "POST /api/v1/reports/{report_id}/accept": ("approved_report", {}, ACCEPT),
    "POST /api/v1/reports/{report_id}/return": ("approved_report", {"reason": "请补充佐证"}, RETURN),
    "POST /api/v1/tasks/{task_id}/milestones": (
        "task",
        {"title": "完成调研", "due_date": "2025-09-01"},
        PLAN_TASK,
    ),
    "POST /api/v1/tasks/{task_id}/milestones/reverse-schedule": (
        "task",
        {"titles": ["调研", "验收"]},
        PLAN_TASK,
    ),
    "PATCH /api/v1/milestones/{milestone_id}": ("milestone", {"title": "完成企业摸底"}, PLAN_MILESTONE_TASK),
    "POST /api/v1/milestones/{milestone_id}/complete": ("milestone", {}, PLAN_MILESTONE_TASK),
    # supervision: each step on an item of unit A and of unit B in the state it starts from
    "POST /api/v1/supervision": (
        "task",
        lambda t: {
            "content": "园区道路破损未修复",
            "lead_unit": t.leads()[0].name,
            "deadline": "2025-07-25",
            "source": "special",
            "task": t.pk,
        },
        CREATE_ITEM,
    ),
    "POST /api/v1/supervision/instructions": (
        "task",
        lambda t: {"text": "请加快推进", "task": t.pk},
        INSTRUCT,
    ),
    "POST /api/v1/supervision/{item_id}/escalate": ("item", {"reason": "逾期未签收"}, ESCALATE),
    "POST /api/v1/supervision/{item_id}/steps": {
        "accept 签收": ("item", Form({"action": "accept"}), _step("accept")),
        "feedback 反馈": (
            "item_in_progress",
            lambda o: Form(
                {"action": "feedback", "comment": "已整改完毕", "files": [_upload("整改报告.pdf")]}
            ),
            _step("feedback"),
        ),
        "check 核查": ("item_fed_back", Form({"action": "check"}), _step("check")),
        "close 销号": ("item_verifying", Form({"action": "close", "comment": "核查属实"}), _step("close")),
        "return 退回": ("item_verifying", Form({"action": "return", "comment": "佐证不足"}), _step("return")),
    },
    # reports
    "POST /api/v1/reports": (
        "task",
        lambda t: {"task": t.pk, "period": "2025-07-2", "progress": "40"},
        FILE_REPORT,
    ),
    "PATCH /api/v1/reports/{report_id}": ("draft_report", {"progress_text": "完成企业摸底三家"}, EDIT_REPORT),
    "POST /api/v1/reports/{report_id}/correct": (
        "accepted_report",
        {"reason": "数据录入有误", "progress_text": "完成企业摸底五家"},
        CORRECT,
    ),
    "POST /api/v1/reports/{report_id}/revise": ("accepted_report", {"reason": "更正数据"}, REVISE),
    "POST /api/v1/reports/{report_id}/evidence": (
        "draft_report",
        lambda o: Form({"file": _upload("佐证.pdf")}),
        EDIT_REPORT,
    ),
    # projects
    "POST /api/v1/projects/{project_id}/updates": (
        "project",
        {"week": "2025-W28", "physical_progress": 30, "progress_text": "主体施工"},
        UPDATE_PROJECT,
    ),
    "POST /api/v1/projects/{project_id}/reconciliations": (
        "project",
        {"fortnight": "2025-F15", "confirmed": {"funds_paid": 10}},
        RECONCILE,
    ),
    # bulletins: the 附件1 bulletin (a draft), one issued; plan-wide ones are the coordinator's
    "POST /api/v1/bulletins": (
        "plan",
        lambda p: {"month": "2025-04", "campaign": "附件1", "plan": p.pk},
        WRITE_CAMPAIGN,
    ),
    "POST /api/v1/bulletins/reviews": (
        "plan",
        lambda p: {"quarter": "2025Q2", "plan": p.pk},
        WRITE_PLAN_WIDE,
    ),
    "PUT /api/v1/bulletins/review-weights": (
        None,
        {"timeliness": 40, "progress": 30, "targets": 20, "supervision": 10},
        WEIGHTS,
    ),
    "POST /api/v1/bulletins/verify": (None, lambda o: Form({"file": _upload("通报.docx")}), BULLETINS),
    "PATCH /api/v1/bulletins/{bulletin_id}": ("bulletin", {"title": "六月通报（修改）"}, EDIT_BULLETIN),
    "POST /api/v1/bulletins/{bulletin_id}/issue": ("bulletin", {}, ISSUE),
    "POST /api/v1/bulletins/{bulletin_id}/refresh": ("bulletin", {}, EDIT_BULLETIN),
    "POST /api/v1/bulletins/{bulletin_id}/correct": (
        "issued_bulletin",
        {"reason": "数据有误"},
        CORRECT_BULLETIN,
    ),
    # units: unit A and unit B
    "POST /api/v1/plans/{plan_id}/breakdown": ("plan", {}, BREAK_DOWN),
    "POST /api/v1/units": (None, {"name": "县数据资源局"}, UNITS),
    "PATCH /api/v1/units/{unit_id}": ("unit", {"short_name": "简称"}, UNIT_OF),
    "POST /api/v1/units/{unit_id}/aliases": ("unit", {"name": "另一种写法"}, UNIT_OF),
    "DELETE /api/v1/units/{unit_id}/aliases/{alias_id}": ("alias", {}, UNIT_OF),
    "POST /api/v1/units/{unit_id}/merge": (
        "unit",
        lambda u: {"other": _spare_unit(u).pk},
        Rule(
            "综合协调组，该单位所在组织，并入同一组织的单位",
            lambda a, o: UNIT_OF.allows(a, o) and o.organisation_id == _spare_unit(o).organisation_id,
        ),
    ),
    # 对标: the county's plan (under the city's) and the first suggestion of tasks A and B
    "POST /api/v1/plans/{plan_id}/alignment/suggest": ("plan", {}, SUGGEST_ALIGNMENT),
    "POST /api/v1/task-links/{link_id}/confirm": ("link", {}, ALIGN_LINK),
    "POST /api/v1/task-links/{link_id}/reject": ("link", {}, ALIGN_LINK),
    "PUT /api/v1/tasks/{task_id}/alignment": (
        "task",
        lambda t: {"upper_plan": _city_plan().pk, "upper_task": None},
        ALIGN_TASK,
    ),
    # plan imports: a staged import of the plan
    "POST /api/v1/imports": (
        None,
        lambda o: Form({"file": _plan_file(), "dry_run": "true"}),
        IMPORT,
    ),
    "POST /api/v1/imports/{import_id}/fixes": ("import", {}, IMPORT_OF),
    "POST /api/v1/imports/{import_id}/confirm": ("import", {"dry_run": True}, IMPORT_OF),
    "POST /api/v1/imports/{import_id}/discard": ("import", {}, IMPORT_OF),
    # 下级组织: a town under the county and under the other county; the county's town renamed
    "POST /api/v1/orgs": (
        "org",
        lambda o: {
            "parent": o.pk,
            "name": "新设镇",
            "level": "town",
            "admin": {"username": "xs_admin", "password": "Xs#Admin2025!"},
        },
        ORG_UNDER,
    ),
    "PATCH /api/v1/orgs/{org_id}": ("lower_org", {"name": "城关街道"}, LOWER_ORG),
}
# the path's parameters of an object other than its own pk
PATH_ARGS = {"alias": lambda o: {"unit_id": o.unit_id, "alias_id": o.pk}}


def _city_plan():
    from luoshi.plans.models import Plan

    return Plan.objects.get(title="示范市实施“三大攻坚”工作方案")


def _spare_unit(unit=None):
    """县数据局, made in the district of the test plan (a sibling district has none: a
    merge there is tried with a unit of another organisation, and refused)."""
    from luoshi.plans.models import Unit

    return Unit.objects.get(name="县数据局")


def _plan_file():
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.plans.factories import make_plan

    return SimpleUploadedFile("plan.json", json.dumps(make_plan()).encode(), content_type="application/json")


def _upload(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4 evidence", content_type="application/pdf")


API_NOT_IN_MATRIX = {
    "GET /api/v1/reports/{report_id}/evidence/{evidence_id}": "佐证下载：与所属报告相同（SEES_REPORT）",
    "GET /api/v1/supervision/{item_id}/evidence/{evidence_id}": "督办佐证下载：与所属事项相同（SEES_ITEM），见 tests/api/test_supervision.py",
    "GET /api/v1/bulletins/dispatch": "旬调度表需先给周期，规则同 web:bulletins（check_read_documents），见 tests/api/test_bulletins.py",
    "GET /api/v1/bulletins/review": "季讲评需先给季度，规则同 web:bulletins（check_read_documents），见 tests/api/test_bulletins.py",
    "PUT /api/v1/tasks/{task_id}/units": "为上级分解下达的任务分配本级责任单位：只对分解任务有效，仅该下级组织的综合协调组（can_assign_units），见 tests/web/test_breakdown_pages.py",
    "GET /api/v1/audit/{sequence}": "一条审计记录（按序号）：规则同 GET /api/v1/audit（can_read_audit），见 tests/api/test_audit.py",
}
