#!/bin/sh
# scripts/topup and scripts/pipeline.mk: the cron loop drains the queue,
# never runs a job twice, widens through the tiers, logs one line per round.
. "$(dirname "$0")/../lib.sh"

# a study of three example fluorides, the first tier two hops, then wider
STUDY="mkdir structures && cp $TOP/examples/mp-2741_CaF2.cif $TOP/examples/mp-1138_LiF.cif $TOP/examples/mp-315_PbF2.cif structures &&
	printf '# wider\nLIMIT=4\nCUTOFF=4.5 LIMIT=8\n' > tiers"
VARS="LIMIT=2 MAX_ACTIVE=2 CUTOFF=4"
T="$TOP/scripts/topup"
# 20 rounds in a row, and two more started at the same moment (one of
# which usually finds the lock held and logs "skipped")
ROUNDS="for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do $T $VARS || exit 1; [ \$i = 5 ] && { $T $VARS & $T $VARS; wait; }; sleep 0.3; done"
# finished: every job done once, the ids unique
CHECK="run-vasp list | awk 'NR > 1 { n++; if (\$2 != \"done\" || \$3 != 1) bad++ } END { print n \" jobs, \" bad + 0 \" not done once\" }' &&
	awk -F'\"id\":\"' '{ split(\$2, a, \"\\\"\"); print a[1] }' results.jsonl | sort | uniq -d | wc -l"

expect drains-and-widens 0 "$STUDY && $ROUNDS && $CHECK && cat .tier && wc -l < topup.log && grep -c 'widened to tier' topup.log" \
	'~^[0-9]+ jobs, 0 not done once
0
2
22
2
$' ''
expect log-line 0 "$STUDY && $T $VARS && cat topup.log" \
	'~^20[0-9-]+T[0-9:]+Z tier 0: (queued|running|ready|done)=[0-9].*; started 2, collected [0-9]+ new, [0-9]+ replaced$' ''
# every round leaves the page of the study, its funnel counting the queue
expect report-each-round 0 "$STUDY && $T $VARS && grep -c '<html' report.html && grep -q 'id=\"funnel\"' report.html && ls -A | grep 'report.*tmp' | wc -l" '1
0
' ''
expect no-more-tiers 0 "$STUDY && : > tiers && for i in 1 2 3 4 5 6 7 8 9 10; do $T $VARS; sleep 0.3; done; tail -n 1 topup.log" \
	'~tier 0: done=2; started 0, collected 0 new, 0 replaced; queue drained, no wider tier in tiers$' ''
# MODEL=yes: once MIN_TRAIN results have a barrier each round refits the
# model and the log says on how many, and how it cross-validates
expect model-refit-logged 0 "$STUDY && : > tiers && for i in \$(seq 20); do $T $VARS MODEL=yes MIN_TRAIN=2 || exit 1;
	grep -q 'model: refit' topup.log && break; sleep 0.3; done; grep -o 'model: .*' topup.log | sort | uniq -c | sed 's/^ *//'" \
	'~1 model: refit on 2 results, no cross-validation \(2 groups \(structure_id\) for 5 folds: each fold needs one\)' ''
