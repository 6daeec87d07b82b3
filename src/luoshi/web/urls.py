"""Page routes."""

from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from .views import (
    auth,
    board,
    bulletins,
    excel,
    imports,
    messages,
    projects,
    public,
    reports,
    review,
    security,
    supervision,
    tasks,
    tokens,
    workspace,
)

app_name = "web"

urlpatterns = [
    # browsers ask for /favicon.ico on every page, whatever the <link rel="icon"> says
    path("favicon.ico", RedirectView.as_view(url=static("web/favicon.ico")), name="favicon"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("password/", auth.password, name="password"),
    path("account/tokens/", tokens.token_list, name="tokens"),
    path("security/", security.security, name="security"),
    path("security/unlock/", security.unlock_view, name="unlock"),
    path("account/tokens/<int:pk>/revoke/", tokens.revoke, name="revoke_token"),
    path("", workspace.workspace, name="workspace"),
    path("messages/", messages.message_list, name="messages"),
    path("fill/", reports.fill, name="fill"),
    path("fill/excel/template/", excel.template, name="excel_template"),
    path("fill/excel/upload/", excel.upload, name="excel_upload"),
    path("fill/<int:task_id>/<str:period_key>/", reports.new_report, name="new_report"),
    path("reports/<int:pk>/", reports.report, name="report"),
    path("reports/<int:pk>/evidence/", reports.add_evidence, name="add_evidence"),
    path("reports/<int:pk>/evidence/<int:evidence_id>/", reports.evidence_file, name="evidence_file"),
    path("reports/<int:pk>/revise/", reports.revise, name="revise"),
    path("reports/<int:pk>/correct/", reports.correct, name="correct"),
    path("reports/<int:pk>/approve/", review.approve, name="approve"),
    path("reports/<int:pk>/accept/", review.accept, name="accept"),
    path("reports/<int:pk>/return/", review.return_, name="return"),
    path("review/", review.queue, name="review"),
    path("tasks/", tasks.task_list, name="tasks"),
    path("tasks/three-lists.xlsx", tasks.three_lists, name="three_lists"),
    path("tasks/<int:pk>/", tasks.task_detail, name="task"),
    path("tasks/<int:task_id>/instruct/", supervision.instruct, name="instruct"),
    path("board/", board.board, name="board"),
    path("board/screen/", board.screen, name="board_screen"),
    path("board/trend/", board.trend, name="board_trend"),
    path("gantt/", board.gantt, name="gantt"),
    path("supervision/", supervision.item_list, name="supervision"),
    path("supervision/<int:pk>/", supervision.item_detail, name="supervision_item"),
    path(
        "supervision/<int:pk>/evidence/<int:evidence_id>/",
        supervision.item_evidence,
        name="supervision_evidence",
    ),
    path("projects/", projects.project_list, name="projects"),
    path("projects/ledger.xlsx", projects.project_ledger, name="project_ledger"),
    path("bulletins/", bulletins.bulletin_list, name="bulletins"),
    path("bulletins/dispatch/", bulletins.dispatch_file, name="dispatch_file"),
    path("bulletins/review/", bulletins.review_file, name="review_file"),
    path("bulletins/<int:pk>/", bulletins.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/file/", bulletins.bulletin_file, name="bulletin_file"),
    path("import/", imports.upload, name="import"),
    path("import/<int:pk>/", imports.review, name="import_review"),
    path("import/<int:pk>/result/", imports.result, name="import_result"),
    path("import/<int:pk>/targets/<int:index>/", imports.target, name="import_target"),
    path("public/", public.public, name="public"),
]
