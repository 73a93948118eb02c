#!/bin/sh
# scripts/pipeline.mk: all is the default goal, study.mk keeps the
# parameters, a stage is rebuilt exactly when its values change, make -n
# changes nothing, JOBS sets -j, a tier B on tier A's table waits for its
# relaxations and drains into a table of its own.  (The run, collect and
# table targets of tier A run in readme.sh and topup.sh.)
. "$(dirname "$0")/../lib.sh"
# make as the user runs it, not as a child of make check
unset MAKELEVEL MAKEFLAGS MFLAGS

MK="make -f $TOP/scripts/pipeline.mk"
STUDY="mkdir structures && cp $TOP/examples/mp-2741_CaF2.cif $TOP/examples/mp-1138_LiF.cif structures"
FIRST="$STUDY && $MK CUTOFF=4 LIMIT=2 > /dev/null 2> first.err"
# the programs a make would run (or -n would print), one a line
RUNS="sed -n 's/^\\(fetch-structures\\|find-paths\\|measure\\|rank\\|make-neb\\|run-vasp\\) .*/\\1/p'"

expect default-goal-builds-jobs 0 "$FIRST && wc -l < jobs.jsonl && grep study.mk first.err" '2
study.mk: written with the values used: edit it, or give NAME=value to make
' ''
expect study-file-written 0 "$FIRST && grep -E '^(SOURCES|ION|CUTOFF|LIMIT|JOBS|WHERE) =' study.mk" 'SOURCES = structures
ION = F
CUTOFF = 4
JOBS = $(NCORES)
WHERE = measures.dimensionality >= 1 and measures.oxidation_state == $(ION_OXIDATION)
LIMIT = 2
' ''
expect nothing-to-do 0 "$FIRST && $MK" "make: Nothing to be done for 'all'.
" ''
# a later target with no values given uses study.mk's: nothing is rebuilt
expect values-stick 0 "$FIRST && $MK -n run | $RUNS" 'run-vasp
run-vasp
' ''
expect values-stick-built 0 "$FIRST && $MK status > /dev/null && $MK -n && wc -l < queue.jsonl" "make: Nothing to be done for 'all'.
2
" ''
# a value on the command line is used, written back, and rebuilds what uses it
expect command-line-updates 0 "$FIRST && echo '# my note' >> study.mk && $MK CUTOFF=4.5 2> err | $RUNS && cat err | grep study.mk &&
	grep -c '^CUTOFF = 4.5\$' study.mk && grep -c '^# my note' study.mk && $MK -n" 'find-paths
measure
rank
make-neb
run-vasp
study.mk: CUTOFF = 4.5
1
1
make: Nothing to be done for '"'all'"'.
' ''
expect edited-file-used 0 "$FIRST && sed -i 's/^LIMIT = .*/LIMIT = 1/' study.mk && $MK 2>/dev/null | $RUNS && wc -l < queue.jsonl" 'rank
make-neb
run-vasp
1
' ''
# make -n prints what would run and writes nothing
expect dry-run-first 0 "$STUDY && $MK -n CUTOFF=4 2> err | $RUNS && ls && cat err" 'fetch-structures
find-paths
measure
rank
make-neb
run-vasp
err
structures
' ''
expect dry-run-change 0 "$FIRST && cp study.mk before && ls -l --time-style=+%s%N .params > p1 && $MK -n CUTOFF=6 LIMIT=3 | $RUNS &&
	cmp study.mk before && ls -l --time-style=+%s%N .params | cmp - p1 && $MK -n CUTOFF=6 LIMIT=3 | grep -c 'study.mk: CUTOFF = 6; LIMIT = 3'" 'find-paths
measure
rank
make-neb
run-vasp
1
' ''
expect jobs-default-cores 0 "$FIRST && rm paths.jsonl && $MK -n | grep -o -- \"-j '[0-9]*'\" | sort -u" "-j '$(nproc 2>/dev/null || echo 1)'
" ''
expect jobs-set 0 "$FIRST && $MK JOBS=3 CUTOFF=5 | grep -o \"^[a-z-]* -q -j '[0-9]*'\" && grep '^JOBS' study.mk" "find-paths -q -j '3'
measure -q -j '3'
JOBS = 3
" '*'
# a value is one word for the shell, whatever it holds: a ; in LIMIT is
# rank's to refuse, not a second command
expect value-is-one-word 2 "$FIRST && $MK -n 'LIMIT=2; touch pwned' 2>/dev/null | grep -o \"rank .* -n '[^']*'\" | sed 's/.* -n //' &&
	$MK 'LIMIT=2; touch pwned' > /dev/null 2>&1; s=\$?; test ! -e pwned && exit \$s" "'2; touch pwned'
" ''
# a # in a value is kept, escaped as make needs it
expect hash-in-value 0 "$STUDY && $MK -s params 'INCAR=SYSTEM=a#b' 2>/dev/null && grep '^INCAR' study.mk && $MK -n | grep -o -- \"-I '[^ ]*\"" "INCAR = SYSTEM=a\\#b
-I 'SYSTEM=a#b'
" ''

