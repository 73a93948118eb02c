# Shared by the command tests: table-driven cases, each in its own temp dir.
#
#   expect NAME STATUS 'SHELL COMMAND' 'STDOUT' 'STDERR'
#
# STDOUT and STDERR are the exact text expected, or "~ERE" to grep for, or
# "*" for anything.  The command runs with sh -c in a fresh mktemp -d, with
# $DATA pointing at tests/data, bin/ first on PATH and $MKJOB naming
# tests/cmd/mkjob.  A failure prints the command and a diff.  With HOPKIT_TEST_TIMES=FILE each case appends
# "script case seconds" to FILE, to see where a suite's time goes.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$TOP/tests/data
PATH=$TOP/bin:$PATH
# makes job directories run-vasp accepts (tests/cmd/mkjob)
MKJOB=$TOP/tests/cmd/mkjob
export DATA TOP PATH MKJOB LC_ALL=C
pass=0
fail=0
name=$(basename "$0" .sh)

match() { # what expected actual-file
	case "$2" in
	"*") return 0 ;;
	"~"*) grep -Eq -- "${2#\~}" "$3" ;;
	*) printf '%s' "$2" | diff -u - "$3" >"$3.diff" ;;
	esac
}

expect() {
	_name=$1 _status=$2 _cmd=$3 _out=$4 _err=$5
	_dir=$(mktemp -d)
	[ -z "${HOPKIT_TEST_TIMES:-}" ] || _t0=$(date +%s%N)
	(cd "$_dir" && sh -c "$_cmd" >"$_dir/.out" 2>"$_dir/.err" </dev/null)
	_got=$?
	[ -z "${HOPKIT_TEST_TIMES:-}" ] ||
		echo "$name $_name $(( ($(date +%s%N) - _t0) / 1000000 ))" |
		awk '{ printf "%s %s %.2f\n", $1, $2, $3 / 1000 }' >>"$HOPKIT_TEST_TIMES"
	_ok=1
	[ "$_got" -eq "$_status" ] || _ok=0
	match stdout "$_out" "$_dir/.out" || _ok=0
	match stderr "$_err" "$_dir/.err" || _ok=0
	if [ $_ok -eq 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name: $_name"
		echo "  command: $_cmd"
		echo "  status: $_got (want $_status)"
		for f in out err; do
			[ -s "$_dir/.$f.diff" ] && sed 's/^/  /' "$_dir/.$f.diff"
			echo "  std$f:"; head -c 2000 "$_dir/.$f" | sed 's/^/    /'
		done
	fi
	rm -rf "$_dir"
}

# Print the summary; exit non-zero on failure.
finish() {
	echo "$name: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}

# The shared corpus, or "": the folder holding data/structures and
# data/vasp, ../shared beside the repository unless HOPKIT_SHARED names it.
SHARED=${HOPKIT_SHARED:-$TOP/../shared}
SHARED_MISSING="no corpus at $SHARED/data/structures (set HOPKIT_SHARED to the folder that holds data/structures and data/vasp)"
[ -d "$SHARED/data/structures" ] || SHARED=
PYTHON=/usr/bin/python3
have_pymatgen() { "$PYTHON" -c 'import pymatgen' 2>/dev/null; }

# Skip a whole script with a reason (counts as passing, says so).
skip_all() {
	echo "$name: SKIPPED: $1"
	echo "$name: 0 passed, 0 failed"
	exit 0
}