expect make-drain-table 0 "$STUDY && make -s -f $TOP/scripts/pipeline.mk $VARS drain > /dev/null 2>&1 && make -s -f $TOP/scripts/pipeline.mk $VARS table 2>/dev/null | cut -d, -f2,7 | sort" 'id,converged
mp-2741.F.0,true
mp-315.F.0,true
' ''
# Every hop of the test structures up to 8 A (some 140 jobs) through 20
# rounds and more, some failing once and retried, some
# failing for good: results.jsonl holds every job exactly once, each done
# job with its barrier, each failed one with its cause.
CALC="printf '#!/bin/sh\\ncase \$PWD in\\n*.F.1/start) [ -e ../.failed ] || { touch ../.failed; echo first attempt fails >&2; exit 1; } ;;\\n*.F.2/mid) echo always fails >&2; exit 1 ;;\\nesac\\nexec ff-calc -q\\n' > calc && chmod +x calc"
MANY="CUTOFF=8 MAX_PATHS=0 LIMIT=200 MAX_ACTIVE=20 SOURCES=$DATA/structures VASP_CMD=\$PWD/calc"
BUSY="run-vasp status | awk '\$1 == \"ready\" || \$1 == \"active\" || \$1 == \"queued\" || \$1 == \"running\" { n += \$2 } END { print n + 0 }'"
expect many-jobs-results 0 "$CALC && : > tiers && for i in \$(seq 20); do $T $MANY || exit 1; run-vasp retry --failed > /dev/null 2>&1; sleep 0.2; done &&
	i=0; while [ \$($BUSY) -gt 0 ] && [ \$i -lt 200 ]; do $T $MANY; sleep 0.2; i=\$((i + 1)); done; $T $MANY &&
	n=\$(run-vasp list | awk 'NR > 1' | wc -l) && [ \$n -ge 100 ] && echo 'at least 100 jobs' &&
	sed 's/.*\"id\":\"\([^\"]*\)\".*/\\1/' results.jsonl | sort > ids && run-vasp list | awk 'NR > 1 { print \$1 }' | sort > known &&
	cmp ids known && uniq -d ids | wc -l &&
	grep '\"run_state\":\"done\"' results.jsonl | grep -vc energy_barrier;
	grep '\"run_state\":\"failed\"' results.jsonl | grep -c 'always fails' | grep -qv '^0' && echo failed-with-cause" \
	'at least 100 jobs
0
0
failed-with-cause
' ''
# a DFT tier in the tiers file: once tier A is drained, tier B's NEBs
# between relaxed endpoints are built on its barriers, wait for their
# relaxations, run once each and fill results-B.jsonl
STUDY_B="mkdir structures && cp $TOP/examples/mp-2741_CaF2.cif $TOP/examples/mp-315_PbF2.cif structures &&
	printf '# then the next DFT tier\n\"TIERS=A B\" B_LIMIT=2 B_IMAGES=3\n' > tiers"
NEBS="grep -c '\"kind\":\"neb\".*\"energy_barrier\"' results-B.jsonl 2>/dev/null"
expect dft-tier 0 "$STUDY_B && for i in \$(seq 40); do $T $VARS || exit 1; [ \"\$($NEBS)\" = 2 ] && break; sleep 0.3; done;
	cat .tier && grep -c 'widened to tier 1 (\"TIERS=A B\" B_LIMIT=2 B_IMAGES=3)' topup.log && $NEBS &&
	run-vasp -s jobs-B list --csv | cut -d, -f2,3 | sort | uniq -c && grep '^TIERS' study.mk" '1
1
2
      4 done,1
      1 state,attempts
