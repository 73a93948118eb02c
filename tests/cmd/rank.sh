#!/bin/sh
# rank: expressions, ordering, limits, exclusion, scores, memory bounds, bad input.
. "$(dirname "$0")/../lib.sh"

R='printf "%s\n" "{\"id\":\"a\",\"x\":3,\"s\":\"b\",\"m\":{\"d\":1}}" "{\"id\":\"b\",\"x\":1,\"s\":\"a\",\"m\":{\"d\":2}}" "{\"id\":\"c\",\"x\":2,\"m\":{\"d\":null}}" "{\"id\":\"d\",\"x\":null,\"s\":\"c\"}" "{\"id\":\"e\",\"x\":2,\"s\":\"a\",\"m\":{\"d\":3}}"'

expect help 0 'rank --help' '~^usage: rank' ''
expect by-x 0 "$R | rank --by x --csv" 'rank,id,x
1,b,1
2,c,2
3,e,2
4,a,3
5,d,
' ''
expect by-desc-nulls-last 0 "$R | rank --by -x --csv" 'rank,id,x
1,a,3
2,c,2
3,e,2
4,b,1
5,d,
' ''
expect multi-key 0 "$R | rank --by s,-x --csv" 'rank,id,s,x
1,e,a,2
2,b,a,1
3,a,b,3
4,d,c,
5,c,,2
' ''
expect adds-rank 0 "$R | rank --by x -n 1" '{"id":"b","rank":1,"x":1,"s":"a","m":{"d":2}}
' ''
expect where 0 "$R | rank --by x -w 'x >= 2 and m.d != null' --csv --fields id" 'id
e
a
' ''
expect where-in-not 0 "$R | rank --by x -w 'not (s in (\"a\", \"c\")) or x is null' --csv --fields id,s" 'id,s
c,
a,b
d,c
' ''
expect where-or-paren 0 "$R | rank --by x -w '(x == 1 or x == 3) and s is not null' --csv --fields id" 'id
b
a
' ''
expect limit 0 "$R | rank --by -x -n 2 --csv --fields id" 'id
a
c
' ''
expect limit-zero 0 "$R | rank -n 0 --by x" '' ''
expect exclude-missing 0 "$R > all && rank --by x -x nosuch.jsonl all --csv --fields id | wc -l" '6
' "rank: --exclude nosuch.jsonl: no such file yet, nothing excluded
"
expect exclude-unreadable 2 "$R > all && mkdir d.jsonl && rank --by x -x d.jsonl all" '' '~^rank: --exclude d.jsonl'
expect exclude 0 "$R > all && printf '%s\n' '{\"id\":\"a\"}' '{\"id\":\"e\",\"other\":1}' > done.jsonl && rank --by x -x done.jsonl all --csv --fields id" 'id
b
c
d
' ''
expect scores-csv 0 "$R > all && printf 'id,score\nb,0.5\n\"c\",9\na,-1\n' > s.csv && rank --scores s.csv --by -score all --csv" 'rank,id,score
1,c,9
2,b,0.5
3,a,-1
4,d,
5,e,
' ''
expect scores-jsonl 0 "$R > all && printf '%s\n' '{\"id\":\"d\",\"score\":2}' > s.jsonl && rank --scores s.jsonl --by -score -n 1 all --csv --fields id,score" 'id,score
d,2
' ''
expect default-order 0 "fetch-structures \$DATA/structures/mp-1138_LiF.cif \$DATA/structures/mp-2741_CaF2.cif | find-paths | rank --csv" 'rank,id,nsites_777,nsites,length
1,mp-2741.F.0,24,3,2.7580257259917587
2,mp-2741.F.1,24,3,3.9004376292914555
3,mp-2741.F.2,24,3,4.777041002418891
4,mp-2741.F.3,24,3,4.777041002418891
5,mp-1138.F.0,54,2,2.88741857107146
6,mp-1138.F.1,54,2,4.083427033076504
7,mp-1138.F.2,54,2,5.001155771550527
' ''
expect study-filter 0 "fetch-structures \$DATA/structures/mp-2741_CaF2.cif | find-paths | measure --only oxidation_state,dimensionality,ionic_radii_overlap_cations | rank -w 'measures.dimensionality >= 1 and measures.oxidation_state == -1 and measures.ionic_radii_overlap_cations > -1 and nsites_777 <= 150 and nsites <= 12' --csv --fields rank,id" 'rank,id
1,mp-2741.F.0
2,mp-2741.F.1
3,mp-2741.F.2
4,mp-2741.F.3
' ''

