"""PDF fill latency (issue 17, item 8): our fill to PDF on the warm LibreOffice pool against a cold
``soffice --headless --convert-to pdf`` of the same .docx, in one run.

Ours is ``templates.render.fill(annex1, record, "pdf")`` — the docxtpl render, the copy without external
references, the conversion on the pool (started by a warm-up run, as a server's first PDF starts it). The
baseline is what every PDF cost before the pool: a new soffice converting the same rendered .docx, with a
profile made once beforehand (so its first-start set-up is not counted against it) and no sandbox. The two
are run alternately and the medians of wall time compared (LibreOffice works in other processes, so this
process's CPU time would not see it). Run: ``python -m bench.office`` (``make bench`` runs it too).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from bench.__main__ import median_pair
from bench.readme import write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "bench-office"  # of bench/README.md
TARGET = 0.4


def cold_soffice(docx: Path, work: Path) -> Callable[[], bytes]:
    """A plain ``soffice --convert-to pdf`` of ``docx`` with the profile ``work/profile`` (made by the
    warm-up run), as the service ran it before the pool."""
    from office.libreoffice import FONTS_CONF, soffice_path

    exe = soffice_path()
    if exe is None:
        raise SystemExit("LibreOffice (soffice) is not installed")
    profile = (work / "profile").as_uri()
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF), "HOME": str(work), "SAL_USE_VCLPLUGIN": "svp"}

    def run() -> bytes:
        out = work / "out"
        shutil.rmtree(out, ignore_errors=True)
        subprocess.run(
            [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "pdf",
             "--outdir", str(out), str(docx)],
            env=env, check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        return (out / f"{docx.stem}.pdf").read_bytes()

    return run


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.office", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each side (default 7)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update bench/README.md")
    args = parser.parse_args(argv)

    from forms.records import load_record
    from office.libreoffice import close_pool, current_pool
    from templates.render import fill, render_docx

    loaded = load_record(json.loads((ROOT / "examples" / "annex1.json").read_text(encoding="utf-8")))
    with tempfile.TemporaryDirectory(prefix="itbforms-bench-office-") as tmp:
        docx = Path(tmp, "annex1.docx")
        docx.write_bytes(render_docx(loaded.form, loaded.record))
        try:
            warm, cold = median_pair(
                lambda: fill(loaded.form, loaded.record, "pdf"),
                cold_soffice(docx, Path(tmp)),
                args.repeat,
                clock=time.perf_counter,  # LibreOffice works in other processes: wall time, not our CPU
            )
            pool = current_pool()
            starts = pool.starts if pool is not None else 0
        finally:
            close_pool()
    if starts == 0:
        raise SystemExit("the LibreOffice pool did not start (is python3-uno installed?): nothing to compare")
    ratio = warm / cold
    verdict = "ok" if ratio <= TARGET else "MISSED"
    text = "\n".join(
        [
            "## PDF fill on the warm LibreOffice pool (issue 17)",
            "",
            f"Measured {datetime.now().astimezone():%Y-%m-%d %H:%M %Z} on {os.cpu_count()} CPUs, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, load average "
            f"{os.getloadavg()[0]:.1f} at the start (medians of {args.repeat} alternating runs; wall time): "
            "`python -m bench.office`. Ours is the whole fill (docxtpl render, the copy without external "
            "references, the conversion on the pool); the baseline converts the already rendered .docx with "
            "a new soffice each time, its profile made beforehand.",
            "",
            "| operation | ours (s) | cold soffice (s) | ratio | target | |",
            "|---|---:|---:|---:|---:|---|",
            f"| fill annex1 → PDF on the warm pool vs `soffice --convert-to pdf` of the same .docx "
            f"| {warm:.2f} | {cold:.2f} | {ratio:.2f}× | ≤ {TARGET}× | {verdict} |",
            "",
            f"Pool processes started during the run: {starts} (the first by the warm-up run).",
        ]
    )
    print(text)
    if not args.no_write:
        print(f"written to {write_section(SECTION, text)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
