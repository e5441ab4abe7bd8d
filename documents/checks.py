"""System checks for the Debian libraries and fonts that PDF rendering needs.

Without pango WeasyPrint cannot load; without libharfbuzz-subset0 every PDF takes 10–20 s;
without a CJK font every Chinese character renders as an empty box, silently.
Each problem is reported as one line naming the package to install.
"""

import ctypes.util
from pathlib import Path

from django.core.checks import Error, Warning, register

CJK_FONT_FILES = [
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]


def _missing_library(name: str) -> bool:
    return ctypes.util.find_library(name) is None


@register()
def pdf_dependencies(app_configs, **kwargs):
    problems = []
    if _missing_library("pango-1.0") or _missing_library("pangoft2-1.0"):
        problems.append(
            Error(
                "Pango is missing, so no PDF can be rendered.",
                hint="Run: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0",
                id="xietong.E001",
            )
        )
    if _missing_library("harfbuzz-subset"):
        problems.append(
            Warning(
                "libharfbuzz-subset0 is missing: every PDF will take 10-20 seconds to render.",
                hint="Run: sudo apt-get install -y libharfbuzz-subset0",
                id="xietong.W001",
            )
        )
    if not any(Path(path).exists() for path in CJK_FONT_FILES):
        problems.append(
            Warning(
                "No CJK font found: Chinese text in PDFs would render as empty boxes.",
                hint="Run: sudo apt-get install -y fonts-noto-cjk",
                id="xietong.W002",
            )
        )
    return problems
