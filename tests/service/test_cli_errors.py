"""The one mapping of errors to exit codes: 2 for the user's input, 3 for our own faults, one line each."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from extractor.errors import UnreadableFile
from extractor.formats import RegistryError, get_format, register
from service.cli import EXIT_FAULT, EXIT_UNUSABLE, exit_code
from tests.service.faults import STALE_KEY, template_mismatch


def test_a_malformed_setting_exits_3_naming_the_variable(tmp_path) -> None:
    env = {**os.environ, "ITBFORMS_MAX_PAGES": "many"}
    proc = subprocess.run(
        [sys.executable, "-m", "service.cli", "parse", str(tmp_path / "申报书.docx")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert proc.returncode == EXIT_FAULT
    assert "ITBFORMS_MAX_PAGES" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_a_template_out_of_step_is_our_fault_and_the_users_bad_file_is_not() -> None:
    code, message = exit_code(template_mismatch())
    assert code == EXIT_FAULT and STALE_KEY in message and "内部错误" in message
    code, message = exit_code(UnreadableFile("申报书.pdf", "文件已加密"))
    assert (code, message) == (EXIT_UNUSABLE, "申报书.pdf：文件已加密")


def test_a_file_that_cannot_be_read_is_the_users_input(tmp_path) -> None:
    missing = str(tmp_path / "x.json")
    assert exit_code(FileNotFoundError(2, "No such file or directory", missing)) == (
        EXIT_UNUSABLE,
        f"{missing}：文件不存在",
    )
    code, message = exit_code(PermissionError(13, "Permission denied", missing))
    assert code == EXIT_UNUSABLE and message.startswith(f"无法读写文件 {missing}")


def test_a_wrong_format_table_is_our_fault() -> None:
    with pytest.raises(RegistryError) as caught:
        register(get_format("pdf"))  # the kind is taken
    code, message = exit_code(caught.value)
    assert code == EXIT_FAULT and "pdf" in message


def test_a_crash_is_one_line_and_exit_3_naming_what_broke() -> None:
    code, message = exit_code(KeyError("applicant"))
    assert code == EXIT_FAULT and "KeyError" in message and "\n" not in message
