"""The one module that runs LibreOffice (``soffice --headless --convert-to``).

Every call gets its own throw-away user profile (``-env:UserInstallation``), so several conversions can run
at once from threads or processes without sharing LibreOffice's lock and pipe; runs in its own process
group (``start_new_session``), so a timeout kills soffice *and* its children; and points fontconfig at
``office/fonts.conf``, so 宋体/仿宋/楷体 print as Noto Serif CJK SC and 黑体/微软雅黑 as Noto Sans CJK SC.

A batch (``convert_many``) costs one process start (~1 s) plus ~0.4 s a document: convert many files in
one call where you can.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from forms.errors import FormsError

#: Seconds one call may take before its whole process group is killed (a batch gets this per document).
DEFAULT_TIMEOUT = 120.0
#: The fontconfig alias file shipped with this package.
FONTS_CONF = Path(__file__).with_name("fonts.conf")
#: ``--convert-to`` arguments: target format → LibreOffice filter (the extension alone is ambiguous for
#: text documents opened in Calc and the other way round).
FILTERS: dict[str, str] = {
    "pdf": "pdf",
    "docx": "docx:MS Word 2007 XML",  # no quotes: soffice gets argv as is, not through a shell
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
}
APT_LINE = "sudo apt-get install -y --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui"


class ConversionError(FormsError):
    """A document LibreOffice could not convert; the message names the file and what went wrong."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        self.source = source
        super().__init__(f"{source}：{message}" if source else message)


class OfficeMissing(ConversionError):
    """``soffice`` is not on PATH."""

    def __init__(self) -> None:
        super().__init__(
            f"未找到 LibreOffice（soffice），无法转换为 PDF 或读取旧格式文件；请安装：{APT_LINE}"
        )


class ConversionTimeout(ConversionError):
    """LibreOffice did not finish in time; its whole process group has been killed.

    ``pgid`` is the killed process group, ``profile`` the profile directory it used (both removed/gone).
    """

    def __init__(self, message: str, *, source: str | None, pgid: int, profile: str) -> None:
        self.pgid = pgid
        self.profile = profile
        super().__init__(message, source=source)


def soffice_path() -> str | None:
    """The ``soffice`` executable on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """Whether LibreOffice can be run here."""
    return soffice_path() is not None


def convert(src: Path, to: str, outdir: Path, *, timeout: float | None = None) -> Path:
    """Convert one file to ``to`` (``pdf``, ``docx``, ``xlsx``) in ``outdir``; returns the new file's path."""
    return convert_many([src], to, outdir, timeout=timeout)[0]


def convert_many(srcs: Sequence[Path], to: str, outdir: Path, *, timeout: float | None = None) -> list[Path]:
    """Convert several files with one LibreOffice start; returns the outputs in the order of ``srcs``.

    ``timeout`` bounds the whole call (default: ``DEFAULT_TIMEOUT`` per document). Output names are the
    sources' stems with the new extension, so two sources with the same stem are refused.
    """
    if to not in FILTERS:
        raise ConversionError(f"不支持转换为 {to!r}（可选：{'、'.join(FILTERS)}）")
    srcs = [Path(s) for s in srcs]
    if not srcs:
        return []
    for src in srcs:
        if not src.is_file():
            raise ConversionError("文件不存在或不是普通文件", source=str(src))
    stems = [s.stem for s in srcs]
    if len(set(stems)) != len(stems):
        dupes = sorted(stem for stem, n in Counter(stems).items() if n > 1)
        raise ConversionError(f"同一批转换中有同名文件（{'、'.join(dupes)}），输出会互相覆盖")
    exe = soffice_path()
    if exe is None:
        raise OfficeMissing()
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    limit = timeout if timeout is not None else DEFAULT_TIMEOUT * len(srcs)
    label = str(srcs[0]) if len(srcs) == 1 else f"{srcs[0]} 等 {len(srcs)} 个文件"

    with tempfile.TemporaryDirectory(prefix="itbforms-lo-") as tmp:
        profile = Path(tmp, "profile")
        work = Path(tmp, "out")  # converted first here, so a failed file never leaves half a file in outdir
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nofirststartwizard",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            FILTERS[to],
            "--outdir",
            str(work),
            *(str(s.resolve()) for s in srcs),
        ]
        env = {
            **os.environ,
            "FONTCONFIG_FILE": str(FONTS_CONF),
            "HOME": tmp,
            "TMPDIR": tmp,  # its lu*.tmp scratch files go into the directory removed below, even when killed
            "SAL_USE_VCLPLUGIN": "svp",
        }
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            _remove_ipc_pipe(profile)
            raise ConversionTimeout(
                f"LibreOffice 转换超时（{limit:g} 秒），已终止",
                source=label,
                pgid=proc.pid,
                profile=str(profile),
            ) from None
        except BaseException:  # interrupted (Ctrl-C, a worker shut down): leave no soffice behind
            _kill_group(proc)
            _remove_ipc_pipe(profile)
            raise
        results = []
        for src in srcs:
            produced = work / f"{src.stem}.{to}"
            if not produced.is_file():
                detail = _tail(err) or _tail(out) or f"退出码 {proc.returncode}"
                raise ConversionError(
                    f"LibreOffice 未能转换为 {to}（文件可能已损坏或不是文档）：{detail}", source=str(src)
                )
            target = outdir / produced.name
            shutil.move(str(produced), target)
            results.append(target)
        return results


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the process group soffice leads (its children included), reap soffice, and wait until no live
    process is left in the group (killed children die asynchronously; orphans are reaped by init).

    Called only while soffice has not been reaped, so its pid (= the group id) cannot have been reused.
    """
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.communicate(timeout=10)
    except (subprocess.TimeoutExpired, ValueError):
        pass
    deadline = time.monotonic() + 5
    while _live_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.02)


def ipc_pipe_paths(profile: Path) -> list[Path]:
    """Where soffice with user profile ``profile`` puts its single-instance socket.

    LibreOffice names it ``OSL_PIPE_<uid>_SingleOfficeIPC_<md5>`` in ``/tmp`` (``/var/tmp`` when /tmp is not
    writable; ``TMPDIR`` is ignored), the MD5 taken of the profile's URL in UTF-16LE and written byte by byte
    in hex without zero padding (desktop/source/app/officeipcthread.cxx). soffice removes it when it exits;
    a killed soffice leaves it behind.
    """
    digest = hashlib.md5(profile.as_uri().encode("utf-16-le"), usedforsecurity=False).digest()
    name = f"OSL_PIPE_{os.getuid()}_SingleOfficeIPC_{''.join(f'{b:x}' for b in digest)}"
    return [Path("/tmp", name), Path("/var/tmp", name)]


def _remove_ipc_pipe(profile: Path) -> None:
    """Remove the socket a killed soffice left in /tmp (the name is this call's alone: ``ipc_pipe_paths``)."""
    for path in ipc_pipe_paths(profile):
        try:
            path.unlink()
        except OSError:  # not there (soffice had not yet made it, or removed it), or not ours
            pass


def _live_members(pgid: int) -> list[int]:
    """Pids of processes in group ``pgid`` that are not zombies (Linux ``/proc``; empty elsewhere)."""
    members = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2 :].split()  # after "pid (comm) ": state ppid pgrp …
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            members.append(int(entry.name))
    return members


def _tail(data: bytes | None, limit: int = 300) -> str:
    text = (data or b"").decode("utf-8", "replace").strip()
    return " ".join(text.split())[-limit:]