TIERS = A B
' ''
# Done jobs are archived by default (study.mk then says so): the study
# keeps CALCS/ID.tar.gz, verified, and no directory of a done job; every
# result is kept, and collect reads the archives as the directories.  With
# RELAX=yes the relaxations (two, shared by the two hops) are archived
# before their hops run, which are prepared from the archives.  ARCHIVE = no in study.mk keeps directories.
DRAIN="for i in \$(seq 30); do $T \$V || exit 1; [ \$(run-vasp status | awk '\$1 == \"done\" { print \$2 }') -ge \$N ] && break; sleep 0.3; done; $T \$V"
expect archives-by-default 0 "$STUDY && : > tiers && V='$VARS' N=2 && $DRAIN && grep '^ARCHIVE' study.mk && ls calcs &&
	$CHECK && collect -q calcs | wc -l && wc -l < results.jsonl && for f in calcs/*.tar.gz; do tar -tzf \$f | grep -c OUTCAR; done" 'ARCHIVE = yes
mp-2741.F.0.tar.gz
mp-315.F.0.tar.gz
2 jobs, 0 not done once
0
2
2
3
3
' ''
expect archives-relaxations 0 "$STUDY && : > tiers && V='$VARS RELAX=yes' N=4 && $DRAIN && ls calcs | grep -vc 'tar[.]gz\$';
	$CHECK && grep -c '\"kind\":\"static3\".*energy_barrier' results.jsonl && ls calcs | wc -l" '0
4 jobs, 0 not done once
0
2
4
' ''
expect archive-no-keeps-directories 0 "$STUDY && : > tiers && echo 'ARCHIVE = no' > study.mk && V='$VARS' N=2 && $DRAIN && ls calcs &&
	grep -c '^ARCHIVE = no' study.mk" 'mp-2741.F.0
mp-315.F.0
1
' ''
# A hostile tiers line is refused, the whole file checked at the start of
# every round: the round stops with the file, line, column and what is
# wrong, on stderr and in the log, and nothing runs (no table, no job, no
# file made by the line).
sq() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }
hostile() { # name line message
	expect "hostile-$1" 0 "$STUDY && printf '%s\\n' $(sq "$2") >> tiers && { $T $VARS; echo \$?; } &&
		ls | grep -c -e pwned -e '^jobs\$' -e jsonl; tail -n 1 topup.log | cut -d' ' -f2-" "1
0
tier 0: tiers:4:$3
" "topup: tiers:4:$3
"
}
hostile semicolon 'LIMIT=1; touch pwned' "8: ';' outside quotes: a shell would take it as an operator"
hostile command-substitution 'LIMIT=$(touch pwned)' "7: '\$': make would expand it (write the value itself)"
hostile backquotes 'LIMIT=`touch pwned`' '7: a backquote (`): a shell would run what it quotes'
hostile quoted-dollar "'LIMIT=1 \$(touch pwned)'" "10: '\$': make would expand it (write the value itself)"
hostile unbalanced-quote '"TIERS=A B B_LIMIT=2' '1: unbalanced quote ": it is not closed on the line'
hostile not-an-assignment 'LIMIT=1 touch pwned' "9: 'touch' is not an assignment NAME=VALUE (NAME: letters, digits, _)"
hostile make-shell 'SHELL=./pwned' '1: SHELL: not a variable a tier may set'
hostile pipeline-internal "'TOPUP=touch pwned'" '1: TOPUP: not a variable a tier may set'
hostile redirect 'LIMIT=2>pwned' "8: '>' outside quotes: a shell would take it as an operator"
hostile carriage-return "$(printf 'LIMIT=2\r')" '8: control character 0x0d (a DOS line end?)'
# quoted, a ; is a value like any other: the value reaches rank as one
# word (pipeline.mk quotes every value), which refuses it, and nothing else runs
expect quoted-operator-is-data 0 "$STUDY && printf '%s\\n' \"'MAX_PATHS=1; touch pwned'\" > tiers && echo 1 > .tier && { $T $VARS; echo \$?; } &&
	ls | grep -c pwned; tail -n 1 topup.log | cut -d' ' -f2- | sed -E 's/: make(\[[0-9]+\])?: .*//'; grep -o \"find-paths: invalid.*'1; touch pwned'\" .topup.out" "1
0
tier 1: building the queue failed
find-paths: invalid --max-paths '1; touch pwned'
" ''
expect bad-tier-number 0 "$STUDY && echo '1+1' > .tier && { $T $VARS; echo \$?; } && ls | grep -c jsonl; cut -d' ' -f2- topup.log" "1
0
tier 1+1: .tier: '1+1' is not a tier number
" "topup: .tier: '1+1' is not a tier number
"
expect bad-option 2 "$T -x" '' '~^usage: topup'
expect queue-fails 0 "mkdir structures && echo 'not a crystal' > structures/x.cif && { $T; echo \$?; cat topup.log; }" \
	'~tier 0: building the queue failed' ''
finish
