"""``parse_bytes`` / ``parse_file``: format from the bytes, form detection, the JSON, unusable files."""

from __future__ import annotations

import io
import json
import zipfile

import openpyxl
import pytest

from extractor import ParseResult, UnreadableFile, UnsupportedFile, parse_bytes, parse_file
from extractor.settings import Limits
from forms.errors import FormsError
from tests.extractor.ooxml import docx_bytes, p, tbl, tc, tr
from tests.extractor.pdfs import pdf_pages


def test_the_format_comes_from_the_bytes_not_the_name(documents):
    result = parse_bytes(documents["annex2.xlsx"], "年度运行情况表.pdf")
    assert result.kind == "xlsx" and result.form == "annex2"
    assert parse_bytes(documents["annex1.docx"], "申报书.xlsx").kind == "docx"


def test_to_dict_is_the_parse_json(documents, examples):
    result = parse_bytes(documents["annex1.docx"], "申报书.docx")
    out = result.to_dict()
    assert json.loads(json.dumps(out, ensure_ascii=False)) == out
    assert out["form"] == "annex1" and out["schema_version"] == "1.0"
    assert (
        out["record"]["form"] == "annex1"
        and out["record"]["applicant"]["staff_total"]
        == (examples["annex1"].record["applicant"]["staff_total"])
    )
    assert out["problems"] == []
    assert set(out["provenance"]["applicant.staff_total"]) >= {"file", "page", "table", "row", "col"}
    assert out["provenance"]["applicant.staff_total"]["file"] == "申报书.docx"
    assert "checks" not in out  # the checks are the application's (service.workflows.parse)


def test_problems_in_the_json_carry_field_code_severity_message_and_raw():
    data = docx_bytes(
        p("工业和信息化部产业技术基础公共服务平台申报书"),
        tbl(tr(tc("单位名称"), tc("某检测中心")), tr(tc("从业人员总数（人）"), tc("很多"))),
    )
    out = parse_bytes(data, "a.docx").to_dict()
    (problem,) = [x for x in out["problems"] if x["field"] == "applicant.staff_total"]
    assert problem == {
        "field": "applicant.staff_total",
        "code": "invalid_number",
        "severity": "error",
        "message": "从业人员总数（人）：无法识别为数字：很多",
        "raw": "很多",
    }
    assert out["record"]["applicant"]["staff_total"] is None


def test_the_form_is_detected_from_its_title_and_can_be_forced(documents):
    titled = docx_bytes(p("产业技术基础公共服务平台年度运行情况表"), tbl(tr(tc("平台名称"), tc("某平台"))))
    result = parse_bytes(titled, "x.docx")
    assert result.form == "annex2" and result.record["header"]["platform_name"] == "某平台"
    untitled = docx_bytes(tbl(tr(tc("平台名称"), tc("某平台"))))
    with pytest.raises(UnsupportedFile, match="--form"):
        parse_bytes(untitled, "x.docx")
    forced = parse_bytes(untitled, "x.docx", form="annex1")
    assert forced.form == "annex1" and forced.record["cover"]["platform_name"] == "某平台"


def test_parse_file_reads_a_path_and_names_it(tmp_path, documents):
    path = tmp_path / "年度运行情况表.xlsx"
    path.write_bytes(documents["annex2.xlsx"])
    result = parse_file(path)
    assert isinstance(result, ParseResult) and result.file == "年度运行情况表.xlsx"
    assert parse_file(str(path), filename="上传.xlsx").provenance["header.uscc"]["file"] == "上传.xlsx"


def test_a_pdf_without_a_text_layer_and_nothing_recognised_is_unreadable():
    with pytest.raises(UnreadableFile, match="扫描件/无文本层") as err:
        parse_bytes(pdf_pages(["image"]), "扫描件.pdf")
    assert isinstance(err.value, FormsError) and isinstance(err.value, ValueError)
    assert "扫描件.pdf" in str(err.value)


def test_a_corrupt_docx_is_unreadable(documents):
    data = documents["annex1.docx"]
    with pytest.raises(UnreadableFile, match="损坏.docx"):
        parse_bytes(data[: len(data) // 3], "损坏.docx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("word/document.xml", "<w:document xmlns:w='x'><w:body>")
    with pytest.raises(UnreadableFile, match="XML"):
        parse_bytes(out.getvalue(), "坏.docx")


def test_an_xlsx_that_is_not_one_of_our_forms_is_unsupported():
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "部门", "工资"])
    wb.active.append(["张三", "财务部", 8000])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(UnsupportedFile, match="工资表.xlsx.*不是《产业技术基础公共服务平台申报书》"):
        parse_bytes(out.getvalue(), "工资表.xlsx")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "文件为空"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "图片"),
        (b"hello, world", "不是可识别的文件类型"),
    ],
)
def test_other_files_are_unsupported(data, expected):
    with pytest.raises(UnsupportedFile, match=expected):
        parse_bytes(data, "x.bin")


def test_a_file_over_the_size_limit_is_refused_before_reading(documents):
    with pytest.raises(UnreadableFile, match="文件过大"):
        parse_bytes(documents["annex1.docx"], "big.docx", limits=Limits(max_file_bytes=1000))


@pytest.mark.parametrize(
    ("name", "chosen", "hint"),
    [
        ("annex1.docx", "annex2", "文件看起来是申报书（附件1），而不是所选的年度运行情况表（附件2）"),
        ("annex2.xlsx", "annex1", "文件看起来是年度运行情况表（附件2），而不是所选的申报书（附件1）"),
    ],
)
def test_a_file_parsed_as_the_other_form_says_which_form_it_looks_like(documents, name, chosen, hint):
    result = parse_bytes(documents[name], name, form=chosen)
    assert result.form == chosen  # the choice is honoured …
    assert result.problems[0].message.startswith(hint)  # … and the first problem says it looks wrong
    assert result.problems[0].field is None
    right = parse_bytes(documents[name], name, form="annex1" if chosen == "annex2" else "annex2")
    assert all(p.code != "other_form" for p in right.problems)