# bad input
# nesting is bounded (compiling and matching recurse): 256 deep, counting
# each and/or of a chain; the fuzzer's stack overflow was 22 000 parentheses
expect where-too-deep 2 "rank -w \"\$(printf '%0.s(' \$(seq 300))x\" < /dev/null 2> e; s=\$?; head -n 1 e; exit \$s" \
	'rank: --where: the expression is nested more than 256 deep at column 257
' ''
expect where-chain-too-long 2 "rank -w \"\$(for i in \$(seq 300); do printf 'x == %d or ' \$i; done) x == 0\" < /dev/null 2> e; s=\$?; head -n 1 e; exit \$s" \
	'~^rank: --where: the expression is nested more than 256 deep at column [0-9]+$' ''
expect where-chain-long 0 "echo '{\"id\":\"a\",\"x\":150}' | rank -q -w \"\$(for i in \$(seq 200); do printf 'x == %d or ' \$i; done) x == 0\" | wc -l" '1
' ''
expect syntax-error 2 "$R | rank -w 'x >= 2 and and y'" '' 'rank: --where: expected a value, found a keyword at column 12
  x >= 2 and and y
             ^
'
expect single-equals 2 "rank -w 'x = 2' < /dev/null" '' "~'=' is not an operator \\(use ==\\) at column 3"
expect unterminated 2 "rank -w \"s == 'abc\" < /dev/null" '' '~unterminated string at column 6'
expect unknown-field-null 0 "$R | rank --by x -w 'nosuch > 1' | wc -l" '0
' ''
expect unknown-field-strict 2 "$R | rank --strict --by x -w 'nosuch > 1'" '' "rank: -:1: --where: record has no field 'nosuch' (column 1)
"
expect string-vs-number 2 "$R | rank --by x -w 's > 1'" '' 'rank: -:1: --where: cannot compare a string with a number (column 3)
'
expect string-vs-number-k 1 "$R | rank -k --by x -w 's > 1' > o; s=\$?; wc -l < o; exit \$s" '0
' '~cannot compare a string with a number'
expect bad-key 2 'rank --by "x,,y" < /dev/null' '' "~^rank: --by: bad sort key ''"
expect duplicate-scores 2 "printf 'id,score\na,1\nb,2\na,3\n' > s.csv && rank --scores s.csv < /dev/null" '' "rank: s.csv:4: duplicate id 'a' in the scores
"
expect scores-not-number 2 "printf 'id,score\na,high\n' > s.csv && rank --scores s.csv < /dev/null" '' "rank: s.csv:2: score 'high' is not a number
"
expect no-id 1 "printf '%s\n' '{\"x\":1}' '{\"id\":\"ok\",\"x\":2}' | rank -k --by x --csv --fields id" 'id
ok
' 'rank: -:1: record has no "id"
rank: 2 records; skipped 1 bad record (record has no "id": 1)
'

