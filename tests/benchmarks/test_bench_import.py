"""Benchmark, run on demand: uv run pytest tests/benchmarks/test_bench_import.py -s

Builds a 100-page DOCX and a 100-page PDF of a generated Norwegian action plan and
prints how long `read_document` takes on each (the median of a few rounds), and
the whole import through `structure.read_plan` where it exists. Each must stay
under 10 seconds.
"""

import importlib
import statistics
import time

from plans.importing.readers import read_document
from tests.import_documents import docx_from_text, generated_plan_text, pdf_from_text

PAGES = 100
ROUNDS = 3
LIMIT_SECONDS = 10.0


def _median(work) -> tuple[float, object]:
    samples = []
    result = None
    for _ in range(ROUNDS):
        start = time.perf_counter()
        result = work()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def _read_plan():
    try:
        structure = importlib.import_module("plans.importing.structure")
    except ImportError:
        return None
    return getattr(structure, "read_plan", None)


def test_import_times(db):
    text = generated_plan_text(PAGES)
    start = time.perf_counter()
    documents = {"docx": docx_from_text(text), "pdf": pdf_from_text(text)}
    print(f"\nbuilt both documents in {time.perf_counter() - start:.1f} s")
    read_plan = _read_plan()
    for kind, data in documents.items():
        seconds, blocks = _median(lambda data=data, kind=kind: read_document(data, f"plan.{kind}"))
        pages = _page_count(kind, data)
        print(
            f"{kind}: {len(data) / 1024:.0f} KiB, {pages} pages, {len(blocks)} blocks: "
            f"read_document {seconds:.2f} s"
        )
        assert seconds < LIMIT_SECONDS
        if read_plan is not None:
            whole, _plan = _median(
                lambda data=data, kind=kind: read_plan(
                    read_document(data, f"plan.{kind}"), filename=f"plan.{kind}"
                )
            )
            print(f"{kind}: read_document + read_plan {whole:.2f} s")
            assert whole < LIMIT_SECONDS


def _page_count(kind: str, data: bytes) -> str:
    if kind != "pdf":
        return "~100"
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        return str(len(pdf))
    finally:
        pdf.close()
