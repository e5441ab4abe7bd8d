"""Benchmark: how long an official document (公文) takes to render, and how big its PDF is.

Renders, after one warm-up render of each, a 2-page notice and a 20-page document N times each
with documents.rendering.render_pdf (layout + one PDF; fonts subset and embedded), and prints
the median and p95 seconds and the PDF sizes, then PASS/FAIL against the targets:

    2-page notice:    p95 ≤ 1 s and PDF ≤ 300 KB
    20-page document: p95 ≤ 5 s

    cd /work/main && XIETONG_ENV=development .venv/bin/python bench/bench_documents.py
    ... bench/bench_documents.py --runs 30          # more runs
    ... bench/bench_documents.py --archival         # also time plain + PDF/A-2b (as issuing does)

Exits with status 1 if a target is missed. No database is needed.
"""

import argparse
import math
import os
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("XIETONG_ENV", "development")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

KB = 1024
TARGETS = {  # name: (p95 seconds, PDF bytes or None)
    "2-page notice": (1.0, 300 * KB),
    "20-page document": (5.0, None),
}
TARGET_TEXT = ["2-page p95 ≤ 1 s and PDF ≤ 300 KB", "20-page p95 ≤ 5 s"]


def page_count(content) -> int:
    from documents.rendering import render_document, render_html

    return len(render_document(render_html(content)).pages)


def two_page_notice():
    """The sample notice, its body cut paragraph by paragraph until it takes two pages."""
    from documents.types import sample_content

    content = sample_content("notice")
    paragraphs = content.body.split("\n")
    while page_count(content) > 2 and len(paragraphs) > 1:
        paragraphs.pop()
        content = replace(content, body="\n".join(paragraphs))
    return content


def twenty_page_document():
    """The sample work report with its body repeated, cut to exactly 20 pages."""
    from documents.types import sample_content

    content = sample_content("report")
    paragraphs = content.body.split("\n")
    pool = paragraphs * 40

    def pages(n: int) -> int:
        return page_count(replace(content, body="\n".join(pool[:n])))

    # the largest number of paragraphs that still fits in 20 pages (binary search)
    low, high = len(paragraphs), len(pool)
    while low < high:
        middle = (low + high + 1) // 2
        if pages(middle) <= 20:
            low = middle
        else:
            high = middle - 1
    return replace(content, body="\n".join(pool[:low]))


def p95(samples: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed(render, content, runs: int) -> tuple[list[float], bytes]:
    render(content)  # warm-up: fonts, stylesheet, seal lettering
    samples, data = [], b""
    for _ in range(runs):
        start = time.perf_counter()
        data = render(content)
        samples.append(time.perf_counter() - start)
    return samples, data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="renders per document (default 10)")
    parser.add_argument(
        "--archival", action="store_true", help="also time render_pdfs (plain + PDF/A-2b)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from documents.rendering import render_pdf, render_pdfs

    print("preparing documents …", flush=True)
    documents = {"2-page notice": two_page_notice(), "20-page document": twenty_page_document()}
    ok = True
    print(f"{'document':<18} {'pages':>5} {'median s':>9} {'p95 s':>7} {'PDF KB':>8}  result")
    for name, content in documents.items():
        pages = page_count(content)
        samples, data = timed(render_pdf, content, args.runs)
        limit_s, limit_bytes = TARGETS[name]
        failures = []
        if p95(samples) > limit_s:
            failures.append(f"p95 > {limit_s:g} s")
        if limit_bytes is not None and len(data) > limit_bytes:
            failures.append(f"PDF > {limit_bytes // KB} KB")
        expected_pages = int(name.split("-")[0])
        if pages != expected_pages:
            failures.append(f"{pages} pages, not {expected_pages}")
        ok &= not failures
        print(
            f"{name:<18} {pages:>5} {statistics.median(samples):>9.3f} {p95(samples):>7.3f} "
            f"{len(data) / KB:>8.1f}  {'FAIL: ' + ', '.join(failures) if failures else 'PASS'}"
        )
        if args.archival:
            samples, (plain, archival) = timed(render_pdfs, content, args.runs)
            print(
                f"{'  + PDF/A-2b':<18} {pages:>5} {statistics.median(samples):>9.3f} "
                f"{p95(samples):>7.3f} {len(archival) / KB:>8.1f}  (plain and archival copy, "
                "one layout; no target)"
            )
    print(f"runs per document: {args.runs}; targets: " + "; ".join(TARGET_TEXT))
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
