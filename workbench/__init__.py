"""Newsroom annotation workbench: build news NLP corpora on the desktop."""

__version__ = "0.1.0"
