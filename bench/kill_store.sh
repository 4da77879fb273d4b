#!/bin/sh
# The store's kill test at full strength: 100 SIGKILLs of a writing process on a short-article
# mix and 100 on a 100k-character / 2,000-span article (the suite runs 30 of each).
#   sh bench/kill_store.sh
cd "$(dirname "$0")/.." && KILL_ROUNDS=${KILL_ROUNDS:-100} PYTHONPATH=$PWD exec "${PYTHON:-python}" -m pytest -q -p no:cacheprovider tests/unit/test_store_kill.py "$@"