# Tier B: NEBs between relaxed endpoints on tier A's barriers.  Built once
# tier A is done, the hops wait for their relaxations; drain runs them all
# once; results-B.jsonl has a barrier for each, tier A's beside it
TB="'TIERS=A B' B_LIMIT=2 B_IMAGES=3"
expect tier-b-waits-and-drains 0 "$FIRST && $MK -s drain > /dev/null 2>&1 && $MK -s $TB 2>/dev/null &&
	ls jobs-B/ready jobs-B/waiting | sed 's/^[0-9]*[.]//' && grep -c '\"kind\":\"neb\".*\"parents\":\\[\"mp-' jobs-B.jsonl &&
	$MK -s drain > /dev/null 2>&1 && run-vasp -s jobs-B list --csv | cut -d, -f1-3 | sort &&
	$MK -s table 2>/dev/null | sed 1d | cut -d, -f2,6 | sort > a && $MK -s table-B 2>/dev/null | sed 1d | cut -d, -f2,5 | sort > b && cmp a b &&
	$MK -s table-B 2>/dev/null | awk -F, 'NR > 1 && \$6 > 0.05 && \$6 < 2 && \$7 == \"true\" { print \$2 }' | sort" 'jobs-B/ready:
mp-2741.Fvac2.m2b5e0182.json
mp-1138.Fvac2.m44011252.json

jobs-B/waiting:
mp-1138.F.0.json
mp-2741.F.0.json
2
id,state,attempts
mp-1138.F.0,done,1
mp-1138.Fvac2.m44011252,done,1
mp-2741.F.0,done,1
mp-2741.Fvac2.m2b5e0182,done,1
mp-1138.F.0
mp-2741.F.0
' ''
# tier B follows tier A's table: a second look at it rebuilds nothing, a
# wider B_LIMIT adds only the new hop and its relaxation
expect tier-b-follows-tier-a 0 "$FIRST && $MK -s drain > /dev/null 2>&1 && $MK -s $TB B_LIMIT=1 2>/dev/null && $MK $TB B_LIMIT=1 2>/dev/null | $RUNS &&
	$MK -s $TB 2> err && grep -o 'run-vasp: .*' err" 'run-vasp: 2 jobs added, 2 already known, 0 rejected
' ''
# what each tier's make-neb is asked for
expect tier-options 0 "$FIRST && $MK -n $TB RELAX=yes REUSE_WAVECAR=yes B_KIND=static3 B_CLIMB=no B_ENDPOINTS_FROM= 2>/dev/null |
	tr -d '\\\\' | tr -s ' \t\n' ' ' | grep -o 'make-neb [^|]*' | sed 's/ || .*//'" "make-neb -q -k -t 'static3' --idpp --relax-endpoints --reuse-wavecar -d 'calcs' -o jobs.jsonl.tmp queue.jsonl 
make-neb -q -k -t 'static3' --idpp --relax-endpoints --reuse-wavecar -d 'calcs-B' -o jobs-B.jsonl.tmp queue-B.jsonl 
" ''
expect tier-b-defaults 0 "$FIRST && $MK -n $TB 2>/dev/null | tr -d '\\\\' | tr -s ' \t\n' ' ' | grep -o 'make-neb [^|]*calcs-B[^|]*' | sed 's/ || .*//'" \
	"make-neb -q -k -t 'neb' --idpp --relax-endpoints -i '3' --climb --endpoints-from 'calcs' -d 'calcs-B' -o jobs-B.jsonl.tmp queue-B.jsonl 
" ''
# MODEL=yes: BY orders the queue until MIN_TRAIN results have a barrier,
# then a model of them (learn), refit when results.jsonl changes
ML="mkdir structures && cp $TOP/examples/*.cif structures && $MK -s MODEL=yes MIN_TRAIN=4 LIMIT=6 CUTOFF=4"
# (collect runs on every make then, and the rest only when results changed)
expect model-orders-queue 0 "$ML 2> e1 && grep '^model:' e1 && $MK -s drain > /dev/null 2>&1 && $MK -s results.jsonl 2> /dev/null &&
	$MK -s LIMIT=10 2> e2 && sed -n 's/, cross-validated.*//p' e2 && wc -l < queue.jsonl &&
	jq -r '.prediction.value' queue.jsonl | sort -c -g && jq -c -s 'map(.prediction | has(\"sd\") and .model == \"model.json\") | unique' queue.jsonl &&
	touch stamp && $MK -s 2> e3 && grep -c '^model:' e3; find queue.jsonl model.json -newer stamp | wc -l" \
	'model: 0 results with a barrier, 4 wanted: the queue is ordered by measures.bvse_barrier
model: refit on 6 results
10
[true]
0
0
' ''
finish
