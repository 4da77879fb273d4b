"""Newsroom annotation workbench: build news NLP corpora on the desktop."""

from workbench.compiled import install as _install_compiled_switch

__version__ = "0.1.0"

_install_compiled_switch()  # the compiled hot paths, or their source when asked (decision 0027)
