"""What confines LibreOffice: a network namespace around it and a user profile that updates no links.

An uploaded ODT/DOCX can link an image or object at ``http://…``; LibreOffice would fetch it (server-side
request forgery). ``office.links`` removes such links before conversion; this module is the second wall,
and the only one for binary .doc/.xls we cannot rewrite: soffice runs under ``unshare --net`` (a network
namespace with nothing but a down loopback), and its profile sets every "update links" option to never and
blocks links from untrusted documents.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

#: ``registrymodifications.xcu`` of every profile we create: Writer (0) and Calc (1) never update links,
#: links from untrusted documents are blocked, macros run only when signed by a trusted source (none is).
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse">\
<value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""

#: The ways to enter a new network namespace, tried in order: as root, then as a user namespace's root.
UNSHARE_COMMANDS = (("unshare", "--net", "--"), ("unshare", "--map-current-user", "--net", "--"))


def write_profile(profile: Path) -> None:
    """Create the LibreOffice user profile ``profile`` with ``PROFILE_SETTINGS`` (soffice fills the rest)."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")


def enabled() -> bool:
    """Whether soffice is to run without network (``ITBFORMS_OFFICE_SANDBOX=0`` turns it off)."""
    return os.environ.get("ITBFORMS_OFFICE_SANDBOX", "1").strip().lower() not in ("0", "false", "no")


def prefix() -> list[str]:
    """The command words that run the rest of a command line in a network namespace of its own; empty
    (with a warning logged once) where this machine allows none, or when the sandbox is turned off."""
    return list(_working_prefix()) if enabled() else []


@cache
def _working_prefix() -> tuple[str, ...]:
    if shutil.which("unshare") is not None:
        for words in UNSHARE_COMMANDS:
            try:
                done = subprocess.run(
                    [*words, "true"], stdin=subprocess.DEVNULL, capture_output=True, timeout=10, check=False
                )
            except (OSError, subprocess.TimeoutExpired):
                continue
            if done.returncode == 0:
                return words
    log.warning(
        "LibreOffice runs WITH network access: no network namespace can be made here (unshare --net needs "
        "root, unshare --map-current-user --net needs unprivileged user namespaces); external references "
        "are still removed from ODF/OOXML files before conversion"
    )
    return ()
