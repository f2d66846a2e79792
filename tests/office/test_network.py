"""LibreOffice reaches no server an uploaded document points at (server-side request forgery): a real
listener on 127.0.0.1, documents linking an image, a section, a template at it, converted through the pool.

Two walls, each tested alone: the copy LibreOffice opens has no external reference (``office.links``), and
soffice runs in a network namespace (``office.sandbox``) — the only wall for a binary .doc, which keeps the
link and which we cannot rewrite."""

from __future__ import annotations

import pytest

from extractor import parse_bytes
from office import convert
from office.libreoffice import current_pool
from office.sandbox import prefix
from tests.extractor.conftest import _convert_legacy
from tests.office.linked import Listener, linked_docx, linked_ods, linked_odt
from tests.service.api_calls import post_file

pytestmark = [pytest.mark.soffice, pytest.mark.xdist_group("templates-pdf")]


@pytest.mark.parametrize("sandbox", ["1", "0"])
def test_linked_documents_parse_and_reach_nothing(sandbox, fresh_pool, client, tmp_path) -> None:
    """Uploaded to /api/v1/parse (ODT/ODS through LibreOffice) and printed (DOCX → PDF): the fields come
    back and the listener hears nothing — with the sandbox, and without it (the links are gone)."""
    fresh_pool.setenv("ITBFORMS_OFFICE_SANDBOX", sandbox)
    with Listener() as listener:
        docs = {
            "申报书.docx": linked_docx(listener),
            "申报书.odt": linked_odt(listener, tmp_path),
            "年度报告.ods": linked_ods(listener, tmp_path),
        }
        made = len(listener.requests)  # saving them as ODF (outside the pool) may have fetched
        for name, data in docs.items():
            response, _ = post_file(client, "/api/v1/parse", data, name)
            body = response.get_json()
            assert response.status_code == 200, body
            assert body["form"] == ("annex2" if name.endswith(".ods") else "annex1")
            assert body["record"]["applicant"]["name"] if body["form"] == "annex1" else body["record"]
        (tmp_path / "申报书.docx").write_bytes(docs["申报书.docx"])
        pdf = convert(tmp_path / "申报书.docx", "pdf", tmp_path / "pdf")
        assert pdf.read_bytes().startswith(b"%PDF")
        assert listener.requests[made:] == []
    pool = current_pool()
    assert pool is not None and pool.starts >= 1  # it was the pool that converted


def test_the_sandbox_alone_stops_a_word97_file(fresh_pool, tmp_path) -> None:
    """A .doc keeps the linked picture (LibreOffice, outside the sandbox, fetches it) and cannot be
    rewritten: through the pool in its network namespace, nothing arrives."""
    if not prefix():
        pytest.skip("no network namespace can be made on this machine")
    with Listener() as listener:
        src = tmp_path / "linked.docx"
        src.write_bytes(linked_docx(listener))
        (tmp_path / "linked.doc").write_bytes(_convert_legacy([src], "doc", tmp_path / "doc")[0])
        fetched_by_plain_soffice = len(listener.requests)
        result = parse_bytes((tmp_path / "linked.doc").read_bytes(), "申报书.doc")
        assert (result.form, result.kind) == ("annex1", "doc")
        assert result.record["applicant"]["name"]
        assert fetched_by_plain_soffice > 0  # the link is real: a soffice with network follows it …
        assert len(listener.requests) == fetched_by_plain_soffice  # … ours did not
