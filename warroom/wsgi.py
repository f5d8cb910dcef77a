import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warroom.settings")
application = get_wsgi_application()

# Load the redactor's name and word lists now, not in the first visitor's request.
from warroom.redaction.engine.lexicon import lexicon  # noqa: E402

lexicon()

# What startup built lives as long as the process (settings, URLs, templates, the lexicon): the
# collector need not walk it again. And a public page rebuilt after a change makes tens of
# thousands of short-lived objects: collecting the young ones every 700 allocations (Python's
# default) cost a rebuild about a fifth of its time, every 10,000 does not.
gc.collect()
gc.freeze()
gc.set_threshold(10_000, 10, 10)

# The embedded default: `warroom serve` runs the playbook scheduler and the delivery worker in
# its web process. Several processes may each run them: a step still fires once, a message is
# still sent once (see warroom.playbooks.engine and warroom.comms.services).
if os.environ.get("WARROOM_EMBEDDED_SCHEDULER") == "1":
    from django.conf import settings

    from warroom import scheduler
    from warroom.comms import worker

    scheduler.start_in_background(every=settings.SCHEDULER_SECONDS)
    worker.start_in_background()
