"""gunicorn settings of ``make run``: the first-start check runs once, in the master (service.firststart)."""

from service.firststart import on_starting  # noqa: F401  (a gunicorn server hook, found by its name)
