"""Entry point of the bundled app: the same ``workbench`` command as the installed package.

PyInstaller needs a script, not a console_scripts entry; this is that script and nothing else.
"""

from __future__ import annotations

import multiprocessing
import sys

from workbench.cli.main import main

if __name__ == "__main__":
    # spaCy's n_process > 1 uses multiprocessing: a frozen app must not re-run main in children.
    multiprocessing.freeze_support()
    sys.exit(main())
