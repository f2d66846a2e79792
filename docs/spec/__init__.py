"""The project's form spec (the Markdown files beside this module) and the parts of it generated from
``forms/``: ``python -m docs.spec`` (``make spec-docs``) rewrites them; a test fails when they drift."""
