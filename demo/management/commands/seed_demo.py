from django.core.management.base import BaseCommand

from demo.world import seed_demo_world


class Command(BaseCommand):
    help = "Build the demo world (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        counts = seed_demo_world()
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo world ready ({summary})."))
