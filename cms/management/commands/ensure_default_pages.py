from django.core.management.base import BaseCommand

from cms.services import landing_pages_ensure


class Command(BaseCommand):
    help = "Create the default Wagtail site, landing page and content pages when they are missing."

    def handle(self, *args, **options):
        _landing, created = landing_pages_ensure()
        if created:
            self.stdout.write(self.style.SUCCESS(f"Created: {', '.join(created)}"))
        else:
            self.stdout.write("Default pages already present.")
