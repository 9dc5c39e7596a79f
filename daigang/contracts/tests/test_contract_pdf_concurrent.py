"""Contract PDFs rendered by several threads at once (two contracts completing together on
PostgreSQL, each in its own request thread) all come out whole: the embedded font's subset
state is not shared between renders."""

from __future__ import annotations

import io
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader

from daigang.contracts.pdf import contract_pdf_render
from daigang.contracts.testing import hire_make, signed_contract_make

pytestmark = pytest.mark.django_db
RENDERS = 6


@pytest.fixture
def _eager_thread_switches():
    """Hand the GIL over often, as a busy server does, so the renders really interleave."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(before)


def test_eight_threads_rendering_contract_pdfs_at_once_each_get_a_whole_readable_pdf(
    _eager_thread_switches,
):
    # given: a signed contract and its signatures, read once in this thread
    contract = signed_contract_make(hire_make())
    signatures = list(contract.signatures.order_by("signed_at"))
    start = threading.Barrier(8)

    def render(n: int) -> bytes:
        start.wait()
        pdfs = []
        for _ in range(RENDERS):
            pdfs.append(
                contract_pdf_render(
                    contract=contract, signatures=signatures, content_sha256=f"{n:064x}"
                )
            )
        return pdfs[-1]

    # when: eight threads render at the same moment, RENDERS times each
    with ThreadPoolExecutor(max_workers=8) as pool:
        pdfs = list(pool.map(render, range(8)))

    # then: every PDF reads back with its own fingerprint and the Chinese text
    for n, pdf in enumerate(pdfs):
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        assert "劳动合同" in text
        assert f"{n:064x}" in text.replace("\n", "")
