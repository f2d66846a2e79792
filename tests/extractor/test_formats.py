"""The format registry: one entry makes a new format sniffed, read and parsed; lists and messages follow."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from extractor import formats as registry
from extractor import parse_bytes
from extractor.errors import UnsupportedFile
from extractor.formats import Format, RegistryError, accept_list, register, supported_text
from extractor.model import Cell, Paragraph, SourceDoc, Table
from extractor.settings import Limits
from extractor.sniff import sniff
from forms import ANNEX1

TOY_MAGIC = b"ITBFORMS-TSV\n"
EXAMPLE = json.loads(Path(__file__).parents[2].joinpath("examples/annex1.json").read_text("utf-8"))


def read_toy(data: bytes, filename: str, limits: Limits) -> SourceDoc:
    """A toy format: a magic line, a title line, then one ``label<TAB>value`` table row per line."""
    title, *lines = data[len(TOY_MAGIC) :].decode("utf-8").splitlines()
    rows = tuple(
        tuple(Cell(text=text, row=r, col=c) for c, text in enumerate(line.split("\t")))
        for r, line in enumerate(lines)
    )
    table = Table(rows=rows, index=0, ncols=2)
    return SourceDoc(file=filename, kind="toy", blocks=(Paragraph(text=title, index=0), table))


TOY = Format(
    kind="toy",
    family="制表符文本",
    name="制表符分隔的文本（测试用）",
    extensions=(".tsv",),
    mime_types=("text/tab-separated-values",),
    matches=lambda ev: ev.data.startswith(TOY_MAGIC),
    reader=f"{__name__}:read_toy",
)


@pytest.fixture
def toy() -> Iterator[Format]:
    yield register(TOY)
    del registry.FORMATS[TOY.kind]  # the entry goes with the test


def toy_file() -> bytes:
    paths = ("applicant.name", "applicant.uscc", "applicant.address")
    lines = [
        ANNEX1.title,
        *(f"{ANNEX1.field(p).label}\t{EXAMPLE['applicant'][p.split('.')[1]]}" for p in paths),
    ]
    return TOY_MAGIC + "\n".join(lines).encode("utf-8")


def test_one_registered_entry_makes_a_format_sniffed_read_and_parsed(toy: Format) -> None:
    assert sniff(toy_file(), "upload.bin") == "toy"
    result = parse_bytes(toy_file(), "申报书.tsv")
    assert (result.form, result.kind) == ("annex1", "toy")
    applicant = result.record["applicant"]
    assert applicant["name"] == EXAMPLE["applicant"]["name"]
    assert applicant["uscc"] == EXAMPLE["applicant"]["uscc"]
    assert applicant["address"] == EXAMPLE["applicant"]["address"]
    assert result.provenance["applicant.name"]["file"] == "申报书.tsv"


def test_the_lists_and_messages_follow_the_table(toy: Format) -> None:
    assert accept_list().endswith(",.tsv")
    assert supported_text().endswith("Excel（.xlsx/.xls/.et） 或 制表符文本（.tsv）")
    with pytest.raises(UnsupportedFile, match=r"不是可识别的文件类型；请上传 .*制表符文本（\.tsv）"):
        sniff(b"plain text", "a.txt")


def test_the_built_in_table_gives_the_documented_lists() -> None:
    assert supported_text() == "Word（.docx/.doc/.wps）、PDF 或 Excel（.xlsx/.xls/.et）"
    assert set(accept_list().split(",")) >= {
        ".docx",
        ".doc",
        ".wps",
        ".odt",
        ".pdf",
        ".xlsx",
        ".xls",
        ".et",
        ".ods",
    }


def test_a_kind_registered_twice_or_without_a_reader_is_a_registry_error(toy: Format) -> None:
    with pytest.raises(RegistryError, match="toy"):
        register(TOY)
    with pytest.raises(RegistryError, match="读取函数"):
        register(Format(kind="nothing", family="?", name="?", extensions=(), mime_types=(), matches=bool))
