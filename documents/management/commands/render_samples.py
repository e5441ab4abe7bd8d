from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from documents.rendering import render_pdf
from documents.types import TYPES, sample_content


class Command(BaseCommand):
    help = "Write one sample PDF per document type into OUTDIR, to check the layout."

    def add_arguments(self, parser):
        parser.add_argument("outdir", type=Path)

    def handle(self, *args, outdir: Path, **options):
        try:
            outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"cannot create {outdir}: {exc.strerror}") from None
        for code in TYPES:
            target = outdir / f"{code}.pdf"
            target.write_bytes(render_pdf(sample_content(code)))
            self.stdout.write(f"{target} ({target.stat().st_size // 1024} KB)")
