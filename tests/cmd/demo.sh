#!/bin/sh
# make demo (scripts/demo): the whole pipeline with ff-calc prints a barrier
# for every hop it queued, and a second run recomputes nothing.
. "$(dirname "$0")/../lib.sh"

DEMO="DEMO_DIR=\$PWD/d $TOP/scripts/demo"
# the table's rows: rank, id, ..., NEB barrier, profile
ROWS="sed -n '/NEB profile$/,/^\$/p' out | awk 'NR > 1 && NF >= 7'"

expect barriers-for-every-hop 0 "$DEMO > out && q=\$(wc -l < d/queue.jsonl) && $ROWS > rows &&
	echo \$q \$(wc -l < rows) && awk '\$6 > 0.05 && \$6 < 2 && \$7 ~ /^plots\\/.*\\.svg\$/ { n++ } END { print n }' rows &&
	for f in \$(awk '{ print \$7 }' rows); do [ -s d/\$f ] || echo missing \$f; done" '6 6
6
' ''
# One energy model: in the NEB barriers' order, no hop comes after one whose
# softBV barrier is more than 0.01 eV lower (near-ties may swap)
expect same-order-as-softbv 0 "$DEMO > out && $ROWS | awk '{ b[NR] = \$5 } END { for (i = 1; i <= NR; i++) for (j = i + 1; j <= NR; j++) if (b[i] > b[j] + 0.01) bad++; print NR, bad + 0 }'" '6 0
' ''
expect second-run-recomputes-nothing 0 "$DEMO > out1 && sleep 1 && touch stamp && $DEMO > out2 &&
	find d -newer stamp -type f | grep -v -e run-vasp.log -e '/jobs/lock\$' | sort; sed -n '/NEB profile$/,/^\$/p' out1 > t1; sed -n '/NEB profile$/,/^\$/p' out2 > t2; [ -s t1 ] && cmp t1 t2 && echo same table" 'same table
' ''
finish
