"""Documents that link to a server, and the server they link to: a real listener on 127.0.0.1 that records
every connection LibreOffice would make (server-side request forgery), bounded in connections and time."""

from __future__ import annotations

import io
import re
import socket
import threading
import zipfile
from pathlib import Path
from types import TracebackType

from tests.extractor.conftest import _convert_legacy
from tests.hostile.corpus import good_docx, good_xlsx

#: Connections the listener serves before it stops accepting (a conversion makes a handful at most).
MAX_CONNECTIONS = 50


class Listener:
    """A TCP server on 127.0.0.1 that records the first bytes of every connection it accepts and answers
    404; used as a context manager (it stops on exit)."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.port = self._server.getsockname()[1]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def __enter__(self) -> Listener:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set() and len(self.requests) < MAX_CONNECTIONS:
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(4096) or b"(connected, sent nothing)")
                    conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                except OSError as exc:
                    self.requests.append(f"(connected: {exc})".encode())


def _rewrite(package: bytes, edits: dict[str, object]) -> bytes:
    """``package`` with some members' text edited (a function of the old text) or added (a string)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            edit = edits.get(info.filename)
            data = src.read(info)
            if callable(edit):
                data = edit(data.decode("utf-8")).encode("utf-8")
            dst.writestr(info, data)
        for name, text in edits.items():
            if isinstance(text, str) and name not in src.namelist():
                dst.writestr(name, text)
    return out.getvalue()


def _once(pattern: str, replacement: str):  # type: ignore[no-untyped-def]
    def edit(text: str) -> str:
        new, count = re.subn(pattern, replacement, text, count=1)
        assert count == 1, pattern
        return new

    return edit


_LINKED_PICTURE = (
    '<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">'
    '<wp:extent cx="914400" cy="914400"/><wp:docPr id="9901" name="linked"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="0" name="x.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip r:link="rIdLinked1"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>'
    "</wp:inline></w:drawing></w:r></w:p>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def linked_docx(listener: Listener) -> bytes:
    """The example application with a picture linked at the listener and a template attached from it."""
    return _rewrite(
        good_docx(),
        {
            "word/document.xml": _once(r"<w:body>", "<w:body>" + _LINKED_PICTURE),
            "word/_rels/document.xml.rels": _once(
                r"</Relationships>",
                f'<Relationship Id="rIdLinked1" Type="{_REL}/image" Target="{listener.url("image.png")}" '
                'TargetMode="External"/></Relationships>',
            ),
            "word/settings.xml": _once(r"(<w:settings[^>]*>)", r'\1<w:attachedTemplate r:id="rIdLinked2"/>'),
            "word/_rels/settings.xml.rels": (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rIdLinked2" Type="{_REL}/attachedTemplate" '
                f'Target="{listener.url("template.dotx")}" TargetMode="External"/></Relationships>'
            ),
        },
    )


def _odf(source: bytes, suffix: str, to: str, tmp: Path) -> bytes:
    src = tmp / f"source{suffix}"
    src.write_bytes(source)
    return _convert_legacy([src], to, tmp / to)[0]


def linked_odt(listener: Listener, tmp: Path) -> bytes:
    """The example application saved as ODT, with an image and a section linked at the listener."""
    frame = (
        '<text:p><draw:frame draw:name="linked" text:anchor-type="as-char" svg:width="2cm" svg:height="2cm">'
        f'<draw:image xlink:href="{listener.url("image.png")}" xlink:type="simple" xlink:show="embed" '
        'xlink:actuate="onLoad"/></draw:frame></text:p>'
        f'<text:section text:name="linked"><text:section-source xlink:href="{listener.url("part.odt")}" '
        'text:filter-name="writer8"/></text:section>'
    )
    odt = _odf(good_docx(), ".docx", "odt", tmp)
    return _rewrite(odt, {"content.xml": _once(r"(<office:text[^>]*>)", r"\1" + frame)})


def linked_ods(listener: Listener, tmp: Path) -> bytes:
    """The example annual report saved as ODS, with an image linked at the listener on its first sheet."""
    shapes = (
        '<table:shapes><draw:frame draw:name="linked" svg:x="0cm" svg:y="0cm" svg:width="2cm" '
        f'svg:height="2cm"><draw:image xlink:href="{listener.url("image.png")}" xlink:type="simple" '
        'xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></table:shapes>'
    )
    ods = _odf(good_xlsx(), ".xlsx", "ods", tmp)
    return _rewrite(ods, {"content.xml": _once(r"(<table:table [^>]*>)", r"\1" + shapes)})
