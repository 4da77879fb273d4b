"""``workbench selftest``: check that this installation works, without a screen."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "selftest",
        help="check this installation: window, model and annotator file on the demo corpus (headless)",
        description="Open the demo corpus offscreen in the real window, pre-annotate its first article "
        "with the spaCy model, accept one pre-annotation, and read the annotator file back. Works in a "
        "temporary folder with temporary settings; exit status 0 when every step passed.",
    )
    p.add_argument(
        "--model", help="spaCy pipeline to test with (package name or path; default: the usual order)"
    )
    p.add_argument("--keep", action="store_true", help="keep the temporary folder and print where it is")
    p.add_argument(
        "--allow-rules",
        action="store_true",
        help="pass without a trained model (quotes from rules only); by default a missing model fails",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.selftest import main  # Qt and spaCy only when the test runs

    return main(model=args.model, keep=args.keep, require_trained=not args.allow_rules)
