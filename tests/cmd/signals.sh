#!/bin/sh
# Ctrl-C (SIGINT) or SIGTERM of each program that writes -o FILE: the
# temporary file goes, FILE is not written, the status says the signal.
. "$(dirname "$0")/../lib.sh"

# Records for each stage, made once: structures, paths.
S=$(mktemp -d)
trap 'rm -rf "$S"' EXIT
fetch-structures -q "$DATA/structures/mp-2741_CaF2.cif" > "$S/s.jsonl"
find-paths -q -n 1 "$S/s.jsonl" > "$S/p.jsonl"
awk 'BEGIN { for (i = 0; i < 12; i++) printf "{\"id\":\"h%d\",\"structure_id\":\"s%d\",\"length\":%d,\"energy_barrier\":%d}\n", i, i % 4, i, i % 5 }' |
	learn fit -q -e 2 --rounds 3 -m "$S/m.json"

# The program reads its input from a FIFO held open, so it is caught
# mid-run; it is sent the signal once its temporary output exists.
# env --default-signal: a background job of sh starts with SIGINT ignored.
caught() { # signal input command...
	_sig=$1 _in=$2
	shift 2
	echo "mkfifo in && { env --default-signal=$_sig $* -o out.jsonl < in & p=\$!; } && exec 3> in && cat $_in >&3 &&
	i=0; until ls out.jsonl.tmp.* >/dev/null 2>&1 || [ \$i -ge 200 ]; do sleep 0.05; i=\$((i + 1)); done
	ls out.jsonl.tmp.* | wc -l; kill -$_sig \$p; wait \$p; echo \$?; exec 3>&-; ls -I in -I calcs"
}
for sc in INT:130 TERM:143; do
	sig=${sc%:*} code=${sc#*:} said=
	# sh may report a job that SIGTERM ended ("Terminated"), or not: when
	# the job was reaped while sh was busy elsewhere, it says nothing
	[ $sig = TERM ] && said='*'

	expect "fetch-structures-$sig" 0 "$(caught $sig "$S/s.jsonl" fetch-structures -q)" "1
$code
" "$said"
	expect "find-paths-$sig" 0 "$(caught $sig "$S/s.jsonl" find-paths -q)" "1
$code
" "$said"
	expect "measure-$sig" 0 "$(caught $sig "$S/p.jsonl" measure -q)" "1
$code
" "$said"
	expect "learn-predict-$sig" 0 "$(caught $sig "$S/p.jsonl" learn predict -q -m "$S/m.json")" "1
$code
" "$said"
	expect "rank-$sig" 0 "$(caught $sig "$S/p.jsonl" rank -q)" "1
$code
" "$said"
	expect "make-neb-$sig" 0 "$(caught $sig "$S/p.jsonl" make-neb -q -d calcs)" "1
$code
" "$said"
done
# collect -u: its table is written beside the old one; a job.json that is a
# FIFO holds collect in the middle of its walk.
expect collect-update-INT 0 "mkdir -p calcs/j && mkfifo calcs/j/job.json && echo '{\"id\":\"old\"}' > r.jsonl &&
	env --default-signal=INT collect -u r.jsonl calcs & p=\$!
	i=0; until ls r.jsonl.tmp.* >/dev/null 2>&1 || [ \$i -ge 200 ]; do sleep 0.05; i=\$((i + 1)); done
	ls r.jsonl.tmp.* | wc -l; kill -INT \$p; wait \$p; echo \$?; ls; cat r.jsonl" '1
130
calcs
r.jsonl
{"id":"old"}
' ''
finish
