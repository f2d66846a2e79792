#!/usr/bin/env bash
# Installs the Debian packages the project needs (LibreOffice for PDF and .doc conversion, CJK fonts,
# poppler-utils for pdffonts/pdftoppm, Chromium for the browser tests) when they are missing. As root it
# installs them; otherwise it prints the exact apt-get line and goes on (tests that need LibreOffice or
# Chromium are then skipped outside CI).
set -euo pipefail

pkgs=()
command -v soffice >/dev/null 2>&1 || pkgs+=(libreoffice-writer-nogui libreoffice-calc-nogui)
# the warm conversion pool drives LibreOffice over UNO from the system Python (office/pool.py)
/usr/bin/python3 -c 'import uno' >/dev/null 2>&1 || pkgs+=(python3-uno)
command -v pdftoppm >/dev/null 2>&1 || pkgs+=(poppler-utils)
fc-list ':lang=zh' 2>/dev/null | grep -qi 'Noto Serif CJK' || pkgs+=(fonts-noto-cjk)
command -v fc-list >/dev/null 2>&1 || pkgs+=(fontconfig)
[ -x /usr/bin/chromium ] || pkgs+=(chromium)  # the browser the end-to-end tests drive (tests/e2e)
[ -f /usr/lib/chromium/locales/zh-CN.pak ] || pkgs+=(chromium-l10n)  # its Chinese UI (file pickers, dates)
command -v npm >/dev/null || pkgs+=(npm)  # installs axe-core for the accessibility tests (package.json)
command -v redis-server >/dev/null || pkgs+=(redis-server)  # the queue across machines, in the tests
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || pkgs+=(postgresql)  # the shared job database, in the tests
for extra in ${EXTRA_DEBIAN_PACKAGES:-}; do
    dpkg -s "$extra" >/dev/null 2>&1 || pkgs+=("$extra")
done

[ ${#pkgs[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${pkgs[*]}"
if [ "$(id -u)" -eq 0 ]; then
    echo "installing Debian packages: ${pkgs[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${pkgs[@]}" >/dev/null
else
    echo "缺少系统软件包，请以 root 运行： sudo apt-get update && sudo $line" >&2
    echo "missing Debian packages; run as root: sudo apt-get update && sudo $line" >&2
fi
