"""Importers and exporters for other annotation tools' formats (see ``registry``)."""
