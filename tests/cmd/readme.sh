#!/bin/sh
# readme: the README's worked example and its make section run as written.
#
# Every ```sh block of the sections "A worked example" and "The same with
# make" is read from README.md itself, so the two cannot drift, and run in
# order with sh -e, bin/ first on PATH as the README tells the user.  The
# example runs in a directory holding mp.tar.gz, here tests/data/structures
# packed (the whole corpus would take hours); the make section's study
# directory holds the same files as structures/.  Two stand-ins and nothing
# else: /path/to/hopkit is this repository, and VASP cannot run here, so
# "mpirun vasp_std" is an mpirun on PATH that runs ff-calc -q (hopkit's
# force field, which reads and writes VASP's files) in the image directory.
# Every block must exit 0, and every table the blocks print must have its
# header and at least one row of the expected columns.
. "$(dirname "$0")/../lib.sh"
# make as the user runs it, not as a child of make check
unset MAKELEVEL MAKEFLAGS MFLAGS

W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mkdir -p "$W/shim" "$W/example" "$W/study/structures"
cat > "$W/shim/mpirun" <<'EOF'
#!/bin/sh
# stand-in for "mpirun vasp_std": VASP cannot run in the tests
exec ff-calc -q
EOF
chmod +x "$W/shim/mpirun"
PATH=$W/shim:$PATH
tar -czf "$W/example/mp.tar.gz" -C "$DATA" structures
cp "$DATA"/structures/* "$W/study/structures/"

# The ```sh blocks under the heading $1 (up to the next heading) to $2.1,
# $2.2, ...; prints how many.  Lines inside any fence are never headings.
blocks() {
	awk -v want="$1" -v out="$2" '
	/^ *```/ {
		if (!code) { code = 1; f = ""; t = $0; sub(/^ */, "", t)
			if (insec && t == "```sh") { f = out "." ++n; printf "" > f } }
		else { code = 0; if (f != "") close(f) }
		next }
	code { if (f != "") { gsub(/\/path\/to\/hopkit/, top); print > f }; next }
	/^#+ / { h = $0; sub(/^#+ +/, "", h); insec = (h == want) }
	END { print n + 0 }' top="$TOP" "$TOP/README.md"
}

# Run each block of section $1 ($2 its files) in directory $3.
run_blocks() {
	n=$(blocks "$1" "$2")
	expect "'$1' has command blocks" 0 "[ $n -gt 0 ] && echo ok" 'ok
' ''
	i=1
	while [ "$i" -le "$n" ]; do
		first=$(grep -v '^[[:space:]]*\(#\|$\)' "$2.$i" | head -n 1 | cut -c1-50)
		expect "$1, block $i: $first" 0 "cd $3 && sh -e $2.$i > $2.$i.out; s=\$?; cat $2.$i.out; exit \$s" '*' '*'
		i=$((i + 1))
	done
}

# A table in the output of a section ($2: its files' prefix): a line that
# is HEADER ($3, an ERE), followed by rows that match ROW ($4).
table() {
	expect "table: $1" 0 "cat $2.*.out | awk -v head='$3' -v row='$4' '
		found && \$0 ~ row { n++; next } found { exit } \$0 ~ head { found = 1 }
		END { print found ? n + 0 \" rows\" : \"no header\" }'" '~^[1-9][0-9]* rows$' ''
}

run_blocks "A worked example" "$W/example.sh" "$W/example"
ID='mp-[0-9]+[.]F[.][0-9]+'
NUM='-?[0-9.]+(e-?[0-9]+)?'
table "find-paths --csv" "$W/example.sh" '^id,structure_id,formula,ion,length,multiplicity,nsites_777,dimensionality$' \
	"^$ID,mp-[0-9]+,[A-Za-z0-9]+,F,$NUM,[0-9]+,[0-9]+,[0-3]\$"
table "rank --csv, the next 40" "$W/example.sh" '^rank,id,nsites_777,nsites,length$' "^[0-9]+,$ID,[0-9]+,[0-9]+,$NUM\$"
table "run-vasp list" "$W/example.sh" '^ID +STATE +TRY +EXEC' "^$ID +(ready|queued|running|done|failed) +[0-9]+ +local "
table "the barriers" "$W/example.sh" '^id,formula,length,energy_barrier$' "^$ID,[A-Za-z0-9]+,$NUM,$NUM\$"
expect "structures.csv" 0 "head -n 2 $W/example/structures.csv | cut -d, -f1,2" '~^mp-[0-9]+,[A-Za-z0-9]+$' ''

run_blocks "The same with make" "$W/study.sh" "$W/study"
table "make table" "$W/study.sh" '^rank,id,formula,length,measures[.]bvse_barrier,energy_barrier,converged$' \
	"^[0-9]+,$ID,[A-Za-z0-9]+,$NUM,$NUM,$NUM,(true|false)\$"
table "make table-B" "$W/study.sh" '^rank,id,formula,length,previous[.]energy_barrier,energy_barrier,converged$' \
	"^[0-9]+,$ID,[A-Za-z0-9]+,$NUM,$NUM,$NUM,(true|false)\$"
expect "study.mk keeps the last values" 0 "grep -E '^(CUTOFF|LIMIT|VASP_CMD) =' $W/study/study.mk" 'CUTOFF = 6
LIMIT = 400
VASP_CMD = mpirun vasp_std
' ''

finish
