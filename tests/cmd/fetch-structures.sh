#!/bin/sh
# fetch-structures: command-line behaviour, formats, filters, bad input.
. "$(dirname "$0")/../lib.sh"

S='$DATA/structures'
LIF='{"id":"mp-1138","formula":"LiF","nsites":2,"spacegroup":{"number":225,"symbol":"Fm-3m"},"source":"mp-1138_LiF.cif","structure":{"lattice":[[2.5005779981423317,0,1.443709998928509],[0.8335259992691985,2.357567998786766,1.4437099993172997],[0,0,2.887419]],"species":["Li","F"],"frac":[[0,0,0],[0.5,0.5,0.5]]}}
'
IDS='mp-1103397
mp-1138
mp-1138
mp-1249
mp-1249
mp-2741
mp-2741
mp-315
mp-3448
mp-3700
mp-905
mp-905
'
GOOD='data_ok
_cell_length_a 4
_cell_length_b 4
_cell_length_c 4
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
Na 0 0 0
Cl 0.5 0.5 0.5
'

# --- manners
expect help 0 'fetch-structures --help' '~^usage: fetch-structures' ''
expect version 0 'fetch-structures --version' '~^fetch-structures \(hopkit\) [0-9]' ''
expect bad-option 2 'fetch-structures --bogus' '' '~^usage: fetch-structures'
expect bad-number 2 'fetch-structures --max-sites 0 x' '' "~^fetch-structures: invalid --max-sites '0'"
expect bad-element 2 'fetch-structures --elements F,Xx x' '' "~unknown element 'Xx'"
expect missing-file 2 'fetch-structures nope.cif' '' '~^fetch-structures: nope.cif: cannot open: No such file'
expect dev-full 2 "fetch-structures $S/mp-1138_LiF.cif > /dev/full" '' '~write error'

