"""The edition's machinery: a Python-Markdown extension and its helpers.

``markdown_extensions: [edition]`` in mkdocs.yml loads :func:`makeExtension`.
"""

from .extension import EditionExtension, makeExtension  # noqa: F401
