"""What a click on 生成 costs the web request now that documents are jobs, against the
synchronous render it replaced, measured in the same run on the demo's data.

usage: python bench/document_jobs.py DATA_DIR [--runs N]

DATA_DIR is a demo's data folder (``LUOSHI_DATA_DIR=DIR luoshi demo --no-serve``; the
bench adds jobs to its database). Alternating, ``--runs`` times (default 10), as the demo
coordinator through Django's test client, in this process:

- sync: ``GET /bulletins/review/?quarter=2025Q2&format=docx`` (the render in the request,
  what the page did before);
- queue: ``POST /bulletins/review/`` with the same quarter (the job and its queue row
  written, the redirect to the job page) — the request the user now waits for;
- job: the queued job run by ``core.jobs.run_queued`` (what the runner spends elsewhere).

It prints wall and CPU (``time.process_time``) medians and the ratio queue / sync.
"""

import argparse
import os
import statistics
import sys
import time


def setup(data_dir: str) -> None:
    for key in [k for k in os.environ if k.startswith("LUOSHI_")]:
        del os.environ[key]
    os.environ["LUOSHI_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "luoshi.settings"
    import django

    django.setup()


def timed(call) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    setup(args.data_dir)
    from django.conf import settings
    from django.test import Client

    from luoshi.accounts.models import Profile
    from luoshi.core.jobs import run_queued
    from luoshi.jobs.models import Job

    settings.ALLOWED_HOSTS = ["testserver"]
    coordinator = Profile.objects.filter(role="coordinator").select_related("user").first().user
    client = Client()
    client.force_login(coordinator)
    figures: dict[str, list[tuple[float, float]]] = {"sync": [], "queue": [], "job": []}
    for run in range(args.runs + 1):  # the first round warms up and is not counted
        results = {}

        def sync():
            response = client.get("/bulletins/review/", {"quarter": "2025Q2", "format": "docx"})
            assert response.status_code == 200 and response.content[:2] == b"PK", response.status_code

        def queue():
            response = client.post("/bulletins/review/", {"quarter": "2025Q2", "format": "docx"})
            assert response.status_code == 302 and "/jobs/" in response["Location"], response.status_code

        def job():
            assert run_queued() == 1

        results["sync"] = timed(sync)
        results["queue"] = timed(queue)
        results["job"] = timed(job)
        assert Job.objects.order_by("-pk").first().state == "done"
        if run:
            for name, value in results.items():
                figures[name].append(value)
    print(f"runs: {args.runs}; load average: {os.getloadavg()[0]:.1f}")
    medians = {}
    for name, values in figures.items():
        wall = statistics.median(v[0] for v in values) * 1000
        cpu = statistics.median(v[1] for v in values) * 1000
        medians[name] = (wall, cpu)
        print(f"{name:<6} wall {wall:8.1f} ms   CPU {cpu:8.1f} ms")
    print(
        f"queue / sync: wall {medians['queue'][0] / medians['sync'][0]:.2f} ×, "
        f"CPU {medians['queue'][1] / medians['sync'][1]:.2f} ×"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
