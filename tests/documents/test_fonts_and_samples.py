"""Licensed fonts dropped into XIETONG_FONT_DIR win; render_samples writes every type."""

import shutil
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from documents import fonts, rendering
from documents.types import TYPES, sample_content


@pytest.fixture
def font_dir(settings, tmp_path):
    settings.XIETONG_FONT_DIR = tmp_path / "licensed-fonts"
    settings.XIETONG_FONT_DIR.mkdir()
    rendering.reset_engine()
    yield settings.XIETONG_FONT_DIR
    rendering.reset_engine()


def embedded_font_programs(data: bytes) -> dict[str, str]:
    """Font name (without subset tag) -> which kind of font program is embedded."""
    programs = {}
    for page in PdfReader(BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            kind = next(k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor)
            programs[str(font["/BaseFont"]).split("+", 1)[-1]] = kind
    return programs


def test_open_fonts_are_used_without_licensed_ones(font_dir):
    faces = {face.family: face for face in fonts.font_faces()}
    assert not any(face.licensed for face in faces.values())
    assert faces["XT FangSong"].path.name == "FandolFang-Regular.otf"
    assert faces["XT Fallback Serif"].path.name == "NotoSerifCJKsc-Regular.otf"


def test_a_licensed_font_in_the_font_folder_wins(font_dir):
    # stand-in for a licensed 仿宋_GB2312: any font file named for the 仿宋 role
    shutil.copy(fonts.WENKAI / "LXGWWenKai-Regular.ttf", font_dir / "fangsong.ttf")
    rendering.reset_engine()
    assert fonts.allowed_font_files() >= {(font_dir / "fangsong.ttf").resolve()}
    faces = {face.family: face for face in fonts.font_faces()}
    assert faces["XT FangSong"].licensed
    assert faces["XT FangSong"].path == (font_dir / "fangsong.ttf").resolve()
    before = embedded_font_programs(rendering.render_pdf(sample_content("letter")))
    assert before["XT-FangSong"] == "/FontFile2"  # TrueType: the dropped-in file, not Fandol
    rendering.reset_engine()
    (font_dir / "fangsong.ttf").unlink()
    rendering.reset_engine()
    after = embedded_font_programs(rendering.render_pdf(sample_content("letter")))
    assert after["XT-FangSong"] == "/FontFile3"  # FandolFang is a CFF OpenType font


def test_the_noto_sc_face_is_extracted_once_and_is_chinese(font_dir):
    path = fonts._materialise(fonts.NOTO_SERIF_SC)
    from fontTools.ttLib import TTFont

    assert "SC" in TTFont(path)["name"].getDebugName(4)


def test_render_samples_writes_one_pdf_per_type(tmp_path):
    out = StringIO()
    call_command("render_samples", str(tmp_path / "samples"), stdout=out)
    written = sorted(p.stem for p in (tmp_path / "samples").glob("*.pdf"))
    assert written == sorted(TYPES)
    for path in (tmp_path / "samples").glob("*.pdf"):
        assert path.read_bytes().startswith(b"%PDF")


def test_render_samples_reports_an_unusable_folder_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(CommandError, match="cannot create"):
        call_command("render_samples", str(blocker / "sub"), stdout=StringIO())
