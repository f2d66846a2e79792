"""``itbforms evaluation read``: a filled 年度运行情况汇总表 → JSON; exit 1 with the rows' problems on
stderr, 2 (one line) for a file that is not the summary."""

from __future__ import annotations

import json

from service.cli import main
from templates.annual_summary import annual_summary_xlsx
from tests.extractor.annual_bundles import RESULT, evaluated, fill_all, screened


def test_read_prints_the_evaluations_and_exits_0(tmp_path, capsys):
    path = tmp_path / "汇总表.xlsx"
    path.write_bytes(evaluated(annual_summary_xlsx(screened()["units"]), fill_all))
    assert main(["evaluation", "read", str(path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["counts"] == {"platforms": 10, "合格": 9, "不合格": 1, "未评价": 0, "problems": 0}
    assert [e["result"] for e in out["evaluations"]].count("不合格") == 1


def test_an_invalid_result_exits_1_and_names_the_row(tmp_path, capsys):
    def edit(ws):
        fill_all(ws)
        ws.cell(row=5, column=RESULT, value="合格？")

    path = tmp_path / "汇总表.xlsx"
    path.write_bytes(evaluated(annual_summary_xlsx(screened()["units"]), edit))
    out_path = tmp_path / "评价.json"
    assert main(["evaluation", "read", str(path), "-o", str(out_path)]) == 1
    err = capsys.readouterr().err
    assert "汇总表.xlsx“年度评价”第5行" in err and "实际为“合格？”" in err
    assert json.loads(out_path.read_text(encoding="utf-8"))["counts"]["problems"] == 1


def test_a_file_that_is_not_the_summary_exits_2_with_one_line(tmp_path, capsys):
    path = tmp_path / "说明.xlsx"
    path.write_bytes(b"not a workbook")
    assert main(["evaluation", "read", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("itbforms evaluation: 说明.xlsx") and "\n" not in err
