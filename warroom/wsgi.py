import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
application = get_wsgi_application()

# Load the redactor's name and word lists now, not in the first visitor's request.
from warroom.redaction.lexicon import lexicon  # noqa: E402

lexicon()

# The embedded default: `warroom serve` runs the playbook scheduler in its web process.
# Several processes may each run one: a step still fires once (see warroom.playbooks.engine).
if os.environ.get("WARROOM_EMBEDDED_SCHEDULER") == "1":
    from django.conf import settings

    from warroom.playbooks.scheduler import start_in_background

    start_in_background(every=settings.SCHEDULER_SECONDS)