# memory: a bounded heap for --limit; the full sort keeps keys, not bodies
expect million-limit-100 0 "awk 'BEGIN { for (i = 0; i < 1000000; i++) printf \"{\\\"id\\\":\\\"r%d\\\",\\\"x\\\":%d}\\n\", i, (i * 7919) % 1000003 }' > big &&
	/usr/bin/time -f %M -o mem rank --by x -n 100 big > top && wc -l < top && head -c 40 top && echo && { [ \"\${HOPKIT_SANITIZE:-}\" = 1 ] || [ \$(cat mem) -lt 51200 ]; }" '100
{"id":"r0","rank":1,"x":0}
{"id":"r65867
' ''
expect full-sort-no-bodies 0 "awk 'BEGIN { p = sprintf(\"%1000s\", \"\"); for (i = 0; i < 60000; i++) printf \"{\\\"id\\\":\\\"r%d\\\",\\\"x\\\":%d,\\\"pad\\\":\\\"%s\\\"}\\n\", i, (i * 7919) % 60013, p }' > big &&
	/usr/bin/time -f %M -o mem rank --by x big | wc -l && { [ \"\${HOPKIT_SANITIZE:-}\" = 1 ] || [ \$(cat mem) -lt 40000 ]; }" '60000
' ''

# Suspect results (collect marks them) are left out unless --suspect, and counted.
SUS='printf "%s\n" "{\"id\":\"j1\",\"energy_barrier\":0.3}" "{\"id\":\"j2\",\"energy_barrier\":-2.66e13,\"suspect\":[\"energy per atom -7.7e12 eV beyond 100 eV\"]}" "{\"id\":\"j3\",\"energy_barrier\":-0.4,\"suspect\":[\"barrier -0.4 eV below -0.05 eV\"]}" "{\"id\":\"j4\",\"energy_barrier\":0.5,\"suspect\":[]}" "{\"id\":\"j5\",\"energy_barrier\":0.2,\"suspect\":null}"'
expect suspect-left-out 0 "$SUS | rank -b energy_barrier --csv" 'rank,id,energy_barrier
1,j5,0.2
2,j1,0.3
3,j4,0.5
' 'rank: 2 suspect records left out (--suspect keeps them)
'
expect suspect-kept 0 "$SUS | rank -b energy_barrier --csv --suspect" 'rank,id,energy_barrier
1,j2,-26600000000000
2,j3,-0.4
3,j5,0.2
4,j1,0.3
5,j4,0.5
' ''
expect suspect-quiet 0 "$SUS | rank -q -b energy_barrier -n 1" '{"id":"j5","rank":1,"energy_barrier":0.2,"suspect":null}
' ''
expect suspect-one 0 "$SUS | rank -w 'energy_barrier > -1' -b energy_barrier -n 0" '' 'rank: 1 suspect record left out (--suspect keeps them)
'
expect suspect-excluded-first 0 "$SUS | head -n 3 > r && rank -x r r" '' ''
expect suspect-string-true 0 "printf '%s\n' '{\"id\":\"a\",\"suspect\":\"odd\"}' '{\"id\":\"b\",\"suspect\":true}' '{\"id\":\"c\",\"suspect\":false}' '{\"id\":\"d\",\"suspect\":\"\"}' | rank --csv" 'rank,id,nsites_777,nsites,length
1,c,,,
2,d,,,
' 'rank: 2 suspect records left out (--suspect keeps them)
'
# rank reads every stage
expect any-stage 0 "fetch-structures -q \$DATA/structures/mp-1138_LiF.cif > s && find-paths -n 1 s > p && cat s p | rank --by id --csv --fields id" 'id
mp-1138
mp-1138.F.0
' ''

# progress in a pipeline: full lines, named, a last one with the time taken
if command -v script > /dev/null; then
expect pipeline-progress 0 "fetch-structures -q \$DATA/structures > s && script -qec '(cat s; sleep 3.5; cat s) | rank --by id > o' /dev/null | tr -d '\\r' | grep -v '^\$' | sed 's/^rank: [0-9]* records, [0-9.]*\\/\\(s\\|min\\)\$/rank: N records, R/; s/done in [34]s\$/done in Ts/'" 'rank: N records, R
rank: 24 records, done in Ts
' ''
fi

# gzip-compressed tables read as the text they hold, by their magic bytes;
# a truncated one is a read error with its file and line, the records
# before it still ranked
expect gzip-input 0 "$R | gzip > t.gz && cp t.gz t && rank --by x --csv --fields id t.gz t | tr '\n' ' '" 'id b b c c e e a a d d ' ''
expect gzip-truncated 1 "for i in 1 2 3 4 5 6 7 8 9; do $R; done | gzip > t.gz && head -c 40 t.gz > cut.gz && rank -k --by x --csv --fields id cut.gz t.gz > out; s=\$?; wc -l < out; exit \$s" '46
' '~^rank: cut.gz:1: read error'
expect gzip-truncated-stops 2 "$R | gzip | head -c 30 > cut.gz && rank --by x cut.gz" '' '~^rank: cut.gz:1: read error'
finish
