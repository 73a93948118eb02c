#!/bin/sh
# A field of the wrong type in a record a program reads is named (field,
# what it is, what is wanted) at the record's file:line, and the record is
# a bad one: the others still go through (-k, exit 1), or the run stops.
. "$(dirname "$0")/../lib.sh"

F=$(mktemp -d)
trap 'rm -rf "$F"' EXIT
# two hops of one structure each: LiF's for measure and rank, CaF2's for make-neb
# (whose second LiF hop has colliding images)
for s in mp-1138_LiF mp-2741_CaF2; do
	fetch-structures -q "$DATA/structures/$s.cif" | find-paths -q -n 2 > "$F/$s.jsonl"
	[ "$(grep -c . "$F/$s.jsonl")" -eq 2 ] || { echo "FAIL fields: no two paths of $s"; exit 1; }
done
P=$F/mp-1138_LiF.jsonl
ID=mp-1138.F.0

# paths 'A/B' PROGRAM [FILE]: the program on two paths (FILE, else $P), the first
# one edited by sed 1s/A/B/, then how many records it wrote
paths() { echo "sed '1s/$1' ${3:-$P} > in.jsonl && $2 in.jsonl > o; s=\$?; grep -c '\"id\"' o; exit \$s"; }

# measure: -k skips the bad record and measures the other (of the same structure)
expect measure-length-string 1 "$(paths '"length":[0-9.]*/"length":"2.7"/' 'measure -k --only oxidation_state')" '1
' "measure: in.jsonl:1: record $ID: \"length\" is a string, want a number
measure: 2 records; skipped 1 bad record (\"length\" is a string, want a number: 1)
"
expect measure-stops 2 "$(paths '"length":[0-9.]*/"length":"2.7"/' 'measure --only oxidation_state')" '0
' "measure: in.jsonl:1: record $ID: \"length\" is a string, want a number
"
expect measure-iindex-real 1 "$(paths '"iindex":1,/"iindex":1.5,/' 'measure -kq --only dimensionality')" '1
' "measure: in.jsonl:1: record $ID: \"iindex\" is the number 1.5, want an integer from 0 to 2147483647
measure: 2 records; skipped 1 bad record (\"iindex\" is the number 1.5, want an integer from 0 to 2147483647: 1)
"
expect measure-esite-entry 1 "$(paths '"esite":\[-0.5,/"esite":["-0.5",/' 'measure -kq --only dimensionality')" '1
' "measure: in.jsonl:1: record $ID: \"esite.0\" is a string, want a number
measure: 2 records; skipped 1 bad record (\"esite.0\" is a string, want a number: 1)
"
expect measure-matrix-rows 1 "$(paths '"matrix":\[\[0,3,-1\],/"matrix":[/' 'measure -kq --only dimensionality')" '1
' "measure: in.jsonl:1: record $ID: \"supercell.matrix\" has 2 entries, want 3
measure: 2 records; skipped 1 bad record (\"supercell.matrix\" has 2 entries, want 3: 1)
"
# null is absent: the documented default, not an error
expect measure-null-is-absent 0 "$(paths '"length":[0-9.]*/"length":null/' 'measure -q --only oxidation_state')" '2
' ''

# make-neb: the good hop still gets its job
C=$F/mp-2741_CaF2.jsonl
expect make-neb-ion-number 1 "$(paths '"ion":"F"/"ion":9/' 'make-neb -kq -d c' "$C")" '1
' "make-neb: in.jsonl:1: record mp-2741.F.0: \"ion\" is the integer 9, want a string
make-neb: 2 records; skipped 1 bad record (\"ion\" is the integer 9, want a string: 1)
"
expect make-neb-matrix-entry 1 "$(paths '"matrix":\[\[-2,/"matrix":[["-2",/' 'make-neb -kq -d c' "$C")" '1
' "make-neb: in.jsonl:1: record mp-2741.F.0: \"supercell.matrix.0.0\" is a string, want an integer from -4096 to 4096
make-neb: 2 records; skipped 1 bad record (\"supercell.matrix.0.0\" is a string, want an integer from -4096 to 4096: 1)
"

# rank: an id or a default sort key of the wrong type
expect rank-id-number 1 "$(paths '"id":"mp-1138.F.0"/"id":7/' 'rank -kq')" '1
' "rank: in.jsonl:1: \"id\" is the integer 7, want a string
rank: 2 records; skipped 1 bad record (\"id\" is the integer 7, want a string: 1)
"
expect rank-nsites-string 1 "$(paths '"nsites_777":54/"nsites_777":"54"/' 'rank -kq')" '1
' "rank: in.jsonl:1: record $ID: \"nsites_777\" is a string, want an integer of at least 0
rank: 2 records; skipped 1 bad record (\"nsites_777\" is a string, want an integer of at least 0: 1)
"
expect rank-exclude-id 2 "echo '{\"id\":[1]}' > x.jsonl && rank -q -x x.jsonl $P" '' \
	"rank: --exclude x.jsonl:1: \"id\" is an array, want a string
"

# run-vasp add: the good job is added, the bad one rejected
expect run-vasp-add-nimages 0 "$MKJOB -k neb -i 5 d && $MKJOB s && printf '%s\\n' '{\"id\":\"x\",\"dir\":\"d\",\"kind\":\"neb\",\"nimages\":\"5\"}' \\
	'{\"id\":\"y\",\"dir\":\"d\",\"kind\":\"neb\",\"nimages\":5}' '{\"id\":\"z\",\"dir\":\"s\",\"reuse_wavecar\":1}' > b.jsonl &&
	run-vasp add b.jsonl; echo \$?; ls jobs/ready" '1
001000000001.y.json
' 'run-vasp: b.jsonl:1: record x: "nimages" is a string, want an integer from 1 to 97
run-vasp: b.jsonl:3: record z: "reuse_wavecar" is the integer 1, want true or false
run-vasp: 1 jobs added, 0 already known, 2 rejected
'

# run-vasp topup: a state file edited by hand is named and its job left ready; the
# other is started (and ends, failed: its calculator writes nothing) as before
expect run-vasp-state-attempts 1 "$MKJOB d && printf '%s\\n' '{\"id\":\"y\",\"dir\":\"d\"}' '{\"id\":\"z\",\"dir\":\"d\"}' > b.jsonl &&
	run-vasp -q add b.jsonl && sed -i 's/\"attempts\":0/\"attempts\":\"0\"/' jobs/ready/*.y.json &&
	run-vasp -q topup -n 2 --poll 0.05 -c true; s=\$?; n=0
	while [ -e jobs/active/z.json ] && [ \$n -lt 300 ]; do sleep 0.1; n=\$((n + 1)); done
	ls jobs/ready jobs/failed; exit \$s" 'jobs/failed:
z.json

jobs/ready:
001000000001.y.json
' 'run-vasp: y: "attempts" is a string, want an integer from 0 to 2147483647
'

# collect: a job.json field of the wrong type; the other job is still collected
JOBS="for j in a b; do mkdir -p \$j/start \$j/mid \$j/end && for i in start mid end; do
	cp $DATA/vasp/static_v51/vasprun.xml.gz \$j/\$i; done; done &&
	echo '{\"id\":\"a\",\"kind\":\"static3\",\"natoms\":\"8\"}' > a/job.json &&
	echo '{\"id\":\"b\",\"kind\":\"static3\",\"natoms\":8}' > b/job.json"
expect collect-natoms-string 1 "$JOBS && collect -kq a b > o; s=\$?; grep -o '\"id\":\"[a-z]\"' o; exit \$s" '"id":"b"
' 'collect: a/job.json: "natoms" is a string, want an integer from 1 to 2147483647
'
expect collect-archive-kind 1 "$JOBS && sed -i 's/\"static3\"/3/' a/job.json && tar czf a.tar.gz a && rm -r a &&
	collect -kq a.tar.gz b > o; s=\$?; grep -o '\"id\":\"[a-z]\"' o; exit \$s" '"id":"b"
' 'collect: a.tar.gz: job.json: "kind" is the integer 3, want a string
'

# report: a result of the wrong type is left out and named; the page is still written
expect report-barrier-string 1 "mkdir st && printf '%s\\n' '{\"id\":\"a.F.0\",\"state\":\"done\",\"energy_barrier\":\"0.3\"}' \\
	'{\"id\":\"b.F.0\",\"state\":\"done\",\"energy_barrier\":0.4}' > st/results.jsonl &&
	report st; s=\$?; grep -c 'b\\.F\\.0' st/report.html | sed 's/^[1-9][0-9]*\$/shown/'; grep -c 'a\\.F\\.0' st/report.html; exit \$s" 'shown
0
' 'report: st/results.jsonl:1: record a.F.0: "energy_barrier" is a string, want a number
'

# fetch-structures: a structure record's energy above the hull of the wrong type
expect fetch-ehull-string 1 "fetch-structures -q \$DATA/structures/mp-1138_LiF.cif > s.jsonl &&
	sed 's/^{/{\"e_above_hull\":\"0.1\",/' s.jsonl > bad.jsonl && sed 's/^{/{\"e_above_hull\":0.1,/' s.jsonl > good.jsonl &&
	cat bad.jsonl good.jsonl | fetch-structures -kq > o; s=\$?; grep -c e_above_hull o; exit \$s" '1
' 'fetch-structures: -:1: "e_above_hull" is a string, want a number (eV per atom)
fetch-structures: 1 written; skipped 1 bad structure ("e_above_hull" is a string, want a number (eV per atom): 1)
'

finish
