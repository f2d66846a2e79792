"""Screening a bundle: real Word files (and, for the standard bundle, their PDFs through LibreOffice) in a
zip with GBK names and sub-folders → units, verdicts, Word/PDF differences, duplicates, failed files."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from extractor.bundle_zip import BundleLimits, UnsafeBundle
from extractor.errors import UnsupportedFile
from extractor.settings import Limits
from forms import ANNEX1
from forms.checks import run_checks
from forms.problems import Problem, Severity
from service.bundles.files import FileOutcome
from service.bundles.screen import (
    Progress,
    Unit,
    compare_records,
    group_applications,
    normalise,
    screen_bundle,
)
from tests.extractor.bundles import (
    DUPLICATE,
    ELIGIBLE,
    INCOMPLETE,
    INELIGIBLE,
    MISMATCH,
    make_zip,
    unit_record,
    uscc,
)
from tests.service.bundles.fixtures import (
    RECOMMENDER,
    SOFFICE_GROUP,
    docx,
    standard_case,
    standard_report,
    word_only_bundle,
)

# --- the standard bundle (Word + PDF, LibreOffice) ----------------------------------------------------------


@pytest.fixture(scope="module")
def report() -> dict:
    data = standard_report().to_dict()
    json.dumps(data)  # the report is JSON as it is
    return data


def failing(unit: dict) -> dict[str, bool | None]:
    return {c["rule"]: c["passed"] for c in unit["checks"] if c["passed"] is not True}


@pytest.mark.soffice
@SOFFICE_GROUP
def test_standard_bundle_units_in_input_order(report):
    units = report["units"]
    assert [u["folder"] for u in units] == [ELIGIBLE, INELIGIBLE, INCOMPLETE, MISMATCH, DUPLICATE]
    assert [u["seq"] for u in units] == [1, 2, 3, 4, 5]
    assert [u["verdict"] for u in units] == ["eligible", "ineligible", "incomplete", "eligible", "eligible"]
    assert [u["verdict_label"] for u in units] == ["符合", "不符合", "待补充", "符合", "符合"]
    assert [u["uscc"] for u in units] == [uscc(1), uscc(2), uscc(3), uscc(4), uscc(1)]
    assert report["bundle"] == "推荐材料.zip" and report["recommender"] == RECOMMENDER
    assert report["counts"] == {
        "files": 9,
        "units": 5,
        "eligible": 3,
        "ineligible": 1,
        "incomplete": 1,
        "failed_files": 2,
        "skipped": 1,
        "duplicates": 2,
        "with_differences": 1,
    }


@pytest.mark.soffice
@SOFFICE_GROUP
def test_word_and_pdf_of_one_unit_are_one_unit_and_agree(report):
    unit = report["units"][0]
    assert unit["files"] == [
        {"name": f"{ELIGIBLE}/申报书.docx", "kind": "docx", "role": "primary"},
        {"name": f"{ELIGIBLE}/申报书（盖章）.pdf", "kind": "pdf", "role": "compared"},
    ]
    assert unit["differences"] == []
    assert unit["record"]["applicant"]["name"] == "测试单位001检测中心"
    assert unit["record"]["form"] == "annex1"


@pytest.mark.soffice
@SOFFICE_GROUP
def test_a_pdf_that_disagrees_with_its_word_file_is_reported_field_by_field(report):
    unit = report["units"][3]
    assert [f["kind"] for f in unit["files"]] == ["docx", "pdf"]
    assert unit["differences"] == [
        {
            "field": "applicant.staff_total",
            "label": "从业人员总数（人）",
            "values": [
                {"file": f"{MISMATCH}/申报书.docx", "kind": "docx", "value": "186"},
                {"file": f"{MISMATCH}/申报书.pdf", "kind": "pdf", "value": "168"},
            ],
            "uncertain": False,  # a text PDF: the applicant's inconsistency, not the recognition's
        }
    ]
    assert unit["notes"] == [
        "Word与PDF文件内容不一致：从业人员总数（人）",
        "PDF 文件中“申报单位（盖章）”处未见印章",  # LibreOffice's print was never stamped
    ]
    assert unit["seal"] == "未见印章"
    # the unit's record and checks are the Word file's
    assert unit["record"]["applicant"]["staff_total"] == 186


@pytest.mark.soffice
@SOFFICE_GROUP
def test_ineligible_and_incomplete_units_say_why(report):
    assert failing(report["units"][1]) == {"E-STAFF": False}
    incomplete = report["units"][2]
    assert failing(incomplete) == {"V-REQ": False, "E-ASSETS": None}
    v_req = next(c for c in incomplete["checks"] if c["rule"] == "V-REQ")
    assert set(v_req["fields"]) == {"applicant.equipment_value", "applicant.service_revenue"}


@pytest.mark.soffice
@SOFFICE_GROUP
def test_the_same_code_in_two_applications_is_a_duplicate(report):
    first, again = report["units"][0], report["units"][4]
    assert first["duplicates"] == [5] and again["duplicates"] == [1]
    assert again["notes"] == ["重复申报：统一社会信用代码与第1项相同"]
    assert [u["duplicates"] for u in report["units"][1:4]] == [[], [], []]


@pytest.mark.soffice
@SOFFICE_GROUP
def test_non_forms_corrupt_files_and_clutter_are_listed_with_the_reason(report):
    assert report["failed"] == [
        {
            "name": "推荐说明.txt",
            "status": "not_form",
            "status_label": "不是表单",
            "reason": "不是可识别的文件类型；请上传 Word（.docx/.doc/.wps）、PDF 或 Excel（.xlsx/.xls/.et）",
        },
        {
            "name": "06-戊单位/申报书.docx",
            "status": "unreadable",
            "status_label": "无法读取",
            "reason": "文件已损坏，无法作为压缩包打开（File is not a zip file）",
        },
    ]
    assert report["skipped"] == [
        {
            "name": "__MACOSX/01-甲单位/._申报书.docx",
            "code": "skipped",
            "message": "系统或临时文件（__MACOSX、._*、~$、.DS_Store 等），已跳过",
        }
    ]
    by_name = {f["name"]: f for f in report["files"]}
    assert by_name[f"{ELIGIBLE}/申报书（盖章）.pdf"]["unit"] == 1
    assert by_name[f"{MISMATCH}/申报书.pdf"]["role"] == "compared"
    assert by_name["推荐说明.txt"]["unit"] is None


@pytest.mark.soffice
@SOFFICE_GROUP
def test_a_process_pool_gives_the_same_report():
    pooled = screen_bundle(standard_case().data, name="推荐材料.zip", recommender=RECOMMENDER, workers=2)
    serial = standard_report()
    strip = lambda d: {k: v for k, v in d.items() if k not in ("generated_at", "seconds")}  # noqa: E731
    assert strip(pooled.to_dict()) == strip(serial.to_dict())


# --- Word-only bundles (no LibreOffice) ---------------------------------------------------------------------


def test_progress_lists_the_files_then_reports_each():
    events: list[Progress] = []
    result = screen_bundle(word_only_bundle(), name="b.zip", progress=events.append)
    first = events[0]
    assert first.file is None and first.done == 0 and first.total == 3
    assert [f.name for f in first.files] == ["甲单位/申报书.docx", "乙单位/申报书.docx", "说明.txt"]
    assert all(f.status == "queued" for f in first.files)
    assert [e.done for e in events[1:]] == [1, 2, 3]
    assert sorted(e.file.status for e in events[1:]) == ["not_form", "parsed", "parsed"]
    assert [u.verdict for u in result.units] == ["eligible", "ineligible"]


def test_an_annual_report_in_a_bundle_is_parsed_and_kept_out_of_the_application_units(annex2_json):
    from forms.records import load_record  # noqa: PLC0415
    from templates.render import fill  # noqa: PLC0415

    annual = fill("annex2", load_record(annex2_json).record, "docx")
    data = make_zip([("甲/申报书.docx", docx(unit_record(21))), ("甲/年报.docx", annual)])
    result = screen_bundle(data, name="b.zip")
    assert len(result.units) == 1 and result.failed == []
    (report,) = [f for f in result.files if f.name == "甲/年报.docx"]
    assert (report.status, report.form, report.unit) == ("parsed", "annex2", None)
    assert report.record is not None and report.record["header"]["uscc"] == "91320594MA1T6KQ853"


def test_units_without_a_code_are_grouped_by_name_and_duplicates_found_by_name():
    nameless = unit_record(31, applicant__uscc=None)
    data = make_zip([("a/申报书.docx", docx(nameless)), ("b/申报书.docx", docx(nameless))])
    result = screen_bundle(data, name="b.zip")
    assert [u.duplicates for u in result.units] == [[2], [1]]
    assert result.units[0].verdict == "incomplete"  # the code is required


@pytest.mark.parametrize("workers", [1, 2])
def test_each_file_is_read_within_the_document_limits(workers):
    """The per-document bounds (``ITBFORMS_MAX_FILE_BYTES`` …) hold for every file, in the pool too."""
    result = screen_bundle(
        word_only_bundle(), name="b.zip", workers=workers, document_limits=Limits(max_file_bytes=4096)
    )
    states = {f.name: (f.status, f.reason) for f in result.files}
    assert states["甲单位/申报书.docx"][0] == "unreadable" and "文件过大" in states["甲单位/申报书.docx"][1]
    assert states["说明.txt"] == ("not_form", states["说明.txt"][1])  # small enough to be read and judged
    assert result.units == []


def test_bundle_level_errors_raise():
    with pytest.raises(UnsupportedFile):
        screen_bundle(b"not a zip", name="x.zip")
    with pytest.raises(UnsafeBundle):
        screen_bundle(word_only_bundle(), name="x.zip", limits=BundleLimits(max_entries=2))


# --- grouping and comparing, on values -------------------------------------------------------------------


def outcome(index: int, name: str, kind: str, code: str | None, unit_name: str = "甲") -> FileOutcome:
    folder = name.rpartition("/")[0]
    record = {"applicant": {"uscc": code, "name": unit_name}, "cover": {}}
    return FileOutcome(index, name, folder, status="parsed", kind=kind, form="annex1", record=record)


def test_a_units_files_in_one_folder_are_one_unit_typed_first_and_another_folder_is_another():
    files = [
        outcome(0, "甲/申报书.doc", "doc", "A"),
        outcome(1, "甲/申报书.docx", "docx", "A"),
        outcome(2, "甲/申报书.pdf", "pdf", "A"),
        outcome(3, "乙/申报书.pdf", "pdf", "B", "乙"),
        outcome(4, "乙/申报书.docx", "docx", "B", "乙"),
        outcome(5, "丙/申报书.docx", "docx", "A"),  # the same unit again, in another folder
        outcome(6, "甲/另一单位.docx", "docx", "C", "丙"),  # another unit in the same folder
    ]
    groups = [[f.index for f in app] for app in group_applications(files)]
    assert groups == [[1, 0, 2], [4, 3], [5], [6]]


def test_a_pdf_whose_code_was_misread_still_joins_its_word_file():
    files = [
        outcome(0, "甲/申报书.docx", "docx", "913200000000000011"),
        outcome(1, "甲/申报书.pdf", "pdf", "9I32"),
    ]
    assert [[f.index for f in app] for app in group_applications(files)] == [[0, 1]]
    pdf_first = [files[1], files[0]]
    pdf_first[0].index, pdf_first[1].index = 0, 1
    assert [[f.index for f in app] for app in group_applications(pdf_first)] == [[1, 0]]
    elsewhere = [
        outcome(0, "甲/申报书.docx", "docx", "913200000000000011"),
        outcome(1, "乙/申报书.pdf", "pdf", "9I32"),
    ]
    assert [[f.index for f in app] for app in group_applications(elsewhere)] == [[0], [1]]


def test_comparison_is_on_normalised_values():
    a = unit_record(1)
    b = unit_record(1)
    b["applicant"]["name"] = " 测试单位 001 检测中心 "  # spacing beside CJK: a font metric in print
    b["applicant"]["address"] = a["applicant"]["address"].replace("1688", "１６８８")  # full-width digits
    b["applicant"]["staff_total"] = Decimal("186.0")
    b["platform"]["service_scopes"] = list(reversed(a["platform"]["service_scopes"]))
    b["performance"]["cases"] = a["performance"]["cases"][:-1]
    fa, fb = FileOutcome(0, "a.docx", kind="docx"), FileOutcome(1, "a.pdf", kind="pdf")
    differences = compare_records(ANNEX1, a, b, fa, fb)
    fields = [d["field"] for d in differences]
    n = len(a["performance"]["cases"])
    assert fields[0] == "performance.cases.rows"
    assert differences[0]["values"][0]["value"] == str(n) and differences[0]["values"][1]["value"] == str(
        n - 1
    )
    assert all(f.startswith(f"performance.cases.{n - 1}.") for f in fields[1:])
    assert differences[1]["values"][1]["value"] == "（空）"
    assert normalise([1, 2]) == normalise([Decimal("2.0"), 1])


def test_spacing_alone_is_no_difference_but_a_space_between_digits_is():
    a = unit_record(1)
    b = unit_record(1)
    a["performance"]["cases"][1]["client"] = "江苏省内 46 家机床用户企业"
    b["performance"]["cases"][1]["client"] = "江苏省内46家机床用户企业"
    a["applicant"]["address"] = "南京市 1688 号"
    b["applicant"]["address"] = "南京市 16 88 号"
    fa, fb = FileOutcome(0, "a.docx", kind="docx"), FileOutcome(1, "a.pdf", kind="pdf")
    differences = compare_records(ANNEX1, a, b, fa, fb)
    assert [d["field"] for d in differences] == ["applicant.address"]
    assert [v["value"] for v in differences[0]["values"]] == ["南京市 1688 号", "南京市 16 88 号"]


def test_a_units_two_word_files_in_one_folder_are_one_unit_and_the_same_code_elsewhere_a_duplicate():
    record = unit_record(42)
    data = make_zip(
        [
            ("江苏/甲单位/申报书.docx", docx(record)),
            ("江苏/甲单位/申报书（修改稿）.docx", docx(record)),
            ("浙江/甲单位/申报书.docx", docx(record)),
        ]
    )
    result = screen_bundle(data, name="b.zip")
    assert [[f.name for f in u.files] for u in result.units] == [
        ["江苏/甲单位/申报书.docx", "江苏/甲单位/申报书（修改稿）.docx"],
        ["浙江/甲单位/申报书.docx"],
    ]
    first = result.units[0].to_dict()
    assert [f["role"] for f in first["files"]] == ["primary", "compared"] and first["differences"] == []
    assert [u.duplicates for u in result.units] == [[2], [1]]


def test_differences_that_come_from_reading_are_not_reported_the_rest_show_both_values():
    a = unit_record(1)
    b = unit_record(1)
    case = dict(a["performance"]["cases"][0])
    title = case["title"]
    # the PDF wrapped the first case's title onto a second row (its other cells empty there)
    b["performance"]["cases"] = [
        {**case, "title": title[:6]},
        {k: (title[6:] if k == "title" else None) for k in case},
        *a["performance"]["cases"][1:],
    ]
    b["applicant"]["registered_capital"] = (
        None  # the PDF's cell held two numbers: a problem, not a difference
    )
    b["applicant"]["staff_total"] = a["applicant"]["staff_total"] + 1  # a real difference
    fa = FileOutcome(0, "a.docx", kind="docx")
    fb = FileOutcome(1, "a.pdf", kind="pdf")
    fb.problems = [
        Problem(
            "several_values", field="applicant.registered_capital", raw="5000 6000", params={"values": "x"}
        )
    ]
    differences = compare_records(ANNEX1, a, b, fa, fb)
    assert [d["field"] for d in differences] == ["applicant.staff_total"]
    values = [v["value"] for v in differences[0]["values"]]
    assert values == [str(a["applicant"]["staff_total"]), str(a["applicant"]["staff_total"] + 1)]
    # without the problem, the emptied value is the applicant's: reported
    fb.problems = []
    fields = [d["field"] for d in compare_records(ANNEX1, a, b, fa, fb)]
    assert fields == ["applicant.registered_capital", "applicant.staff_total"]


def test_a_scans_uncertain_differences_are_labelled_so_and_its_seal_reported():
    word, scan = unit_record(1), unit_record(1)
    scan["applicant"]["staff_total"] = 136  # 186 misread, the engine unsure of it
    scan["applicant"]["site_area"] = 1860  # recognised with confidence: the applicant's own inconsistency
    word["platform"]["mechanism"] = "通过 CNAS-CL01 与 RB/T 214 认可"
    scan["platform"]["mechanism"] = "通过 CNAS-CL01与RB/T214 认可"  # the engine's guess of the spaces
    unsure = Problem("ocr_uncertain", Severity.WARN, "applicant.staff_total", "136", {"confidence": "0.61"})
    fa = FileOutcome(0, "甲/申报书.docx", "甲", status="parsed", kind="docx", form="annex1", record=word)
    fb = FileOutcome(1, "甲/申报书.pdf", "甲", status="parsed", kind="scan", form="annex1", record=scan)
    fb.problems = [unsure]
    fb.seals = [{"page": 1, "bbox": [88, 394, 210, 516], "near": "申 报 单 位（盖章）"}]
    differences = compare_records(ANNEX1, word, scan, fa, fb)
    assert {d["field"]: d["uncertain"] for d in differences} == {
        "applicant.staff_total": True,
        "applicant.site_area": False,
        "platform.mechanism": True,
    }
    typed = FileOutcome(1, "甲/申报书.pdf", "甲", status="parsed", kind="pdf", form="annex1", record=scan)
    assert {d["field"]: d["uncertain"] for d in compare_records(ANNEX1, word, scan, fa, typed)} == {
        "applicant.staff_total": False,
        "applicant.site_area": False,
        "platform.mechanism": False,  # a typed PDF's spaces are the applicant's
    }
    unit = Unit(1, [fa, fb], run_checks(word, ANNEX1, kinds=("V",)), differences)
    assert unit.seal == "已盖章"
    assert unit.notes() == [
        "Word与PDF文件内容不一致：服务场所面积（平方米）",
        "扫描件有 2 处与 Word 文件不同，但系识别不确定，请对照扫描件核对",
    ]
    fb.seals = [{"page": 9, "bbox": [88, 394, 210, 516], "near": "推荐单位（盖章）"}]
    assert unit.seal == "未见印章" and unit.notes()[-1] == "PDF 文件中“申报单位（盖章）”处未见印章"
    fb.seals = None  # no PDF at all: neither
    fa.seals = None
    assert unit.seal is None
