"""One warm LibreOffice, driven over UNO: the program each slot of ``office.pool`` runs.

Usage: ``unobridge.py SOFFICE HOME PIPE [OPTION…]``. Run by a Python that has LibreOffice's ``uno``
module (Debian's ``python3-uno`` is built for the system ``/usr/bin/python3``, not for our virtualenv), so
this file imports nothing of the project. It starts SOFFICE with the OPTIONs and the profile
``HOME/profile``, listening on the UNO pipe PIPE (a Unix-domain socket: no TCP port, so it works inside a
network namespace), connects to it, then reads one JSON request a line on stdin and answers one JSON line
on stdout::

    {"src": "/abs/a.docx", "out": "/abs/a.pdf", "to": "pdf"}  →  {"ok": true} | {"ok": false, "error": "…"}

End of stdin means the parent is done with us or gone (exited, killed, even ``kill -9``): the bridge asks
soffice to quit, removes HOME and kills its whole process group, so a pool never outlives the process that
started it. (Were the bridge alone killed, soffice would stay in the slot's process group, which the pool
kills as soon as it finds the slot unhealthy, and at exit.)
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

import uno  # LibreOffice's Python-UNO bridge (python3-uno)
from com.sun.star.beans import PropertyValue

#: Seconds soffice may take to start listening on its pipe.
START_SECONDS = 60.0
#: Export filters by target and document kind (``--convert-to pdf`` picks the same by the document's kind).
FILTERS = {
    ("pdf", "text"): "writer_pdf_Export",
    ("pdf", "sheet"): "calc_pdf_Export",
    ("pdf", "drawing"): "draw_pdf_Export",
    ("pdf", "presentation"): "impress_pdf_Export",
    ("docx", "text"): "MS Word 2007 XML",
    ("xlsx", "sheet"): "Calc MS Excel 2007 XML",
}
KINDS = {
    "com.sun.star.sheet.SpreadsheetDocument": "sheet",
    "com.sun.star.presentation.PresentationDocument": "presentation",
    "com.sun.star.drawing.DrawingDocument": "drawing",
    "com.sun.star.text.TextDocument": "text",
}
#: Seconds soffice may take to quit when asked.
QUIT_SECONDS = 5.0


def _props(**values: object) -> tuple[object, ...]:
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name, prop.Value = name, value
        out.append(prop)
    return tuple(out)


def _connect(proc: subprocess.Popen[bytes], pipe: str) -> object:
    """The soffice Desktop, once soffice accepts on ``pipe``."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        except Exception:  # NoConnectException until soffice listens
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"soffice did not start (exit code {proc.poll()})") from None
            time.sleep(0.05)


def _office_pid(launcher: int) -> int:
    """The pid of ``soffice.bin``: ``soffice`` is a script that runs ``oosplash``, which runs soffice.bin
    as its child (and starts it again after a first start that asks for a restart)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        name, after = stat[stat.find("(") + 1 : stat.rfind(")")], stat[stat.rfind(")") + 2 :].split()
        if name.startswith("soffice.bin") and after[1] == str(launcher):
            return int(entry)
    return launcher


def _kind(doc: object) -> str:
    return next((kind for service, kind in KINDS.items() if doc.supportsService(service)), "text")  # type: ignore[attr-defined]


def convert(desktop: object, src: str, out: str, to: str) -> None:
    """Load ``src`` hidden, read-only, without updating links or running macros; store it as ``to``."""
    doc = desktop.loadComponentFromURL(  # type: ignore[attr-defined]
        uno.systemPathToFileUrl(src),
        "_blank",
        0,
        _props(Hidden=True, ReadOnly=True, UpdateDocMode=0, MacroExecutionMode=0),  # NO_UPDATE, NEVER_EXECUTE
    )
    if doc is None:
        raise ValueError("LibreOffice could not open the file (damaged, or not a document)")
    try:
        kind = _kind(doc)
        name = FILTERS.get((to, kind))
        if name is None:
            raise ValueError(f"a {kind} document cannot be stored as {to}")
        doc.storeToURL(uno.systemPathToFileUrl(out), _props(FilterName=name, Overwrite=True))
    finally:
        doc.close(True)


def main(argv: list[str]) -> int:
    soffice, home, pipe, *options = argv[1:]
    profile_url = uno.systemPathToFileUrl(os.path.join(home, "profile"))
    proc = subprocess.Popen(
        [
            soffice,
            f"-env:UserInstallation={profile_url}",
            *options,
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=sys.stderr,
    )
    desktop = None
    try:
        desktop = _connect(proc, pipe)
        _reply({"ready": True, "pid": _office_pid(proc.pid)})
        for line in sys.stdin:
            request = json.loads(line)
            try:
                convert(desktop, request["src"], request["out"], request["to"])
            except Exception as exc:  # noqa: BLE001 - any UNO failure is this document's, reported back
                if proc.poll() is not None:
                    raise
                _reply({"ok": False, "error": getattr(exc, "Message", "") or str(exc) or type(exc).__name__})
            else:
                _reply({"ok": True})
        _quit(desktop, proc)  # stdin closed: the parent is done with us, or gone
        shutil.rmtree(home, ignore_errors=True)
    finally:
        os.killpg(0, signal.SIGKILL)  # whatever happened, end the group (soffice and ourselves)
    return 0


def _quit(desktop: object, proc: subprocess.Popen[bytes]) -> None:
    """Ask soffice to quit (it then removes its sockets); kill it when it has not within a few seconds."""
    timer = threading.Timer(QUIT_SECONDS, proc.kill)
    timer.start()
    try:
        desktop.terminate()  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - the connection drops as soffice goes: that is success
        pass
    try:
        proc.wait(timeout=QUIT_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
    timer.cancel()


def _reply(message: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
