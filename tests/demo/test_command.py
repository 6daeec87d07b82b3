"""luoshi demo as a user runs it: a real subprocess against a fresh database."""

import json


def test_demo_twice_leaves_one_copy_of_everything(run_luoshi, fresh_database_url, tmp_path):
    first = run_luoshi("demo", "--no-serve", database_url=fresh_database_url, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "演示用户" in first.stdout and "Luoshi@2025" in first.stdout
    assert "西管办发〔2025〕5号" in first.stdout
    assert "admin      系统管理员" in first.stdout  # users and settings; the coordinator is no superuser
    verified = run_luoshi("audit", "verify", database_url=fresh_database_url)
    assert verified.returncode == 0 and "审计日志完整" in verified.stdout, verified.stderr
    counts = run_luoshi("units", "--json", database_url=fresh_database_url).stdout
    status = json.loads(run_luoshi("status", "--json", database_url=fresh_database_url).stdout)
    # the demo's today is mid-July 2025 and every light has tasks under it
    assert status["as_of"] == "2025-07-15"
    lights = status["summary"]["counts"]
    assert all(lights[light] > 0 for light in ("on_track", "lagging", "serious", "done", "not_reported")), (
        lights
    )
    # the plan is dated 27 April: the May bulletin judges 5月上旬 and 中旬, not 21–30 April, and
    # its reports due add up to those on time, late and missing
    may = run_luoshi(
        "bulletin",
        "--month",
        "2025-05",
        "-o",
        str(tmp_path / "may.docx"),
        "--json",
        database_url=fresh_database_url,
    )
    assert may.returncode == 0, may.stderr
    may_data = json.loads(may.stdout)
    assert may_data["periods"] == ["2025-05-1", "2025-05-2"]
    totals = may_data["reporting"]
    assert totals["due"] == totals["on_time"] + totals["late"] + totals["missing"] > 0
    # 44 unit names in the plan (tasks and task forces) as the seed's gold counts them: 41
    # units that report and 3 group phrases (区直有关单位 …), which have nobody to log in
    assert len(json.loads(counts)) == 41
    second = run_luoshi("demo", "--no-serve", database_url=fresh_database_url, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "已存在，未重复导入" in second.stdout and "往期报告已存在" in second.stdout
    assert run_luoshi("units", "--json", database_url=fresh_database_url).stdout == counts
    again = json.loads(run_luoshi("status", "--json", database_url=fresh_database_url).stdout)
    assert again["summary"] == status["summary"]
    items = run_luoshi("supervise", "list", database_url=fresh_database_url).stdout
    assert items.count("\n") == 4 and "共 3 项" in items  # one copy of each demo item
    plans = run_luoshi("plans", database_url=fresh_database_url).stdout
    assert plans.count("第1版") == 1 and "第2版" not in plans
