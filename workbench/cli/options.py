"""Flags that several commands declare the same way, declared once so they read and behave alike."""

from __future__ import annotations

import argparse

from workbench.app.workers import default_jobs


def add_annotators_option(p: argparse.ArgumentParser) -> None:
    """``--annotators a,b``: names for annotator files whose records do not say (see ``split_names``)."""
    p.add_argument("--annotators", help="comma-separated names, one per file (default: from the records)")


def add_records_schema_option(p: argparse.ArgumentParser) -> None:
    """``--schema``: the annotation schema, where the records already name one."""
    p.add_argument("--schema", help="annotation schema file (default: the one named in the records)")


def add_jobs_option(p: argparse.ArgumentParser) -> None:
    """``--jobs N``: worker processes for work done a slice at a time."""
    p.add_argument(
        "--jobs", type=int, default=default_jobs(), help="worker processes (default: one per core)"
    )


def add_clean_options(p: argparse.ArgumentParser, as_is: str) -> None:
    """``--clean`` / ``--no-clean`` (``args.clean``: "raw" by default, True, False) for a command that
    reads raw pages: they are cleaned by default, as the window cleans a page it opens (decision 0015).
    ``as_is`` says what ``--no-clean`` does, in the command's verb ("add raw pages as they are")."""
    cleaning = p.add_mutually_exclusive_group()
    cleaning.add_argument(
        "--clean",
        dest="clean",
        action="store_const",
        const=True,
        default="raw",
        help="also clean bare JSON articles (raw .txt/.html pages are cleaned by default, as the window "
        "cleans a page it opens; the original text is kept in meta)",
    )
    cleaning.add_argument("--no-clean", dest="clean", action="store_const", const=False, help=as_is)
