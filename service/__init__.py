"""The edge of the project: the command line (``service.cli``) and the Flask application.

Nothing here holds logic of its own: each command and endpoint calls a library function of ``forms``,
``templates`` or ``extractor``. This package's ``__init__`` imports no Flask, so the CLI starts fast.
"""
