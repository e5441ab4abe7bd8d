"""The fonts of official documents, bound by file.

GB/T 9704 names four faces: 小标宋 (issuer mark and title), 仿宋 (body), 黑体 (first-level
headings, list labels) and 楷体 (second-level headings). Each role resolves to the first file
that exists among:

1. a licensed font a deployer dropped into XIETONG_FONT_DIR (e.g. 方正小标宋, 仿宋_GB2312),
   named by role: ``xiaobiaosong.ttf``, ``fangsong.ttf``, ``heiti.ttf`` or ``kaiti.ttf``
   (.otf works too) — these always win;
2. the open fonts Debian ships: FandolFang (texlive-lang-chinese) for 仿宋, LXGW WenKai for
   楷体, and the Simplified-Chinese faces of Noto Serif/Sans CJK for 小标宋 and 黑体.

Noto CJK ships as font collections whose first face is Japanese; a file-bound @font-face
would pick that face and draw Japanese glyph variants, so the SC face is extracted once into
the data directory (``prepare_fonts``). Behind every role stands a full-coverage fallback
(Noto Serif CJK SC, then 花園明朝 A/B) so rare name characters (喆, 堃, 珺, 玥, 𬌗) never
render as boxes.
"""

import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

NOTO = Path("/usr/share/fonts/opentype/noto")
FANDOL = Path("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol")
WENKAI = Path("/usr/share/fonts/truetype/lxgw-wenkai")
HANAZONO = Path("/usr/share/fonts/truetype/hanazono")

SC_FACE = 2  # index of the Simplified Chinese face in Noto's .ttc collections


@dataclass(frozen=True)
class Extracted:
    """A face to extract from a font collection."""

    collection: Path
    index: int
    name: str


NOTO_SERIF_SC = Extracted(NOTO / "NotoSerifCJK-Regular.ttc", SC_FACE, "NotoSerifCJKsc-Regular.otf")
NOTO_SERIF_SC_BOLD = Extracted(NOTO / "NotoSerifCJK-Bold.ttc", SC_FACE, "NotoSerifCJKsc-Bold.otf")
NOTO_SANS_SC = Extracted(NOTO / "NotoSansCJK-Regular.ttc", SC_FACE, "NotoSansCJKsc-Regular.otf")

# role -> (CSS family, licensed file stem, open candidates in order of preference)
ROLES = {
    "xiaobiaosong": ("XT XiaoBiaoSong", [FANDOL / "FandolSong-Bold.otf", NOTO_SERIF_SC_BOLD]),
    "fangsong": ("XT FangSong", [FANDOL / "FandolFang-Regular.otf", NOTO_SERIF_SC]),
    "heiti": ("XT HeiTi", [FANDOL / "FandolHei-Regular.otf", NOTO_SANS_SC]),
    "songti": ("XT SongTi", [FANDOL / "FandolSong-Regular.otf", NOTO_SERIF_SC]),
    "kaiti": ("XT KaiTi", [WENKAI / "LXGWWenKai-Regular.ttf", FANDOL / "FandolKai-Regular.otf"]),
}
FALLBACKS = [
    ("XT Fallback Serif", NOTO_SERIF_SC),
    ("XT Fallback HanaA", HANAZONO / "HanaMinA.ttf"),
    ("XT Fallback HanaB", HANAZONO / "HanaMinB.ttf"),
]
LICENSED_SUFFIXES = (".ttf", ".otf")

_extract_lock = threading.Lock()


def licensed_dir() -> Path:
    return Path(getattr(settings, "XIETONG_FONT_DIR", settings.DATA_DIR / "fonts"))


def extracted_dir() -> Path:
    return Path(settings.DATA_DIR) / "font-cache"


def _materialise(candidate) -> Path | None:
    """The file for a candidate, extracting a collection face on first use."""
    if isinstance(candidate, Path):
        return candidate if candidate.is_file() else None
    target = extracted_dir() / candidate.name
    if target.is_file():
        return target
    if not candidate.collection.is_file():
        return None
    with _extract_lock:
        if not target.is_file():
            from fontTools.ttLib import TTCollection

            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(".partial")
            TTCollection(candidate.collection).fonts[candidate.index].save(partial)
            partial.replace(target)  # atomic: a concurrent reader never sees half a font
    return target


@dataclass(frozen=True)
class FontFace:
    family: str
    path: Path
    licensed: bool = False


@cache
def font_faces() -> tuple[FontFace, ...]:
    """Every @font-face the documents use, role faces first, then the fallbacks."""
    faces = []
    for role, (family, candidates) in ROLES.items():
        licensed = [licensed_dir() / f"{role}{suffix}" for suffix in LICENSED_SUFFIXES]
        for path in licensed:
            if path.is_file():
                faces.append(FontFace(family, path.resolve(), licensed=True))
                break
        else:
            for candidate in candidates:
                path = _materialise(candidate)
                if path:
                    faces.append(FontFace(family, path.resolve()))
                    break
    for family, candidate in FALLBACKS:
        path = _materialise(candidate)
        if path:
            faces.append(FontFace(family, path.resolve()))
    return tuple(faces)


def allowed_font_files() -> frozenset[Path]:
    return frozenset(face.path for face in font_faces())


def font_face_css() -> str:
    rules = [
        f'@font-face {{ font-family: "{face.family}"; src: url("{face.path.as_uri()}"); }}'
        for face in font_faces()
    ]
    return "\n".join(rules)


def fallback_stack() -> str:
    return ", ".join(f'"{family}"' for family, _candidate in FALLBACKS)


def reset() -> None:
    """Forget resolved fonts (after a deployer adds licensed ones, and in tests)."""
    font_faces.cache_clear()
