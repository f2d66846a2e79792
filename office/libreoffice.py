"""The one module that runs LibreOffice: ``convert``/``convert_many`` to PDF, DOCX or XLSX.

Conversions run on this OS process's warm pool (``office.pool``: N persistent soffice processes, each with
its own profile, reached over UNO pipes, restarted after K conversions, a crash or a timeout). Where the
pool cannot start (no ``python3-uno``; ``ITBFORMS_OFFICE_PROCESSES=0``) a conversion starts a cold
``soffice --headless --convert-to`` instead, as before, and the reason is logged once. A cold soffice gets a
throw-away user profile (``-env:UserInstallation``), so several can run at once; a process group of its own
(``start_new_session``), so a timeout kills soffice *and* its children.

Either way soffice runs without network where the machine allows (``office.sandbox``), from a profile that
updates no links, on a copy of the file without external references (``office.links``), and with fontconfig
pointed at ``office/fonts.conf``, so 宋体/仿宋/楷体 print as Noto Serif CJK SC and 黑体/微软雅黑 as Noto Sans
CJK SC.
"""

from __future__ import annotations

import atexit
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from forms.errors import FormsError, OwnFault
from office import links, processes, sandbox
from office.pool import SOFFICE_OPTIONS, Pool, PoolConfig, PoolUnavailable, SlotCrashed, SlotTimeout

log = logging.getLogger(__name__)

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
#: Conversions a pool process does before it is replaced by a fresh one (LibreOffice grows with use).
DEFAULT_MAX_CONVERSIONS = 200
#: The Python the pool's bridge runs: Debian's python3-uno is built for the system interpreter.
DEFAULT_UNO_PYTHON = "/usr/bin/python3"
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


class OfficeSettingsError(OwnFault, ValueError):
    """An ``ITBFORMS_OFFICE_*`` setting that is not a number in its range: the operator's set-up."""


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
        work = Path(tmp, "out")  # converted first here, so a failed file never leaves half a file in outdir
        work.mkdir()
        inputs = [_without_links(src, Path(tmp, "in", str(i))) for i, src in enumerate(srcs)]
        pool = _pool(exe)
        if pool is None:
            failed = _convert_cold(exe, inputs, to, work, limit, label)
        else:
            failed = _convert_pooled(exe, pool, inputs, to, work, limit, label)
        results = []
        for src, given in zip(srcs, inputs, strict=True):
            produced = work / f"{src.stem}.{to}"
            if not produced.is_file():
                detail = failed.get(given) or "未生成输出文件"
                raise ConversionError(
                    f"LibreOffice 未能转换为 {to}（文件可能已损坏或不是文档）：{detail}", source=str(src)
                )
            target = outdir / produced.name
            shutil.move(str(produced), target)
            results.append(target)
        return results


def _without_links(src: Path, dest_dir: Path) -> Path:
    """``src``, or a copy of it without external references (``office.links``)."""
    try:
        return links.neutralise(src, dest_dir)
    except links.UnsafePackage as exc:
        raise ConversionError(f"文件无法安全转换（{exc}）", source=str(src)) from None


def _convert_pooled(
    exe: str, pool: Pool, srcs: list[Path], to: str, work: Path, limit: float, label: str
) -> dict[Path, str]:
    """Convert ``srcs`` one by one on the warm pool within ``limit`` seconds in all; returns LibreOffice's
    reason for each file it refused. A slot that crashes mid-file hands that file to a cold soffice (the
    crash may have been the slot's, not the file's); a pool that cannot start hands over every file."""
    deadline = time.monotonic() + limit
    failed: dict[Path, str] = {}
    for i, src in enumerate(srcs):
        left = deadline - time.monotonic()
        if left <= 0:  # the files before it took all the time: nothing to kill
            raise _timed_out(limit, label, pgid=0, profile="")
        try:
            reason = pool.convert(src, work / f"{src.stem}.{to}", to, left)
        except SlotTimeout as exc:  # the slot's process group has been killed
            raise _timed_out(limit, label, pgid=exc.pgid, profile=exc.profile) from None
        except SlotCrashed:
            log.warning("a LibreOffice pool process died converting %s; converting it again cold", src.name)
            failed.update(_convert_cold(exe, [src], to, work, max(deadline - time.monotonic(), 1.0), label))
            continue
        except PoolUnavailable as exc:
            _disable_pool(str(exc))
            rest = srcs[i:]
            failed.update(_convert_cold(exe, rest, to, work, max(deadline - time.monotonic(), 1.0), label))
            break
        if reason is not None:
            failed[src] = reason
    return failed


