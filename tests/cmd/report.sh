#!/bin/sh
# report: the study as one HTML page, from a synthetic study (report-study)
# and from broken ones; in headless Chromium when it is installed.
. "$(dirname "$0")/../lib.sh"

MK=$TOP/tests/cmd/report-study
S=$(mktemp -d)
trap 'rm -rf "$S"' EXIT
"$MK" "$S/st" 200
# the static rows of the table, as "rank id tierA tierB"
ROWS="sed -n '/<table id=\"bt\">/,/<\\/tbody>/p' report.html | grep '^<tr><td' |
	sed 's/<[^>]*>/ /g' | awk '{ print \$1, \$2, \$6, \$7 }'"

expect help 0 "report --help | head -n 1" 'usage: report [-n rows] [-o file] [dir]
' ''
expect bad-option 2 "report -x" '' '~^usage: report'
expect two-dirs 2 "report a b" '' '~one study directory at most'
expect not-a-directory 2 "report nothere" '' '~^report: nothere'
expect unwritable-output 2 "report -o /nonexistent/x.html $S/st" '' '~^report: /nonexistent: No such file'

# An empty study: every section says "not yet", exit 0, the page only.
expect empty-study 0 "report && ls && grep -c 'not yet' report.html" 'report.html
8
' ''

expect funnel-counts 0 "cp -r $S/st . && report st && cd st &&
	sed -n '/id=\"stages\"/,/<\\/table>/p' report.html | grep -o 'id=\"n-[a-z]*\">[0-9]*' &&
	grep -o '<tr id=\"tier-[AB]\">.*' report.html | sed 's/<[^>]*>/ /g' | tr -s ' '" 'id="n-structures">100
id="n-hops">200
id="n-measured">200
id="n-queued">200
id="n-jobs">201
 A 10 0 0 0 170 20 0 0 
 B 0 0 0 0 20 0 0 0 
' ''

# One row per hop (the relaxation left out), lowest best barrier first
# (tier B's where it has one), those without a barrier last.
expect ranked-table 0 "cp -r $S/st . && cd st && report && $ROWS > rows && wc -l < rows && head -n 3 rows &&
	grep -c '\"h[0-9]*\",\"Li' report.html && grep -c 's0.Fvac1' report.html;
	sed -n '/id=\"rows\"/,/<\\/script>/p' report.html | grep -c ',null,null,0,null\\]'" '100
1 h0 0.100 0.090
2 h158 0.110 
3 h37 0.115 A
200
0
15
' ''

expect profile-links 0 "cp -r $S/st . && cd st && report && sed -n '/id=\"rows\"/,/<\\/script>/p' report.html | grep -c ',1,[^]]*\\]' &&
	grep -o '<td>h1</td>.*' report.html | grep -o 'href=\"calcs[^\"]*\"' &&
	grep -o '<td>h37</td>.*' report.html | grep -o 'href=\"[^\"]*\"'" '50
href="calcs/h1/00/POSCAR"
href="plots/h37.svg"
' ''
# a page elsewhere links back to the study's plots
expect links-relative-to-page 0 "cp -r $S/st . && mkdir -p out && report -o out/r.html st && ls st out &&
	grep -o 'href=\"[^\"]*h37.svg\"' out/r.html && grep -o '\"base\":\"[^\"]*\"' out/r.html" '~^href="../st/plots/h37.svg"
"base":"../st/"$' ''

# the causes, their counts as run-vasp status gives them, and the corrections
expect failures-by-cause 0 "cp -r $S/st . && cd st && report &&
	sed -n '/id=\"failures-A\"/,/<\\/table>/p' report.html | grep class=.cause | sed 's/<[^>]*>/|/g' | tr -s '|' | cut -d'|' -f2,3 | tr '|' ' ' > page &&
	run-vasp -s jobs status | awk '\$1 == \"cause\" { print \$2, \$3 }' > status && cmp page status && cat page &&
	sed -n '/id=\"corrections-A\"/,/<\\/table>/p' report.html | grep '<td>' | sed 's/<[^>]*>/ /g' | tr -s ' '" 'lost_run 7
zbrent 7
calculator_exit 6
 zbrent 7 
' ''

expect per-day-and-scatter 0 "cp -r $S/st . && cd st && report && grep -c '<g><title>2026-1[12]-[0-9]*: ' report.html &&
	grep -o 'tier [AB]: [0-9]* hops' report.html && grep -c '<circle' report.html" '4
tier A: 180 hops
tier B: 18 hops
198
' ''

# Escaping: an id and a formula with markup and & are shown, never parsed.
expect escaped 0 "REPORT_ID='x<script>alert(1)&amp;y' $MK st 20 && cd st && report &&
	grep -c '<script>alert' report.html; grep -o 'x&lt;script&gt;alert(1)&amp;amp;y' report.html | wc -l &&
	grep -c 'x\\\\u003cscript\\\\u003ealert(1)\\\\u0026amp;y' report.html &&
	grep -o 'href=\"plots/x[^\"]*\"' report.html" '0
