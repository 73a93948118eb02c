#!/bin/sh
# shard: a table cut by structure, a stage run on each part that is due,
# the outputs joined in input order byte for byte as one run writes them;
# unchanged parts keep their time, a failed part is removed and rerun
# alone, bad input is named.  The same through pipeline.mk's SHARDS.
# (Slurm's array jobs: slurm.sh.)
. "$(dirname "$0")/../lib.sh"
unset MAKELEVEL MAKEFLAGS MFLAGS

S="fetch-structures -q $TOP/examples/*.cif > s.jsonl"
P="$S && find-paths -q s.jsonl > p.jsonl"
FP="find-paths -q"
# part 1's command fails while ./broken exists
FLAKY="printf '#!/bin/sh\ncase \"\$*\" in *in.001.jsonl*) [ -e broken ] && exit 3;; esac\nexec find-paths -q \"\$@\"\n' > fp && chmod +x fp"

expect split-join-find-paths 0 "$S && find-paths -q s.jsonl > ref && shard split -q -n 3 -d d s.jsonl &&
	shard run -q -n 3 -d d -- $FP && shard join -n 3 -d d s.jsonl > got && cmp ref got && ls d && wc -l < s.jsonl &&
	cat d/in.*.jsonl | wc -l" 'in.000.jsonl
in.001.jsonl
in.002.jsonl
out.000.jsonl
out.001.jsonl
out.002.jsonl
8
8
' ''
# paths are cut by their structure_id: one structure's hops stay together
expect split-join-measure 0 "$P && measure -q p.jsonl > ref && shard split -n 4 -d d p.jsonl &&
	shard run -n 4 -d d -- measure -q && shard join -o got d/../p.jsonl d/out.000.jsonl d/out.001.jsonl d/out.002.jsonl d/out.003.jsonl &&
	cmp ref got && for f in d/in.*; do sed 's/.*\"structure_id\":\"\\([^\"]*\\)\".*/\\1/' \$f | uniq; done | sort | uniq -d" '' 'shard: d: 4 parts, 4 changed
shard: d: 4 of 4 parts run
'
expect one-part 0 "$S && find-paths -q s.jsonl > ref && shard split -q -n 1 -d d s.jsonl &&
	shard run -q -n 1 -d d -- $FP && shard join -q -n 1 -d d -o got s.jsonl && cmp ref got && cmp s.jsonl d/in.000.jsonl" '' ''
expect gzip-input 0 "$S && gzip -k s.jsonl && shard split -q -n 2 -d a s.jsonl && shard split -q -n 2 -d b s.jsonl.gz &&
	cmp a/in.000.jsonl b/in.000.jsonl && cmp a/in.001.jsonl b/in.001.jsonl" '' ''
# a part is put in place only when it changed: the others keep their time and are not rerun
expect unchanged-parts-kept 0 "$S && head -n 7 s.jsonl > s7 && shard split -q -n 3 -d d s7 && shard run -q -n 3 -d d -- $FP &&
	ls -l --time-style=+%s.%N d > before && sleep 0.05 && shard split -n 3 -d d s7 && ls -l --time-style=+%s.%N d > after &&
	cmp before after && shard split -n 3 -d d s.jsonl && shard run -n 3 -d d -- $FP && shard run -n 3 -d d -- $FP" '' 'shard: d: 3 parts, 0 changed
shard: d: 3 parts, 1 changed
shard: d: 1 of 3 parts run
shard: d: 0 of 3 parts run
'
expect after-file-makes-due 0 "$S && shard split -q -n 2 -d d s.jsonl && shard run -q -n 2 -d d -- $FP && sleep 0.05 &&
	touch params && shard run -n 2 -d d -a params -- $FP && shard run -n 2 -d d -a params -- $FP" '' 'shard: d: 2 of 2 parts run
shard: d: 0 of 2 parts run
'
expect failed-part-alone 0 "$S && find-paths -q s.jsonl > ref && $FLAKY && touch broken && shard split -q -n 3 -d d s.jsonl &&
	{ shard run -n 3 -d d -- ./fp; echo \$?; } && ls d | grep -c out && rm broken && shard run -n 3 -d d -- ./fp &&
	shard join -q -n 3 -d d s.jsonl | cmp - ref" '1
2
' 'shard: part 1 (d/in.001.jsonl): ./fp exited with status 3
shard: d: 3 of 3 parts run, some failed
shard: d: 1 of 3 parts run
'
expect command-missing 1 "$S && shard split -q -n 2 -d d s.jsonl && shard run -q -n 2 -d d -- nosuch-program" '' \
	'nosuch-program: No such file or directory
