#!/bin/sh
# make demo (scripts/demo): the whole pipeline with ff-calc prints a barrier
# for every hop it queued, from endpoints relaxed once per distinct vacancy,
# and a second run recomputes nothing.
. "$(dirname "$0")/../lib.sh"

DEMO="DEMO_DIR=\$PWD/d $TOP/scripts/demo"
# the table's rows: rank, id, ..., NEB barrier, profile
ROWS="sed -n '/NEB profile$/,/^\$/p' out | awk 'NR > 1 && NF >= 7'"

expect barriers-for-every-hop 0 "$DEMO > out && q=\$(wc -l < d/queue.jsonl) && $ROWS > rows &&
	echo \$q \$(wc -l < rows) && awk '\$6 > 0.05 && \$6 < 2 && \$7 ~ /^plots\\/.*\\.svg\$/ { n++ } END { print n }' rows &&
	for f in \$(awk '{ print \$7 }' rows); do [ -s d/\$f ] || echo missing \$f; done" '6 6
6
' ''
# The NEBs' endpoints are relaxed once per symmetry-distinct vacancy: the
# line of what the sharing saved agrees with the hops' parents and the
# relaxation records, and every relaxation ran once and is done
expect relaxations-shared 0 "$DEMO > out && grep ' saved\$' out &&
	grep '\"kind\":\"neb\"' d/jobs.jsonl | grep -o '\"parents\":\\[[^]]*\\]' | grep -o '[a-zA-Z0-9.-]*vac[a-zA-Z0-9.]*' | sort -u > parents &&
	grep '\"kind\":\"relax\"' d/jobs.jsonl | grep -o '^{\"id\":\"[^\"]*\"' | cut -d'\"' -f4 | sort | cmp - parents && wc -l < parents &&
	run-vasp -s d/jobs list --csv | cut -d, -f1-3 | grep vac | cut -d, -f2,3 | uniq -c" '6 hops need 12 endpoints; 4 relaxations written, 8 saved
4
      4 done,1
' ''
expect second-run-recomputes-nothing 0 "$DEMO > out1 && sleep 1 && touch stamp && $DEMO > out2 &&
	find d -newer stamp -type f | grep -v -e run-vasp.log -e '/jobs/lock\$' | sort; sed -n '/NEB profile$/,/^\$/p' out1 > t1; sed -n '/NEB profile$/,/^\$/p' out2 > t2; [ -s t1 ] && cmp t1 t2 && echo same table" 'same table
' ''
# the demo's page in a browser: one row per hop, the barriers of
# results.jsonl, lowest first, and no console error
if command -v chromium >/dev/null 2>&1; then
	expect report-in-browser 0 "$DEMO > out && grep -c 'report.html\$' out &&
		chromium --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 --dump-dom file://\$PWD/d/report.html 2>err |
		sed -n '/<table id=\"bt\">/,/<\\/tbody>/p' | grep -o 'class=\"n bA\">[^<]*' | cut -d'>' -f2 > page &&
		grep -v '\"kind\":\"relax\"' d/results.jsonl | grep -o '\"energy_barrier\":[^,]*' | cut -d: -f2 | awk '{ printf \"%.3f\\n\", \$1 }' | sort -n > want &&
		cmp page want && wc -l < page && ! grep CONSOLE err" '1
6
' ''
else
	echo "$name: skipped: no chromium"
fi
finish