4
1
href="plots/x%3Cscript%3Ealert%281%29%26amp%3By.svg"
' ''

# A corrupt state file and a corrupt record: named, the rest shown, exit 1.
expect corrupt-state-file 1 "cp -r $S/st . && cd st && printf '{\"id\":\\n' > jobs/done/h1.json && { report; s=\$?; } && $ROWS | wc -l &&
	grep -o '<td class=\"n done\">[0-9]*' report.html | head -n 1 && exit \$s" '100
<td class="n done">170
' '~^report: \./jobs/done/h1.json:2: .*$'
expect corrupt-record 1 "cp -r $S/st . && cd st && sed -i '5s/.*/{oops/' results.jsonl && { report; s=\$?; } && $ROWS | wc -l && exit \$s" '100
' '~^report: \./results.jsonl:5:'

expect atomic-output 0 "cp -r $S/st . && report -o out.html st && ls" 'out.html
st
' ''
expect to-stdout 0 "cp -r $S/st . && report -o - st | grep -c '^</html>\$' && ! ls st | grep report" '1
' ''

# 100 000 jobs: one row each in the page's data, the page under 20 MB
# (the time it takes is bench/run's); killed (TERM: a background job ignores INT)
# while its temporary page is there, it leaves no temporary file.
expect large-study 0 "$MK big 100000 && report big && sed -n '/id=\"rows\"/,/<\\/script>/p' big/report.html | grep -c '^\\[\"h' &&
	[ \$(wc -c < big/report.html) -lt 20000000 ] && echo small &&
	{ report -o big/again.html big & pid=\$!; k=0; until ls big | grep -q tmp || [ \$k -gt 3000 ]; do sleep 0.01; k=\$((k+1)); done; kill -TERM \$pid; wait \$pid; echo \$?; ls big | grep tmp | wc -l; } 2>/dev/null" '100000
small
143
0
' ''
# In a browser: the page's script shows one row per result with its
# barriers and sorts them; a screenshot is not blank; the console has no
# error.
CHROME=$(command -v chromium || true)
if [ -z "$CHROME" ]; then
	echo "$name: skipped: no chromium"
else
	C="chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0"
	# tier A's barrier cells of the table as the browser has it, in order
	DOM="sed -n '/<table id=\"bt\">/,/<\\/tbody>/p' | grep -o 'class=\"n bA\">[^<]*' | cut -d'>' -f2"
	# results.jsonl's tier A barriers to 3 decimals, sorted by sort(1) options \$1 (nulls last)
	WANT="want() { grep -o '\"energy_barrier\":[^,]*' st/results.jsonl | cut -d: -f2 | grep -v null |
		awk '{ printf \"%.3f\\n\", \$1 }' | sort \$1; grep -c '\"energy_barrier\":null' st/results.jsonl | awk '{ while (\$1-- > 0) print \"\" }'; }"
	expect browser-one-row-per-result 0 "$MK st 30 && report st && $C --dump-dom file://\$PWD/st/report.html 2>err | $DOM > got &&
		$WANT && wc -l < got && want -n | sort > want && sort got | cmp - want && ! grep CONSOLE err && echo same" '30
same
' ''
	expect browser-sort-by-barrier 0 "$MK st 30 && report st && $C --dump-dom 'file://'\$PWD'/st/report.html#sort=A' 2>/dev/null | $DOM > up &&
		$C --dump-dom 'file://'\$PWD'/st/report.html#sort=-A' 2>/dev/null | $DOM > down && $WANT && want -n | cmp - up && want -rn | cmp - down &&
		head -n 1 up && head -n 1 down" '0.100
1.067
' ''
	expect browser-filter-page 0 "$MK st 300 && report st && $C --dump-dom 'file://'\$PWD'/st/report.html#sort=id&q=h2&page=2' 2>/dev/null |
		grep -o 'id=\"pageinfo\">[^<]*'" 'id="pageinfo">rows 101-111 of 111 (of 300)
' ''
	expect browser-screenshot 0 "$MK st 30 && report st && $C --window-size=1000,1400 --screenshot=\$PWD/shot.png file://\$PWD/st/report.html 2>/dev/null &&
		$PYTHON -c '
import struct, zlib
d = open(\"shot.png\", \"rb\").read()
i, idat = 8, b\"\"
while i < len(d):
    n, t = struct.unpack(\">I4s\", d[i:i + 8])
    if t == b\"IDAT\": idat += d[i + 8:i + 8 + n]
    i += 12 + n
px = zlib.decompress(idat)
# a blank page is one colour: its rows compress to a byte or two of values
print(\"not blank\" if len(set(px)) > 16 and len(d) > 20000 else \"blank\")
'" 'not blank
' ''
fi
finish
