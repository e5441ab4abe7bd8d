"""What the page benchmarks share: timing requests through Django's test client and printing
the median and the 95th percentile (nearest rank)."""

import math
import statistics
import time


def timed(client, url: str, runs: int, *, warm: bool = True) -> list[float]:
    """`runs` timed GETs of `url` (after one untimed request when `warm`), in seconds."""
    if warm:
        client.get(url)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def report(name: str, samples: list[float], width: int = 44) -> None:
    print(
        f"{name:<{width}} median {statistics.median(samples) * 1000:7.1f} ms   "
        f"p95 {p95(samples) * 1000:7.1f} ms   ({len(samples)} requests)",
        flush=True,
    )
