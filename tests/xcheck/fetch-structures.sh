#!/bin/sh
# fetch-structures over the whole corpus in ../shared/data/structures:
# every file read; directory, .tar.gz and .zip give identical output;
# lattice, composition and space group agree with pymatgen; every
# symmetrised conventional cell sanitises to its P1 twin.
. "$(dirname "$0")/../lib.sh"

[ -n "$SHARED" ] || skip_all "$SHARED_MISSING"
C=$SHARED/data/structures
export C XC=$TOP/tests/xcheck

expect corpus-all-read 0 "fetch-structures -q \$C > all.jsonl && wc -l < all.jsonl" '1861
' ''
expect corpus-tgz-zip-identical 0 "fetch-structures -q \$C > dir.jsonl &&
	(cd \$C && find . -type f -name '*.cif' | sed 's|^./||' | sort > \$OLDPWD/list) &&
	tar -C \$C -czf c.tgz -T list && fetch-structures -q c.tgz > tgz.jsonl &&
	(cd \$C && $PYTHON -c 'import sys,zipfile; z=zipfile.ZipFile(sys.argv[1],\"w\",zipfile.ZIP_DEFLATED); [z.write(l.strip()) for l in open(sys.argv[2])]' \$OLDPWD/c.zip \$OLDPWD/list) &&
	fetch-structures -q c.zip > zip.jsonl && cmp dir.jsonl tgz.jsonl && cmp dir.jsonl zip.jsonl && wc -l < zip.jsonl" '1861
' ''
if have_pymatgen; then
	expect pymatgen-agrees 0 "fetch-structures -q \$C > all.jsonl && $PYTHON \$XC/fetch_pymatgen.py all.jsonl \$C" '~1861 records, 1861 agree, 0 differ' ''
	expect symmetrised-twins 0 "fetch-structures -q --sanitize \$C/fluorides \$C/extra > p1.jsonl &&
		fetch-structures -q --sanitize \$C/derived_symmetrized > sym.jsonl && $PYTHON \$XC/twins_pymatgen.py p1.jsonl sym.jsonl" '~446 pairs, 446 agree, 0 differ' ''
else
	echo "$name: pymatgen cross-checks SKIPPED: python3-pymatgen not installed"
fi

finish
