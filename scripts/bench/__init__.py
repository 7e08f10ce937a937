"""Helpers of the benchmark (scripts/bench.py) and of tests/test_privacy.py.

- :mod:`bench.weight`     first-visit transfer of a page (gzip level 6, as a host serves it)
- :mod:`bench.serve`      a static server for a built site, on 127.0.0.1
- :mod:`bench.builds`     timed builds (wall time, peak memory), the vanilla variant of a project
- :mod:`bench.corpus`     a generated corpus for the scale test
- :mod:`bench.lighthouse` Lighthouse (npm, node_modules/) against Debian's Chromium

Nothing here decides pass or fail on timing: only the budget (bytes, requests) is a limit,
and the test decides that.
"""
