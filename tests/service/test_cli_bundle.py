"""``itbforms bundle``: a zip of Word files in, the 推荐汇总表 and the JSON report out, progress on stderr."""

from __future__ import annotations

import json

from openpyxl import load_workbook

from service.cli import main
from tests.service.bundles.fixtures import word_only_bundle


def test_bundle_writes_the_workbook_and_the_report(tmp_path, capsys):
    bundle = tmp_path / "推荐材料.zip"
    bundle.write_bytes(word_only_bundle())
    out, report = tmp_path / "推荐汇总表.xlsx", tmp_path / "report.json"
    code = main(
        [
            "bundle",
            str(bundle),
            "-o",
            str(out),
            "--json",
            str(report),
            "--recommender",
            "江苏省工业和信息化厅",
            "--workers",
            "1",
        ]
    )
    assert code == 1  # one unit is not eligible and one file is not a form
    err = capsys.readouterr().err
    assert "3/3" in err  # the progress bar reached the end
    assert "共 3 个文件、2 个单位：符合 1，不符合 1，待补充 0；无法使用的文件 1 个" in err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["bundle"] == "推荐材料.zip" and data["recommender"] == "江苏省工业和信息化厅"
    assert [u["verdict"] for u in data["units"]] == ["eligible", "ineligible"]
    assert [f["name"] for f in data["failed"]] == ["说明.txt"]
    ws = load_workbook(out).worksheets[0]
    assert ws["A2"].value.startswith("推荐单位（盖章）：江苏省工业和信息化厅  联系人：____")
    assert [ws.cell(row=r, column=3).value for r in (4, 5)] == ["测试单位011检测中心", "测试单位012检测中心"]
    assert [ws.cell(row=r, column=17).value for r in (4, 5)] == ["符合", "不符合"]


def test_an_all_eligible_bundle_exits_0_and_quiet_prints_no_bar(tmp_path, capsys):
    from tests.extractor.bundles import make_zip, unit_record  # noqa: PLC0415
    from tests.service.bundles.fixtures import docx  # noqa: PLC0415

    bundle = tmp_path / "b.zip"
    bundle.write_bytes(make_zip([("甲/申报书.docx", docx(unit_record(41)))]))
    out = tmp_path / "汇总.xlsx"
    assert main(["bundle", str(bundle), "-o", str(out), "--quiet", "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "it/s" not in err and "个文件/s" not in err and "符合 1" in err
    assert out.exists()


def test_an_unusable_bundle_exits_2_with_a_message(tmp_path, capsys):
    bundle = tmp_path / "材料.zip"
    bundle.write_bytes(b"%PDF-1.4 not a zip")
    assert main(["bundle", str(bundle), "-o", str(tmp_path / "x.xlsx"), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "材料.zip" in err and "不是 zip 压缩包" in err and "Traceback" not in err
    assert not (tmp_path / "x.xlsx").exists()
    assert main(["bundle", str(tmp_path / "none.zip"), "--quiet"]) == 2
    assert "none.zip：文件不存在" in capsys.readouterr().err


def test_the_bundle_limits_are_the_services_settings(tmp_path, capsys, monkeypatch):
    """``ITBFORMS_BUNDLE_MAX_ENTRIES`` etc. bound the command as they bound ``POST /bundles``."""
    bundle = tmp_path / "材料.zip"
    bundle.write_bytes(word_only_bundle())
    monkeypatch.setenv("ITBFORMS_BUNDLE_MAX_ENTRIES", "2")
    assert main(["bundle", str(bundle), "-o", str(tmp_path / "x.xlsx"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "材料.zip" in err and "文件过多" in err and "上限 2 个" in err
    monkeypatch.setenv("ITBFORMS_BUNDLE_MAX_ENTRIES", "many")  # the set-up's fault, not the bundle's
    assert main(["bundle", str(bundle), "-o", str(tmp_path / "x.xlsx"), "--quiet"]) == 3
    assert "ITBFORMS_BUNDLE_MAX_ENTRIES" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_a_word_file_given_as_a_bundle_exits_2_saying_it_is_not_a_zip(tmp_path, capsys):
    from tests.extractor.bundles import unit_record  # noqa: PLC0415
    from tests.service.bundles.fixtures import docx  # noqa: PLC0415

    path = tmp_path / "申报书.docx"
    path.write_bytes(docx(unit_record(1)))
    assert main(["bundle", str(path), "-o", str(tmp_path / "x.xlsx"), "--quiet"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "申报书.docx" in err
    assert "不是 zip 压缩包，而是 Word 文档" in err and "不是表单" not in err
