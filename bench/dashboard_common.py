"""Shared by the battle-map benchmarks: time N requests of a page with Django's test
client (the whole server stack — middleware, session, view, template — without a
network hop), and print the figures."""

import statistics
import time


def time_page(client, url: str, runs: int) -> dict:
    """Time the first request (cold: nothing memoised for this data) and then ``runs``
    requests; return the figures in milliseconds."""
    start = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    times.sort()
    return {
        "cold": cold,
        "p50": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "max": times[-1],
        "runs": runs,
    }


def report(name: str, figures: dict, bar_ms: float) -> bool:
    ok = figures["p95"] < bar_ms
    print(
        f"{name}: p95 {figures['p95']:.1f} ms, p50 {figures['p50']:.1f} ms, max {figures['max']:.1f} ms "
        f"over {figures['runs']} requests; first request (cold) {figures['cold']:.0f} ms; "
        f"bar p95 < {bar_ms:.0f} ms: {'met' if ok else 'MISSED'}"
    )
    return ok
