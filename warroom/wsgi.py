import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
application = get_wsgi_application()

# Load the redactor's name and word lists now, not in the first visitor's request.
from warroom.redaction.lexicon import lexicon  # noqa: E402

lexicon()
