"""LibreOffice conversions: isolated, parallel-safe, bounded in time, and clear when they cannot run."""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from docx import Document

from office import ConversionError, ConversionTimeout, OfficeMissing, available, convert, convert_many
from office.libreoffice import FONTS_CONF


def make_docx(path: Path, text: str) -> Path:
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(path))
    return path


def make_long_docx(path: Path, paragraphs: int = 3000) -> Path:
    """A document of some hundred pages: its conversion takes seconds, warm or cold."""
    doc = Document()
    for i in range(paragraphs):
        doc.add_paragraph(f"第 {i} 段：超时测试用的长文档，一行接一行。" * 3)
    doc.save(str(path))
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.mark.soffice
def test_two_conversions_in_parallel_do_not_interfere(tmp_path: Path) -> None:
    """Each call has its own profile: two soffice processes at once both finish, each with its own files."""
    a = make_docx(tmp_path / "a.docx", "甲文档 AAA")
    b1 = make_docx(tmp_path / "b1.docx", "乙文档一 BBB")
    b2 = make_docx(tmp_path / "b2.docx", "乙文档二 CCC")
    with ThreadPoolExecutor(max_workers=2) as pool:
        single = pool.submit(convert, a, "pdf", tmp_path / "out-a")
        batch = pool.submit(convert_many, [b1, b2], "pdf", tmp_path / "out-b")
        pdf_a, pdfs_b = single.result(timeout=180), batch.result(timeout=180)
    assert pdf_a == tmp_path / "out-a" / "a.pdf"
    assert pdfs_b == [tmp_path / "out-b" / "b1.pdf", tmp_path / "out-b" / "b2.pdf"]
    if shutil.which("pdftotext"):
        assert "AAA" in pdf_text(pdf_a) and "BBB" not in pdf_text(pdf_a)
        assert "BBB" in pdf_text(pdfs_b[0]) and "CCC" in pdf_text(pdfs_b[1])


@pytest.mark.soffice
@pytest.mark.parametrize("processes", ["1", "0"], ids=["pool", "cold"])
def test_timeout_kills_the_whole_process_group(processes: str, fresh_pool, tmp_path: Path) -> None:
    fresh_pool.setenv("ITBFORMS_OFFICE_PROCESSES", processes)
    src = make_long_docx(tmp_path / "slow.docx")
    with pytest.raises(ConversionTimeout, match="超时") as caught:
        convert(src, "pdf", tmp_path / "out", timeout=0.3)
    exc = caught.value
    assert not Path(exc.profile).exists()
    leftovers = []  # live (not zombie) processes of soffice's group or using its profile
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            stat, cmdline = (proc / "stat").read_text(), (proc / "cmdline").read_bytes()
        except OSError:
            continue
        state, _, pgrp = stat[stat.rfind(")") + 2 :].split()[:3]
        if state not in ("Z", "X") and (pgrp == str(exc.pgid) or exc.profile.encode() in cmdline):
            leftovers.append(proc.name)
    assert leftovers == []
    assert not (tmp_path / "out" / "slow.pdf").exists()


def test_missing_libreoffice_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = make_docx(tmp_path / "a.docx", "x")
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH without soffice
    assert available() is False
    with pytest.raises(OfficeMissing, match="apt-get install"):
        convert(src, "pdf", tmp_path / "out")


def test_refuses_unknown_targets_missing_sources_and_clashing_names(tmp_path: Path) -> None:
    src = make_docx(tmp_path / "a.docx", "x")
    with pytest.raises(ConversionError, match="不支持转换为 'odt'"):
        convert(src, "odt", tmp_path)
    with pytest.raises(ConversionError, match="nothere.docx"):
        convert(tmp_path / "nothere.docx", "pdf", tmp_path)
    (tmp_path / "sub").mkdir()
    other = make_docx(tmp_path / "sub" / "a.docx", "y")
    with pytest.raises(ConversionError, match="同名文件（a）"):
        convert_many([src, other], "pdf", tmp_path / "out")
    assert convert_many([], "pdf", tmp_path / "out") == []


@pytest.mark.skipif(shutil.which("fc-match") is None, reason="fontconfig (fc-match) is not installed")
@pytest.mark.parametrize(
    ("family", "expected"),
    [
        ("宋体", "Noto Serif CJK SC"),
        ("SimSun", "Noto Serif CJK SC"),
        ("仿宋", "Noto Serif CJK SC"),
        ("FangSong", "Noto Serif CJK SC"),
        ("楷体", "Noto Serif CJK SC"),
        ("KaiTi", "Noto Serif CJK SC"),
        ("黑体", "Noto Sans CJK SC"),
        ("SimHei", "Noto Sans CJK SC"),
        ("微软雅黑", "Noto Sans CJK SC"),
    ],
)
def test_font_aliases_map_windows_chinese_fonts_to_noto(family: str, expected: str) -> None:
    result = subprocess.run(
        ["fc-match", "-f", "%{family}", family],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)},
    ).stdout
    if "Noto" not in subprocess.run(["fc-list"], capture_output=True, text=True).stdout:
        pytest.skip("fonts-noto-cjk is not installed")
    assert expected in result.split(",")
