"""The ``luoshi`` command: one entry point over Luoshi's management commands.

``luoshi import FILE`` is ``manage.py import_plan FILE`` and so on, so nobody types
``manage.py``. ``luoshi parse`` runs without Django at all. Errors come out as one
Chinese line and exit code 1, never a traceback.
"""

import os
import sys
from pathlib import Path

# Command names a user types → Django management command names.
ALIASES = {
    "import": "import_plan",
    "export": "export_plan",
    "bench-data": "bench_data",
    "reset-password": "reset_password",
    "changepassword": "reset_password",  # Django's own would not ask for a new password at sign-in
}

USAGE = """\
用法：luoshi <命令> [参数]

常用命令：
  demo [--no-serve]            建立演示环境（示例方案、演示用户、往期报告）并启动服务
  serve [--port N] [--no-jobs] 启动服务（生产用 WSGI 服务器，并在本机启动一个后台任务进程）
  parse FILE [--json]          解析方案文件（txt/docx/html/pdf），显示条目树或输出 JSON
  import FILE [--org ORG]      导入方案（方案 JSON 或 txt/docx/html/pdf 文件），到本级或指定组织
  org add NAME --level L [--parent P] | list [--json] | move ORG --parent P | user USER ORG
                               组织树（省、市、县区、乡镇）与用户所属组织
  plans                        列出已导入的方案及其版本
  units                        列出单位及其任务数
  export three-lists [PLAN] -o FILE.xlsx   导出“三张清单”
  breakdown [PLAN] [--json]    层层分解：下级组织负责的任务分解到各下级（导入时自动进行）
  align LOWER UPPER [--json]   对标：为下级方案的任务建议上级方案中对应的任务（前三名及相似度）

调度与填报：
  periods [--cadence C] [--json]                 调度周期及报送期限（法定工作日，含调休）
  schedule [--cadence C] [--campaign K|--task S] [--org ORG]   查看或设置调度规则（--org：该组织的方案）
  status [--campaign C] [--unit U] [--period P] [--as-of D] [--json]   序时进度与红黄绿灯
  status --rebuild [--plan P] [--queue]   按报告重建任务单位报送现状（--queue：交给 luoshi worker）
  completeness --period P [--as-of D] [--json]   报送情况：按时、逾期、未报
  milestones TASK [--add 名称 日期] [--reverse 节点…]   任务节点，倒排工期
  template --unit 单位 --period 2025-05-1 -o FILE.xlsx [--org ORG]   下载本单位本期填报模板
  upload FILE.xlsx [--draft] [--json]            上传填好的模板（全部无误才导入）
  tick [--loop] [--enqueue-only]                 登记并发送到期的催报提醒（可每分钟由 cron 运行）
  worker [--queue Q] [--no-schedule]             运行后台任务（页面上生成的文件、大文件解析、提醒发送等），可在多台服务器上同时运行
  jobs prune [--days N] [--dry-run] [--json]     清理完成或失败超过保留天数（默认 30）的后台任务及其文件，以及队列中已结束的任务结果

通报与讲评：
  bulletin --month 2025-05 [--campaign C] -o F.docx [--issue]   月通报（Word，公文格式）
  bulletin verify F.docx                                       核验通报文件是否为印发的原件、第几期
  dispatch --period 2025-05-1 [-o F.xlsx] [--docx F.docx]       旬调度表与调度情况
  review --quarter 2025Q2 [--weights 30,40,20,10]               季讲评（Word 和 Excel）

督查督办与重大项目：
  supervise list|create|transition|instruct|import-ledger|export-ledger|remind   （luoshi supervise -h）
  projects import|update|reconcile|rates|ledger|list                            （luoshi projects -h）
  （supervise import-ledger 与 projects import|update|reconcile 用 --org ORG 指明组织：单位名录、项目编号都在组织内）
  token create USER --scope read|write --days N   创建个人接口令牌（只显示一次）
  token list USER | token revoke ID              列出、吊销接口令牌
  unlock USER [--address IP] | --address IP | --list   解除登录锁定，列出当前锁定
  reset-password USER [--password-stdin]         重置用户密码（该用户下次登录须先修改密码）
  audit verify                 校验审计日志哈希链，指出第一条被改动、删除或调换顺序的记录
  audit export --from D --to D [-o F.csv|F.xlsx]   导出审计日志（等保要求保留 6 个月）
  migrate                      建立或升级数据库
  backup FILE [--yes]          把数据库完整备份到一个文件（SQLite 在线备份 / PostgreSQL pg_dump）
  restore FILE --yes           用备份文件恢复数据库（覆盖现有数据）
  createsuperuser              创建管理员
  bench-data --orgs 1+14+130 --tasks-per-plan 150 --year 2025   生成基准测试用的省市区数据（空数据库，PostgreSQL）

其余 Django 管理命令同样可用：luoshi help 查看全部。
"""


def _run_parse(argv: list[str]) -> int:
    from luoshi.docparse.command import main as parse_main

    return parse_main(argv)


