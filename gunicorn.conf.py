"""gunicorn settings of ``make run``: the first-start check runs once, in the master (service.firststart);
the bundle job workers (``ITBFORMS_WORKERS`` processes, service.queue) run beside it."""

from service.firststart import on_starting  # noqa: F401  (a gunicorn server hook, found by its name)
from service.queue import on_exit, when_ready  # noqa: F401  (gunicorn server hooks)