# --- formats and sources
expect one-cif 0 "cp $S/mp-1138_LiF.cif . && fetch-structures mp-1138_LiF.cif" "$LIF" ''
expect stdin 0 "fetch-structures < $S/mp-1138_LiF.cif | grep -c '\"source\":\"-\"'" '1
' ''
expect directory 0 "fetch-structures $S | sed 's/^{\"id\":\"\\([^\"]*\\)\".*/\\1/' | sort" "$IDS" ''
expect tar-gz-same-as-dir 0 "fetch-structures $S > a && tar -C $S -czf s.tgz \$(ls $S) && fetch-structures s.tgz > b && cmp a b && wc -l < b" '12
' ''
expect zip-same-as-dir 0 "fetch-structures $S > a && (cd $S && /usr/bin/python3 -c 'import zipfile,os,sys; z=zipfile.ZipFile(sys.argv[1],\"w\",zipfile.ZIP_DEFLATED); [z.write(f) for f in sorted(os.listdir(\".\"))]' \$OLDPWD/s.zip) && fetch-structures s.zip > b && cmp a b" '' ''
expect gzip-file 0 "gzip -c $S/mp-1138_LiF.cif > mp-1138_LiF.cif.gz && fetch-structures mp-1138_LiF.cif.gz | grep -c '\"id\":\"mp-1138\"'" '1
' ''
expect poscar 0 "fetch-structures \$DATA/vasp/POSCAR.NaCl | grep -o '\"formula\":\"NaCl\",\"nsites\":8,\"spacegroup\":{\"number\":225'" '"formula":"NaCl","nsites":8,"spacegroup":{"number":225
' ''
expect vasp4-with-potcar 0 "sed 6d \$DATA/vasp/POSCAR.NaCl > POSCAR && printf '   TITEL  = PAW_PBE Na_pv 05Jan2001\n   TITEL  = PAW_PBE Cl 06Sep2000\n' > POTCAR && fetch-structures POSCAR | grep -o '\"formula\":\"NaCl\"'" '"formula":"NaCl"
' ''
expect mp-documents 0 "printf '%s\n' '{\"material_id\":\"mp-22862\",\"energy_above_hull\":0.0,\"band_gap\":5.2,\"structure\":{\"lattice\":{\"matrix\":[[4,0,0],[0,4,0],[0,0,4]]},\"sites\":[{\"species\":[{\"element\":\"Na\",\"occu\":1}],\"abc\":[0,0,0]},{\"species\":[{\"element\":\"Cl\",\"occu\":1}],\"abc\":[0.5,0.5,0.5]}]}}' > d.json && fetch-structures d.json | cut -c1-140" '{"id":"mp-22862","formula":"NaCl","nsites":2,"spacegroup":{"number":221,"symbol":"Pm-3m"},"e_above_hull":0,"source":"d.json","band_gap":5.2,
' ''
expect mp-list-and-lines 0 "fetch-structures $S/mp-1138_LiF.cif $S/mp-2741_CaF2.cif > r.jsonl && /usr/bin/python3 -c 'import json;print(json.dumps([json.loads(l) for l in open(\"r.jsonl\")],indent=1))' > list.json && fetch-structures list.json | sed 's/list.json/X/' > again && fetch-structures r.jsonl | sed 's/r.jsonl/X/' > again2 && cut -d, -f1-3 again && cmp again again2" '{"id":"mp-1138","formula":"LiF","nsites":2
{"id":"mp-2741","formula":"CaF2","nsites":3
' ''
expect csv 0 "fetch-structures --csv $S/mp-905_LaF3.cif | sed 's/,[^,]*\$//'" 'id,formula,nsites,spacegroup.number,spacegroup.symbol,e_above_hull
mp-905,LaF3,24,165,P-3c1,
' ''
expect output-file 0 "fetch-structures -o out.jsonl $S/mp-1138_LiF.cif && ls && wc -l < out.jsonl" 'out.jsonl
1
' ''

# --- filters and sanitation
expect elements-all 0 "fetch-structures --elements Li,F $S | cut -d'\"' -f4 | sort -u" 'mp-1138
mp-3700
' ''
expect elements-any 0 "fetch-structures --any-elements Mg,Sn $S | cut -d'\"' -f4 | sort -u" 'mp-1103397
mp-1249
mp-3448
' ''
expect exclude-and-size 0 "fetch-structures --exclude-elements Li --max-sites 3 --max-nelements 2 $S | cut -d'\"' -f4 | sort -u" 'mp-2741
mp-315
' ''
expect sanitize-twins 0 "fetch-structures --sanitize $S/mp-1138_LiF_sym.cif $S/mp-905_LaF3_sym.cif | cut -d, -f1-3" '{"id":"mp-1138","formula":"LiF","nsites":2
{"id":"mp-905","formula":"LaF3","nsites":24
' ''
expect dedupe 0 "fetch-structures -v --dedupe --sanitize $S | wc -l" '8
' '~12 structures read: 8 written, 0 filtered, 4 duplicates'
expect dedupe-by-geometry 0 "fetch-structures $S/mp-1138_LiF.cif | sed 's/mp-1138/other/' > o.jsonl && fetch-structures --dedupe $S/mp-1138_LiF.cif o.jsonl | wc -l" '1
' ''

# --- bad input: one clear line each; --keep-going keeps the good records
expect truncated-cif 2 "head -c 1800 $S/mp-905_LaF3.cif > t.cif && fetch-structures t.cif" '' 'fetch-structures: t.cif:49: loop of 7 tags has 158 values (truncated file?)
'
expect truncated-at-row 2 "head -n 40 $S/mp-905_LaF3.cif > t.cif && fetch-structures t.cif" '' "fetch-structures: t.cif:12: sites give 6 La per 8 F but _chemical_formula_sum says 'La6 F18' (truncated file?)
"
expect truncated-before-atoms 2 "head -n 22 $S/mp-2741_CaF2.cif > t.cif && fetch-structures t.cif" '' 'fetch-structures: t.cif:2: no _atom_site_fract_x loop (no atoms)
'
expect no-cell 2 "printf 'data_x\nloop_\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nLi 0 0 0\n' > x.cif && fetch-structures x.cif" '' 'fetch-structures: x.cif:1: no _cell_length_a (a CIF structure needs its cell)
'
expect unknown-element 2 "printf '%s' '$GOOD' | sed 's/^Na /Qz /' > x.cif && fetch-structures x.cif" '' "fetch-structures: x.cif:13: unknown element 'Qz'
"
expect nan-coordinate 2 "printf '%s' '$GOOD' | sed 's/^Na 0 /Na nan /' > x.cif && fetch-structures x.cif" '' "fetch-structures: x.cif:13: coordinate is not a finite number: 'nan'
"
expect zero-volume 2 "printf 'flat\n1.0\n1 0 0\n2 0 0\n0 0 1\nLi\n1\nDirect\n0 0 0\n' > POSCAR && fetch-structures POSCAR" '' 'fetch-structures: POSCAR:3: lattice is singular
'
expect partial-occupancy 2 "printf '%s' '$GOOD' | sed 's/^_atom_site_fract_z/&\n_atom_site_occupancy/; s/^Na 0 0 0/& 0.5/; s/^Cl 0.5 0.5 0.5/& 1/' > x.cif && fetch-structures x.cif" '' 'fetch-structures: x.cif:14: partial occupancy 0.5 of Na: disordered structures are not supported
'
expect partial-skipped 0 "printf '%s' '$GOOD' | sed 's/^_atom_site_fract_z/&\n_atom_site_occupancy/; s/^Na 0 0 0/& 0.5/; s/^Cl 0.5 0.5 0.5/& 1/' > x.cif && fetch-structures --skip-disordered x.cif $S/mp-1138_LiF.cif | wc -l" '1
' '~partial occupancy'
expect json-cut-in-half 1 "fetch-structures $S/mp-1138_LiF.cif $S/mp-2741_CaF2.cif $S/mp-315_PbF2.cif > r && { sed -n 1p r; sed -n 2p r | cut -c1-100; sed -n 3p r; } > cut.jsonl && fetch-structures -k cut.jsonl > o; s=\$?; cut -d, -f1 o; exit \$s" '{"id":"mp-1138"
{"id":"mp-315"
' "~^fetch-structures: cut.jsonl:2:100: invalid JSON: "
expect json-stop-at-first 2 "fetch-structures $S/mp-1138_LiF.cif > r && { cut -c1-50 r; cat r; } > cut.jsonl && fetch-structures cut.jsonl" '' "~^fetch-structures: cut.jsonl:1:50: invalid JSON"
expect binary-file 1 "head -c 4096 $TOP/bin/fetch-structures > bin.cif && fetch-structures -k bin.cif $S/mp-1138_LiF.cif > o; s=\$?; wc -l < o; exit \$s" '1
' 'fetch-structures: bin.cif: binary data, not a structure file
fetch-structures: 1 written; skipped 1 bad structure (binary data, not a structure file: 1)
'
expect empty-file 1 ": > e.cif && fetch-structures -k e.cif $S/mp-1138_LiF.cif > o; s=\$?; wc -l < o; exit \$s" '1
' 'fetch-structures: e.cif: empty file
fetch-structures: 1 written; skipped 1 bad structure (empty file: 1)
'
expect empty-in-archive 1 "mkdir d && : > d/e.cif && cp $S/mp-1138_LiF.cif d && tar -cf d.tar d && fetch-structures -k d.tar > o; s=\$?; wc -l < o; exit \$s" '1
' 'fetch-structures: d.tar:d/e.cif: empty file
fetch-structures: 1 written; skipped 1 bad structure (empty file: 1)
'
expect gigabyte-line 1 "{ cat $S/mp-1138_LiF.cif | fetch-structures; head -c 1073741824 /dev/zero | tr '\\0' x; echo; fetch-structures $S/mp-2741_CaF2.cif; } | fetch-structures -k > o; s=\$?; cut -d, -f1 o; exit \$s" '{"id":"hk-a6ab93cebfd6d13d"
{"id":"mp-2741"
' 'fetch-structures: -:2: line longer than 67108864 bytes
fetch-structures: 2 written; skipped 1 bad structure (line longer than 67108864 bytes: 1)
'
expect overlap 2 "printf 'o\n1.0\n4 0 0\n0 4 0\n0 0 4\nLi F\n1 1\nDirect\n0 0 0\n0.01 0 0\n' > POSCAR && fetch-structures POSCAR" '' 'fetch-structures: POSCAR:1: atoms overlap: Li (site 1) and F (site 2) are 0.040 A apart
'
expect no-structure-in-json 2 "echo '{\"id\":\"x\"}' > a.jsonl && fetch-structures a.jsonl" '' 'fetch-structures: a.jsonl:1: document has no "structure" (nor "lattice" and sites)
'

# the summary of what was skipped, by reason; -q keeps it only for bad structures
expect skipped-summary 0 "printf '%s' '$GOOD' | sed 's/^_atom_site_fract_z/&\\n_atom_site_occupancy/; s/^Na 0 0 0/& 0.5/; s/^Cl 0.5 0.5 0.5/& 1/' > x.cif && fetch-structures --skip-disordered x.cif $S/mp-1138_LiF.cif 2>&1 >/dev/null | tail -n 1" 'fetch-structures: 1 written; skipped 1 disordered structure (partial occupancy 0.5 of Na: 1)
' ''
expect skipped-summary-quiet 0 "printf '%s' '$GOOD' | sed 's/^_atom_site_fract_z/&\\n_atom_site_occupancy/; s/^Na 0 0 0/& 0.5/; s/^Cl 0.5 0.5 0.5/& 1/' > x.cif && fetch-structures -q --skip-disordered x.cif $S/mp-1138_LiF.cif | wc -l" '1
' ''
expect bad-summary-quiet 1 ": > e.cif && fetch-structures -q -k e.cif $S/mp-1138_LiF.cif > o" '' 'fetch-structures: e.cif: empty file
fetch-structures: 1 written; skipped 1 bad structure (empty file: 1)
'

finish