def _database_error_message(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    if "locked" in text:
        return "数据库正被其他程序占用（database is locked），请稍后重试；如持续出现，请检查是否有未结束的 luoshi 进程。"
    return f"无法连接数据库：{text}。请检查 LUOSHI_DATABASE_URL 设置以及数据库服务是否已启动。"


# Commands that set the database up; Luoshi's other commands (and createsuperuser) need
# one set up. Django's maintenance commands (shell, dbshell, dumpdata, …) are left alone.
SETS_UP = ("migrate", "demo", "restore")


def _needs_database(name: str) -> bool:
    if name in SETS_UP:
        return False
    commands = Path(__file__).parent.glob("*/management/commands/*.py")
    return name == "createsuperuser" or name in {p.stem for p in commands if not p.stem.startswith("_")}


def _no_database_message(where: str, command: str) -> str:
    return (
        f"还没有建立数据库（{where}）。请先运行 luoshi migrate 建立数据库"
        f"（或运行 luoshi demo 建立演示环境，或用 luoshi restore 从备份恢复），再运行 luoshi {command}。"
    )


def _missing_sqlite_file() -> str | None:
    """The SQLite file the settings would open, when it does not exist yet (checked before
    Django starts, so that a command that only reads creates no ``./var``)."""
    url = os.environ.get("LUOSHI_DATABASE_URL")
    if url:
        import dj_database_url

        try:
            config = dj_database_url.parse(url)
        except ValueError:
            return None  # the settings say what is wrong with it
        name = str(config.get("NAME") or "")
        if config["ENGINE"] != "django.db.backends.sqlite3" or name in ("", ":memory:"):
            return None
        path = Path(name)
    else:
        path = Path(os.environ.get("LUOSHI_DATA_DIR") or "var").resolve() / "luoshi.sqlite3"
    return None if path.exists() else str(path)


def _database_missing() -> str | None:
    """Where the database is, when it has none of Luoshi's tables yet."""
    from django.db import connection

    tables = set(connection.introspection.table_names())
    if {"django_migrations", "plans_plan"} <= tables:
        return None
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return str(settings["NAME"])
    return f"{connection.vendor} 数据库 {settings['NAME']}"


def main(argv: list[str] | None = None) -> int:
    """Run one ``luoshi`` command and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help"}:
        sys.stdout.write(USAGE)
        return 0
    if argv[0] == "parse":
        return _run_parse(argv[1:])
    if argv[0] == "--version":
        from luoshi import __version__

        print(f"luoshi {__version__}")
        return 0

    # Luoshi's settings, whatever another Django project left in the environment
    # (in-process callers such as the tests have set Django up already).
    from django.conf import settings as django_settings

    standalone = not django_settings.configured
    name = ALIASES.get(argv[0], argv[0])
    needs_database = standalone and _needs_database(name)
    missing = _missing_sqlite_file() if needs_database else None
    if missing:
        # the configuration is still checked and the command run (so that its own errors
        # come first) against an empty database in memory and a key not kept: nothing is
        # created on disk, and its first query says the database is missing
        os.environ.setdefault("LUOSHI_SECRET_KEY", "not-kept")
        os.environ["LUOSHI_DATABASE_URL"] = "sqlite://:memory:"
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    try:
        import django
        from django.core.exceptions import ImproperlyConfigured

        django.setup()
    except ImproperlyConfigured as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        return 1
    if missing and name == "serve":
        print(f"错误：{_no_database_message(missing, argv[0])}", file=sys.stderr)
        return 1

    from django.core.management import CommandError, ManagementUtility, get_commands, load_command_class
    from django.db import DatabaseError, InterfaceError, OperationalError

    commands = get_commands()
    if needs_database and not missing and name in commands:
        try:
            missing = _database_missing()
        except (OperationalError, InterfaceError) as exc:
            print(f"错误：{_database_error_message(exc)}", file=sys.stderr)
            return 1
        if missing:
            print(f"错误：{_no_database_message(missing, argv[0])}", file=sys.stderr)
            return 1
    if name not in commands:
        utility = ManagementUtility(["luoshi", *argv])
        utility.prog_name = "luoshi"
        utility.execute()
        return 0
    command = load_command_class(commands[name], name)
    parser = command.create_parser("luoshi", argv[0])
    options = parser.parse_args(argv[1:])
    cmd_options = vars(options)
    args = cmd_options.pop("args", ())
    from luoshi.audit.services import command_origin, origin_of

    try:
        with origin_of(command_origin(argv)):
            command.execute(*args, **cmd_options)
    except CommandError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return exc.returncode or 1
    except (DatabaseError, InterfaceError) as exc:
        if missing:  # it ran against an empty database in memory: its arguments were fine
            print(f"错误：{_no_database_message(missing, argv[0])}", file=sys.stderr)
            return 1
        if isinstance(exc, OperationalError | InterfaceError):
            print(f"错误：{_database_error_message(exc)}", file=sys.stderr)
            return 1
        print(f"错误：数据库拒绝了这次写入（{str(exc).strip()[:200]}），未写入任何内容。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # the reader (e.g. `luoshi units | head`) went away: not an error of ours
        sys.stderr.close()
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