shard: part 0 (d/in.000.jsonl): nosuch-program exited with status 127
nosuch-program: No such file or directory
shard: part 1 (d/in.001.jsonl): nosuch-program exited with status 127
'
# bad input: named by file and line, and the good records still cut with -k
expect not-together 2 "printf '{\"id\":\"a\"}\n{\"id\":\"b\"}\n{\"id\":\"a\"}\n' > t && shard split -q -n 2 -d d t" '' \
	"shard: t:3: structure 'a' again after other structures' records: a table is cut into parts only when each structure's records are together
"
expect no-key-keep-going 1 "printf '{\"id\":\"a\"}\n{\"x\":1}\n{\"structure_id\":7}\nnot json\n{\"id\":\"b\"}\n' > t && shard split -q -k -n 1 -d d t;
	s=\$?; cat d/in.000.jsonl; exit \$s" '{"id":"a"}
{"id":"b"}
' "shard: t:2: record has no structure_id or id (a string) to cut the table by
shard: t:3: record has no structure_id or id (a string) to cut the table by
shard: t:4:3: invalid JSON: '[' or '{' expected near 'not'
shard: 4 records; skipped 2 bad records (record has no structure_id or id (a string) to cut the table by: 2), 1 bad line (invalid JSON: 1)
"
expect join-foreign-part 2 "$S && shard split -q -n 2 -d d s.jsonl && shard run -q -n 2 -d d -- $FP &&
	printf '{\"id\":\"x.F.0\",\"structure_id\":\"mp-x\"}\n' >> d/out.001.jsonl && shard join -q -n 2 -d d -o got s.jsonl; s=\$?; ls got; exit \$s" '' \
	"~^shard: d/out.001.jsonl:[0-9]+: a record of structure 'mp-x', which the input does not have here \\(a part of another table\\?\\)
ls: cannot access 'got'"
expect join-missing-part 2 "$S && shard join -n 2 -d d s.jsonl" '' "~^shard: d/out.000.jsonl: cannot open: No such file or directory"
expect usage-no-parts 2 "shard split -d d" '' '~^shard: split needs -n parts and -d dir'
expect usage-too-many 2 "shard split -n 1001 -d d" '' "~^shard: invalid --parts '1001'"
expect usage-verb 2 "shard cut -n 2 -d d" '' "~^shard: unknown command 'cut' \\(split, run or join\\)"
expect usage-executor 2 "shard run -n 2 -d d -e ssh -- true" '' "~^shard: unknown executor 'ssh' \\(local or slurm\\)"
expect usage-run-no-command 2 "shard run -n 2 -d d" '' "~^shard: run: the stage's command after --"
expect usage-join 2 "shard join s.jsonl" '' '~^shard: join: the input, and the parts or -n parts -d dir'
expect help 0 "shard --help | head -n 1" 'usage: shard split -n parts -d dir [-kq] [file ...]
' ''

# pipeline.mk: SHARDS=3 gives the tables one run gives; a rerun runs nothing
MK="make -s -f $TOP/scripts/pipeline.mk"
STUDY="mkdir structures && cp $DATA/structures/*.cif structures"
expect pipeline-shards 0 "$STUDY && $MK measured.jsonl 2>/dev/null && mkdir ref && mv paths.jsonl measured.jsonl ref &&
	$MK SHARDS=3 measured.jsonl 2>/dev/null && cmp ref/paths.jsonl paths.jsonl && cmp ref/measured.jsonl measured.jsonl &&
	ls .shards/* && grep '^SHARDS' study.mk && $MK SHARDS=3 measured.jsonl" '.shards/measured-3:
in.000.jsonl
in.001.jsonl
in.002.jsonl
out.000.jsonl
out.001.jsonl
out.002.jsonl

.shards/paths-3:
in.000.jsonl
in.001.jsonl
in.002.jsonl
out.000.jsonl
out.001.jsonl
out.002.jsonl
SHARDS = 3
' ''
if [ -n "$SHARED" ]; then
	expect corpus-paths-shards 0 "mkdir structures && cp $SHARED/data/structures/fluorides/*.cif structures &&
		$MK paths.jsonl 2>/dev/null && mv paths.jsonl ref && $MK SHARDS=7 paths.jsonl 2>/dev/null && cmp ref paths.jsonl &&
		wc -l < paths.jsonl" '~^[0-9]{4}$' ''
else
	echo "shard: corpus-paths-shards skipped: $SHARED_MISSING"
fi
finish
