"""amend: legal documents as code.

The package is a pure core (model, parsing, timeline, redline, site plan,
renderers) with thin adapters at the edges: the MkDocs plugin, the command
line, the PDF writer and git provenance.
"""

__version__ = "0.1.0"
