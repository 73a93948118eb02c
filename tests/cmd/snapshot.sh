#!/bin/sh
# scripts/snapshot: the stage tables in one verified tarball and back;
# interrupted or corrupt, nothing is replaced.
. "$(dirname "$0")/../lib.sh"

SNAP=$TOP/scripts/snapshot
# a study's tables (their content is the snapshot's business only as bytes)
MK='mkdir s && cd s && seq 1 2000 | sed "s/.*/{\"id\":\"x&\"}/" > paths.jsonl && printf "{\"id\":\"a\"}\n" > results.jsonl &&
	gzip -c paths.jsonl > measured.jsonl.gz && echo "CUTOFF = 5" > study.mk && echo "LIMIT=10" > tiers && echo other > notes.txt &&
	mkdir keep && cp paths.jsonl results.jsonl measured.jsonl.gz study.mk tiers keep/'
SAME='for f in paths.jsonl results.jsonl measured.jsonl.gz study.mk tiers; do cmp $f keep/$f || echo differs $f; done'

expect usage 2 "$SNAP -x" '' '~^usage: snapshot'
expect no-tables 1 "$SNAP" '' '~^snapshot: no stage table in /'
expect writes-and-lists 0 "$MK && $SNAP -n st > p && f=\$(cat p) && case \$f in snapshots/st-20*Z.tar.gz) echo named;; esac &&
	bsdtar -tf \$f | tr '\n' ' ' && ls -A snapshots | wc -l" 'named
measured.jsonl.gz paths.jsonl results.jsonl study.mk tiers 1
' ''
expect restores-byte-identical 0 "$MK && f=\$($SNAP) && echo changed > results.jsonl && rm paths.jsonl && echo x > other.jsonl &&
	$SNAP -r \$f | sed 's/from .*/from F/' && $SAME && cat other.jsonl notes.txt && ls -A | grep snapshot-restore | wc -l" 'snapshot: restored 5 tables from F
x
other
0
' ''
expect corrupt-restores-nothing 1 "$MK && f=\$($SNAP) && head -c 600 \$f > cut.tar.gz && echo changed > results.jsonl &&
	$SNAP -r cut.tar.gz; s=\$?; cat results.jsonl; ls -A | grep snapshot-restore | wc -l; exit \$s" 'changed
0
' '~^snapshot: .*cut.tar.gz: corrupt.*\(nothing restored\)'
expect restore-refuses-paths 1 "$MK && mkdir -p x/y && echo z > x/y/z && bsdtar -czf evil.tar.gz x/y/z && $SNAP -r evil.tar.gz; s=\$?; ls x/y; exit \$s" 'z
' "~member 'x/y/z' is not a stage table"
# kill -9 at a random point of a second snapshot: the first and the
# tables are as they were, and the next snapshot clears the debris
expect kill-9-keeps-earlier 0 "$MK && seq 1 300000 > paths.jsonl && cp paths.jsonl keep/ && first=\$($SNAP -n st) && cp \$first first.tgz && sleep 1 &&
	k=0; while [ \$k -lt 5 ]; do $SNAP -n st >/dev/null 2>&1 & p=\$!; sleep 0.0\$(( (k * 37) % 10 )); kill -9 \$p 2>/dev/null; wait \$p 2>/dev/null; k=\$((k+1)); done;
	$SAME && cmp \$first first.tgz && ls snapshots/st-*.tar.gz | while read f; do bsdtar -tf \$f >/dev/null || echo broken \$f; done;
	sleep 1; $SNAP -n st >/dev/null && ls -A snapshots | grep tmp | wc -l" '0
' ''
expect restore-missing 1 "$SNAP -r nothing.tar.gz" '' '~^snapshot: .*nothing.tar.gz: no such snapshot'
# the demo's study: its tables come back byte for byte, through pipeline.mk
expect demo-study 0 "DEMO_DIR=\$PWD/d $TOP/scripts/demo > /dev/null && cd d && mkdir ../keep && cp *.jsonl ../keep/ &&
	make -s -f $TOP/scripts/pipeline.mk snapshot > p && bsdtar -tf \$(cat p) | grep -c jsonl &&
	echo broken > results.jsonl && rm queue.jsonl && make -s -f $TOP/scripts/pipeline.mk snapshot-restore SNAP=\$(cat p) | sed 's/from .*/from F/' &&
	for f in ../keep/*.jsonl; do cmp \$f \$(basename \$f) || echo differs \$f; done" '6
snapshot: restored 6 tables from F
' ''
finish