def _convert_cold(
    exe: str, srcs: list[Path], to: str, work: Path, limit: float, label: str
) -> dict[Path, str]:
    """Convert ``srcs`` with one new soffice (``--convert-to``), in the sandbox, with a throw-away profile;
    returns soffice's output as the reason for every file it did not produce."""
    with tempfile.TemporaryDirectory(prefix="itbforms-lo-") as tmp:
        profile = Path(tmp, "profile")
        sandbox.write_profile(profile)
        cmd = [
            *sandbox.prefix(),
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            *SOFFICE_OPTIONS,
            "--convert-to",
            FILTERS[to],
            "--outdir",
            str(work),
            *(str(s.resolve()) for s in srcs),
        ]
        env = {
            **_office_env(),
            "HOME": tmp,
            "TMPDIR": tmp,  # its lu*.tmp scratch files go into the directory removed below, even when killed
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
            processes.remove_pipes(profile)
            raise _timed_out(limit, label, pgid=proc.pid, profile=str(profile)) from None
        except BaseException:  # interrupted (Ctrl-C, a worker shut down): leave no soffice behind
            _kill_group(proc)
            processes.remove_pipes(profile)
            raise
        detail = _tail(err) or _tail(out) or f"退出码 {proc.returncode}"
        return {src: detail for src in srcs if not (work / f"{src.stem}.{to}").is_file()}


def _timed_out(limit: float, label: str, *, pgid: int, profile: str) -> ConversionTimeout:
    message = f"LibreOffice 转换超时（{limit:g} 秒），已终止"
    return ConversionTimeout(message, source=label, pgid=pgid, profile=profile)


def _office_env() -> dict[str, str]:
    """The environment soffice runs in: fonts through ``fonts.conf``, no display."""
    return {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "SAL_USE_VCLPLUGIN": "svp"}


# --- the warm pool of this OS process --------------------------------------------------------------------

_pool_lock = threading.Lock()
_the_pool: Pool | None = None
_pool_off_in: int | None = None  # the pid in which the pool could not start (cold conversions from then on)


def _int_setting(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise OfficeSettingsError(f"{name} 应为不小于 {minimum} 的整数，而不是 {raw!r}")
    return value


def pool_config(exe: str) -> PoolConfig:
    """The pool's settings: ``ITBFORMS_OFFICE_PROCESSES`` (default: the CPU count; 0 turns the pool off),
    ``ITBFORMS_OFFICE_MAX_CONVERSIONS`` (a process is restarted after this many, default 200) and
    ``ITBFORMS_OFFICE_PYTHON`` (a Python with LibreOffice's ``uno`` module, default /usr/bin/python3)."""
    return PoolConfig(
        processes=_int_setting("ITBFORMS_OFFICE_PROCESSES", os.cpu_count() or 1, 0),
        max_conversions=_int_setting("ITBFORMS_OFFICE_MAX_CONVERSIONS", DEFAULT_MAX_CONVERSIONS, 1),
        python=os.environ.get("ITBFORMS_OFFICE_PYTHON", "").strip() or DEFAULT_UNO_PYTHON,
        soffice=exe,
        env=_office_env(),
    )


def _pool(exe: str) -> Pool | None:
    """This OS process's pool (made on first use), or None when it is turned off or could not start."""
    global _the_pool
    pid = os.getpid()
    with _pool_lock:
        if _pool_off_in == pid:
            return None
        if _the_pool is not None and _the_pool.pid == pid:
            return _the_pool
        config = pool_config(exe)
        if config.processes == 0:
            return None
        _the_pool = Pool(config)
        return _the_pool


def current_pool() -> Pool | None:
    """The pool of this OS process if one was made (tests and the bench read its counters)."""
    return _the_pool if _the_pool is not None and _the_pool.pid == os.getpid() else None


def close_pool() -> None:
    """Stop this process's pool (it starts again on the next conversion); also run at exit."""
    global _the_pool, _pool_off_in
    with _pool_lock:
        pool, _the_pool, _pool_off_in = current_pool(), None, None
    if pool is not None:
        pool.close()


def _disable_pool(reason: str) -> None:
    """The pool could not start: convert cold in this process from now on, and say so once."""
    global _pool_off_in
    with _pool_lock:
        if _pool_off_in == os.getpid():
            return
        _pool_off_in = os.getpid()
    log.warning("LibreOffice pool unavailable, converting with a new soffice each time: %s", reason)


def _forget_pool_in_child() -> None:
    """After fork: the parent's slots are the parent's; close our copies of their pipes (a slot ends when
    its stdin closes, so a child holding it open would keep the parent's pool alive) and start afresh (with
    a new lock: another thread of the parent may have held it at the fork)."""
    global _the_pool, _pool_lock
    _pool_lock = threading.Lock()
    pool, _the_pool = _the_pool, None
    if pool is not None:
        pool.forget()


atexit.register(close_pool)
os.register_at_fork(after_in_child=_forget_pool_in_child)


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
    processes.wait_group_gone(proc.pid)


def _tail(data: bytes | None, limit: int = 300) -> str:
    text = (data or b"").decode("utf-8", "replace").strip()
    return " ".join(text.split())[-limit:]
