"""Hostile files that go through LibreOffice, and what a killed LibreOffice leaves behind: a real Word 97
file renamed .docx (read by its content), a damaged one (refused, with LibreOffice's reason), a filled
application PDF cut in half, and a conversion killed at its timeout (no socket, no scratch file left)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from docx import Document

from extractor import parse_bytes
from office.libreoffice import ConversionTimeout, convert
from office.processes import ipc_pipe_paths
from tests.extractor.conftest import _convert_legacy
from tests.hostile.checks import check_api, check_cli, check_library
from tests.hostile.corpus import UNREADABLE, Item, good_docx, junk_word97
from tests.hostile.harness import leftovers
from tests.service.api_calls import post_file

pytestmark = [pytest.mark.soffice, pytest.mark.xdist_group("hostile-office")]

NAMES = ("junk-word97.docx", "truncated-form.pdf")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, bytes]:
    """The example application as LibreOffice prints it (PDF) and saves it in Word 97 format (.doc)."""
    tmp = tmp_path_factory.mktemp("office")
    src = tmp / "annex1.docx"
    src.write_bytes(good_docx())
    pdf = convert(src, "pdf", tmp / "pdf").read_bytes()
    return {"pdf": pdf, "doc": _convert_legacy([src], "doc", tmp / "doc")[0]}


@pytest.fixture(scope="module")
def items(converted) -> dict[str, Item]:
    pdf = converted["pdf"]
    return {
        item.name: item
        for item in (
            Item(
                "junk-word97.docx",
                "a compound file with a WordDocument stream of garbage, named .docx",
                junk_word97(),
                UNREADABLE("无法用 LibreOffice 转换"),
            ),
            Item(
                "truncated-form.pdf",
                "the filled application PDF cut in half",
                pdf[: len(pdf) // 2],
                UNREADABLE("已损坏"),
            ),
        )
    }


@pytest.mark.parametrize("name", NAMES)
def test_library(name: str, items) -> None:
    check_library(items[name])


@pytest.mark.parametrize("name", NAMES)
def test_cli(name: str, items, tmp_path, private_tmp) -> None:
    check_cli(items[name], tmp_path, private_tmp)


@pytest.mark.parametrize("name", NAMES)
def test_api(name: str, items, client, private_tmp) -> None:
    check_api(items[name], client, private_tmp)


def test_a_word97_file_renamed_docx_is_read_by_its_content(converted, client, private_tmp) -> None:
    """The name is only a hint: a .doc named .docx is a Word 97 file, converted and read, not refused."""
    result = parse_bytes(converted["doc"], "申报书.docx")
    assert (result.form, result.kind) == ("annex1", "doc")
    assert result.record["applicant"]["name"]
    response, _ = post_file(client, "/api/v1/parse", converted["doc"], "申报书.docx")
    assert response.status_code == 200 and response.get_json()["form"] == "annex1"
    assert leftovers(private_tmp) == []


def test_a_killed_conversion_leaves_no_socket_and_no_scratch_file(tmp_path, private_tmp) -> None:
    """soffice killed at its timeout cannot remove its IPC socket (``/tmp/OSL_PIPE_…``) nor its ``lu*.tmp``
    files: the socket is removed by name, the scratch files were made in the call's own directory."""
    doc = Document()
    for n in range(6000):
        doc.add_paragraph(f"第 {n} 段：产业技术基础公共服务平台年度运行情况。" * 3)
    src = tmp_path / "long.docx"
    doc.save(str(src))
    prefix = f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_"
    seen: set[str] = set()
    stop = threading.Event()

    def watch() -> None:  # the sockets that appear in /tmp while soffice runs
        while not stop.is_set():
            seen.update(n for n in os.listdir("/tmp") if n.startswith(prefix))
            stop.wait(0.02)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with pytest.raises(ConversionTimeout) as caught:
            convert(src, "pdf", tmp_path / "out", timeout=3)
    finally:
        stop.set()
        watcher.join()
    socket = ipc_pipe_paths(Path(caught.value.profile))[0]
    assert socket.name in seen  # the name is computed right: soffice made exactly this socket …
    assert not socket.exists()  # … and it is gone
    assert leftovers(private_tmp) == []
