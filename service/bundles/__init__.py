"""Bundles: screening a recommending authority's zip of applications (``service.bundles.screen``).

An application workflow, not a reader: it parses each file with ``extractor``, runs the checks, compares
a unit's Word file with its PDF and finds duplicates. The zip itself is read safely by
``extractor.bundle_zip`` (bounded entries, sizes and ratios), a reader's concern like the zip defences of
``.docx``/``.xlsx``.
"""
