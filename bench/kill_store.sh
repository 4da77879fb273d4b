#!/bin/sh
# The kill tests at full strength (the suite runs fewer):
# - the store: 100 SIGKILLs of a writing process on a short-article mix and 100 on a
#   100k-character / 2,000-span article (the suite runs 15 of each);
# - with KILL_TRIALS=N as well, every command's kill test (add, import, each export, merge)
#   with N kills each (the suite runs 12, and 6 per export format).
#   sh bench/kill_store.sh            KILL_TRIALS=25 sh bench/kill_store.sh
cd "$(dirname "$0")/.." || exit 1
export PYTHONPATH="$PWD"
tests="tests/unit/test_store_kill.py"
[ -n "$KILL_TRIALS" ] && tests="$tests tests/cli/test_hostile_kill.py"
start=$(date +%s)
# shellcheck disable=SC2086
KILL_ROUNDS=${KILL_ROUNDS:-100} "${PYTHON:-python}" -m pytest -q -p no:cacheprovider -s $tests "$@"
code=$?
echo "kill bench: $(( $(date +%s) - start )) s, rounds per article size: ${KILL_ROUNDS:-100}${KILL_TRIALS:+, kills per command: $KILL_TRIALS}"
exit $code
