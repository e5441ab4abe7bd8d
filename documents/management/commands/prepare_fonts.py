from django.core.management.base import BaseCommand

from documents.fonts import font_faces


class Command(BaseCommand):
    help = "Resolve the document fonts (extracting Noto CJK SC faces once) and list them."

    def handle(self, *args, **options):
        for face in font_faces():
            origin = "licensed" if face.licensed else "open"
            self.stdout.write(f"{face.family}: {face.path} ({origin})")
