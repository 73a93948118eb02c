#!/bin/sh
# ff-calc: VASP's files in and out, single points, relaxations, NEBs, bad input.
. "$(dirname "$0")/../lib.sh"

S='$DATA/structures'
# a job directory of one hop: HOP structure index kind [make-neb options]
job() { echo "fetch-structures $S/$1 | find-paths -n $(($2 + 1)) | rank -w 'iindex >= 0' -b length -x /dev/null | tail -n 1 | make-neb -q $3 > jobs.jsonl"; }
CAF2_STATIC=$(job mp-2741_CaF2.cif 0 "")
RELAX="$CAF2_STATIC && cd calcs/mp-2741.F.0/start && printf 'NSW = 400\nIBRION = 2\nEDIFFG = -0.01\n' > INCAR"
# energies of an OSZICAR, one per line
E0="awk '{ print \$5 }' OSZICAR"

expect help 0 'ff-calc --help' '~^usage: ff-calc' ''
expect version 0 'ff-calc --version' '~^ff-calc \(hopkit\) [0-9]' ''
expect bad-option 2 'ff-calc --frobnicate' '' '~unknown option'
expect argument 2 'ff-calc extra' '' "~unexpected argument 'extra'"
expect bad-cutoff 2 'ff-calc -c 1' '' '~--cutoff'
expect no-incar 2 'ff-calc' '' '~^ff-calc: ./INCAR: No such file or directory$'
expect no-poscar 2 'echo NSW=0 > INCAR; ff-calc' '' '~^ff-calc: ./POSCAR: No such file or directory$'
expect bad-tag 2 "$CAF2_STATIC && cd calcs/*/start && echo 'NSW = many' >> INCAR && ff-calc" '' \
	'~INCAR: NSW = many is not an integer'
expect md-refused 2 "$CAF2_STATIC && cd calcs/*/start && printf 'NSW = 5\nIBRION = 0\n' >> INCAR && ff-calc" '' \
	'~IBRION = 0 asks for molecular dynamics'
expect bad-oxi 2 "$CAF2_STATIC && ff-calc -C calcs/mp-2741.F.0/start --oxi Ca2" '' "~bad oxidation state 'Ca2'"
expect oxi-missing 2 "$CAF2_STATIC && ff-calc -C calcs/mp-2741.F.0/start --oxi Ca=2" '' '~no oxidation state given for F'
expect images-differ 2 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3') && cd calcs/*/ && sed -i '7s/.*/13 22/' 02/POSCAR && ff-calc -q" '' \
	'~02/POSCAR: not the atoms of'

# A single point: one step, the files VASP writes, a result collect reads.
expect static 0 "$CAF2_STATIC && (cd calcs/mp-2741.F.0/start && ff-calc -q && ls && wc -l < OSZICAR && grep -c 'this is not VASP' OUTCAR) && collect calcs | grep -o '\"energies\":\[[^,]*' | cut -c1-14" 'CONTCAR
INCAR
KPOINTS
OSZICAR
OUTCAR
POSCAR
POTCAR.spec
1
1
"energies":[-3
' ''
expect static-energy-agrees 0 "$CAF2_STATIC && cd calcs/mp-2741.F.0/start && ff-calc -q && e=\$($E0) && awk -v e=\$e '/energy\\(sigma->0\\)/ { d = \$NF - e; print (d < 1e-6 && d > -1e-6) ? \"ok\" : d }' OUTCAR" 'ok
' ''
expect says-so 0 "$CAF2_STATIC && cd calcs/mp-2741.F.0/start && ff-calc | head -1" \
	'~ff-calc \(hopkit [0-9.]+\): 35 atoms, net charge \+1, single point' ''
expect given-oxi 0 "$CAF2_STATIC && cd calcs/mp-2741.F.0/start && ff-calc -q && a=\$($E0) && ff-calc -q --oxi Ca=2,F=-1 && [ \"\$a\" = \"\$($E0)\" ] && echo same" 'same
' ''

# A relaxation: energies never rise, and it stops at the force tolerance.
expect relax 0 "$RELAX && ff-calc -q && $E0 | awk 'NR > 1 && \$1 > last { bad = 1 } { last = \$1 } END { print (NR > 5 && !bad) ? \"descends\" : \"rose\" }' && grep -c 'reached required accuracy' OUTCAR && grep 'FORCES: max atom' OUTCAR | tail -n 1 | awk '{ print (\$5 < 0.01) }'" 'descends
1
1
' ''
expect relax-untethered 0 "$RELAX && ff-calc -q -k 0 && { grep -c 'held to the first POSCAR' OUTCAR || true; }" '0
' ''
expect stopcar 0 "$RELAX && echo 'LSTOP = .TRUE.' > STOPCAR && ff-calc -q && wc -l < OSZICAR && grep -c 'soft stop encountered' OUTCAR" '1
1
' ''
expect contcar-reads 0 "$RELAX && ff-calc -q && fetch-structures --csv CONTCAR | tail -n 1 | cut -d, -f2,3" 'Ca12F23,35
' ''

# An endpoint relaxation (a single vacancy, MVLCINEBEndPointSet's tags) with each of
# VASP's relaxation algorithms: the energy falls, the last TOTAL-FORCE block is below
# EDIFFG, the CONTCAR has the POSCAR's atoms in its order, and collect reads a
# converged relaxation.
FMAX="awk '/TOTAL-FORCE/ { b = 1; n = 0; m = 0; next } b && /^ ---/ { if (++n == 2) { b = 0; last = m } next } b && NF == 6 { f = sqrt(\$4 * \$4 + \$5 * \$5 + \$6 * \$6); if (f > m) m = f } END { print (last < 0.02) ? \"forces below EDIFFG\" : last }' OUTCAR"
SAME_ATOMS="sed -n '6,7p' POSCAR > a && sed -n '6,7p' CONTCAR > b && cmp -s a b && [ \$(wc -l < POSCAR) -eq \$(wc -l < CONTCAR) ] && fetch-structures --csv CONTCAR | tail -n 1 | cut -d, -f2,3"
for ib in 1 2 3; do
	expect "endpoint-relax-ibrion-$ib" 0 "$CAF2_STATIC && cd calcs/mp-2741.F.0/start && printf 'IBRION = $ib\nNSW = 99\nISIF = 2\nEDIFF = 5e-5\nEDIFFG = -0.02\nISYM = 0\n' > INCAR && ff-calc -q &&
		$E0 | awk 'NR == 1 { first = \$1 } NR > 1 && \$1 > last { bad = 1 } { last = \$1 } END { print (NR > 5 && !bad && last < first - 0.01) ? \"descends\" : \"rose\" }' &&
		$FMAX && grep -c 'reached required accuracy' OUTCAR && $SAME_ATOMS && cd .. && collect start | grep -o '\"kind\":\"relax\"\|\"converged\":true'" 'descends
forces below EDIFFG
1
Ca12F23,35
"kind":"relax"
"converged":true
' ''
done

# NEB: endpoints relaxed, band converged, a positive barrier of sensible size.
for hop in "mp-2741_CaF2.cif 0" "mp-2741_CaF2.cif 1" "mp-1138_LiF.cif 0"; do
	set -- $hop
	expect "neb-$1-$2" 0 "$(job $1 $2 '-t neb -i 5 --idpp') && (cd calcs/* && ff-calc -q) && collect --csv calcs | awk -F, 'NR == 2 { print \$9, (\$7 > 0.1 && \$7 < 1.5) ? \"sensible\" : \$7 }'" 'true sensible
' ''
done
# A rigid framework: only the hopping ion moves, every other atom stays put.
expect neb-frozen 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 5 --idpp') && (cd calcs/* && ff-calc -q --frozen && grep -c 'atoms fixed' 03/OUTCAR) && collect --csv calcs | awk -F, 'NR == 2 { print \$9, (\$7 > 0.1 && \$7 < 1) ? \"sensible\" : \$7 }'" '1
true sensible
' ''
expect frozen-atoms-stay 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3') && cd calcs/* && ff-calc -q --frozen && m=\$(grep -o '\"mover\":[0-9]*' job.json | cut -d: -f2) &&
	for k in 00 02 04; do paste \$k/POSCAR \$k/CONTCAR | awk -v m=\$m -v k=\$k 'NR > 8 && NF == 6 { d = 0; for (i = 1; i <= 3; i++) { x = \$i - \$(i + 3); d += x * x } if (NR - 9 != m && d > 1e-18) bad++ } END { print k, bad + 0, \"other atoms moved\" }'; done" '00 0 other atoms moved
02 0 other atoms moved
04 0 other atoms moved
' ''
expect neb-climb 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 5 --idpp --climb') && cd calcs/* && ff-calc | grep -c 'climbing image on' && grep -c 'reached required' 03/OUTCAR" '1
1
' ''
expect neb-endpoints-written 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3') && cd calcs/* && ff-calc -q && ls 00 04 | grep -c OUTCAR" '2
' ''

# VTST's NEB lines: one block per step in each interior image, none in the
# endpoints; read as nebbarrier.pl and nebef.pl read them (last field; columns
# 67-78), the top image of a symmetric hop has no force along the path.
expect neb-vtst-lines 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3 --idpp') && cd calcs/* && ff-calc -q && for k in 00 01 02 03 04; do echo \$k \$(grep -c 'NEB: projections on to tangent (spring, REAL)' \$k/OUTCAR) \$(grep -c '^ NEB: Tangent' \$k/OUTCAR) \$(wc -l < \$k/OSZICAR); done | awk '{ print \$1, (\$2 == \$3 && (\$1 == \"00\" || \$1 == \"04\" ? \$2 == 0 : \$2 == \$4)) ? \"ok\" : \$0 }' &&
	grep 'NEB: projections' 02/OUTCAR | tail -n 1 | awk '{ print (\$NF < 1e-3 && \$NF > -1e-3) ? \"flat at the top\" : \$NF }' &&
	grep 'energy  without' 02/OUTCAR | tail -n 1 | cut -c 67-78 | awk -v e=\$(tail -n 1 02/OSZICAR | awk '{ print \$5 }') '{ d = \$1 - e; print (d < 1e-4 && d > -1e-4) ? \"nebef reads the energy\" : \$1 }'" '00 ok
01 ok
02 ok
03 ok
04 ok
flat at the top
nebef reads the energy
' ''
# Endpoints relaxed apart (each around its own vacancy) and put in 00 and N+1 as
# VTST users do: the tethers hold the framework midway between them, so the two
# ends of a symmetric hop keep equal energies.
ENDS="for k in 00 04; do mkdir r\$k && cp \$k/POSCAR r\$k && printf 'IBRION = 2\nNSW = 200\nEDIFFG = -0.005\n' > r\$k/INCAR && (cd r\$k && ff-calc -q) && cp r\$k/CONTCAR \$k/POSCAR || exit 1; done"
expect neb-relaxed-endpoints 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3 --idpp') && cd calcs/* && $ENDS && ff-calc -q && tail -qn 1 00/OSZICAR 04/OSZICAR | awk '{ e[NR] = \$5 } END { d = e[1] - e[2]; print (d < 1e-6 && d > -1e-6) ? \"ends equal\" : d }'" 'ends equal
' ''

# Endpoints that hold their relaxations' outputs (OUTCAR, OSZICAR, the relaxed
# structure as POSCAR), as VTST users and make-neb's preparation lay them out:
# as VASP, ff-calc computes only the interior images.  The endpoints' files
# stay byte for byte (and none is added), their energies are the relaxations'
# (collect's first and last energy), and the band's springs hold the
# framework where the relaxations held it (job.json's unrelaxed endpoints), so
# the barrier is the one the band gives with its endpoints relaxed by it.
OUTS="for k in 00 04; do mkdir r\$k && cp \$k/POSCAR r\$k && printf 'IBRION = 2\nNSW = 200\nEDIFFG = -0.002\n' > r\$k/INCAR && (cd r\$k && ff-calc -q) &&
	cp r\$k/CONTCAR \$k/POSCAR && cp r\$k/OUTCAR r\$k/OSZICAR \$k && cp -r \$k o\$k || exit 1; done"
ENERGIES="collect . | grep -o '\"energies\":\[[^]]*\]' | tr -d '\"energis:[]' | tr ',' ' '"
GIVEN="awk '/energy\\(sigma->0\\)/ { e = \$NF } END { print e }'"
expect neb-endpoint-outputs-kept 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3 --idpp') && cd calcs/* && $OUTS && ff-calc > out &&
	grep -c 'endpoint energy .* from its OUTCAR, of its POSCAR; not computed' out && diff -r o00 00 && diff -r o04 04 && echo untouched &&
	$ENERGIES | awk -v a=\$($GIVEN r00/OUTCAR) -v b=\$($GIVEN r04/OUTCAR) '{ d = \$1 - a; d2 = \$NF - b; print (d * d < 1e-12 && d2 * d2 < 1e-12) ? \"energies of the relaxations\" : \$0 }' &&
	collect --csv . | awk -F, 'NR == 2 { print (\$7 > 0.44 && \$7 < 0.47) ? \"barrier as with ends relaxed in the band\" : \$7 }'" '2
untouched
energies of the relaxations
barrier as with ends relaxed in the band
' ''
# only the endpoint without output is computed
expect neb-one-endpoint-output 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3 --idpp') && cd calcs/* && $OUTS && rm 04/OUTCAR 04/OSZICAR && ff-calc -q &&
	diff -r o00 00 && echo 00 untouched && ls 04 | tr '\n' ' ' && echo" '00 untouched
CONTCAR OSZICAR OUTCAR POSCAR 
' ''
# an OUTCAR cut short (no timing block: the relaxation did not finish) is no output
expect neb-endpoint-outcar-unfinished 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3 --idpp') && cd calcs/* && $OUTS && sed -i '/General timing/,\$d' 00/OUTCAR &&
	ff-calc | grep -c 'not computed' && ls 00 | grep -c CONTCAR && grep -c 'General timing' 00/OUTCAR" '1
1
1
' ''
# run again (a retry), a band whose endpoints ff-calc relaxed keeps them: their
# OUTCAR is of their CONTCAR, and the barrier is the same
expect neb-run-again 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3 --idpp') && cd calcs/* && ff-calc -q && collect --csv . | cut -d, -f7 > b1 && cp -r 00 o00 && cp -r 04 o04 &&
	ff-calc | grep -c 'from its OUTCAR, of its CONTCAR; not computed' && diff -r o00 00 && diff -r o04 04 && collect --csv . | cut -d, -f7 | cmp - b1 && echo same barrier" '2
same barrier
' ''

# No absurd number is written as a result: two F- 0.06 A apart make an energy of
# 1e15 eV per atom, and the run stops naming the image before writing it.
CLASH="awk 'NR == 21 { a = \$1; b = \$2; c = \$3 } NR == 22 { printf \" %.16f %.16f %.16f F\\n\", a + 0.01, b, c; next } { print }'"
expect absurd-single-point 2 "$CAF2_STATIC && cd calcs/*/start && $CLASH POSCAR > P && mv P POSCAR && ff-calc -q --oxi Ca=2,F=-1; s=\$?; wc -c < OSZICAR; exit \$s" '0
' '~^ff-calc: \./POSCAR: energy [0-9.e+]+ eV is [0-9.e+]+ eV per atom, beyond 100 eV per atom: not a result'
expect absurd-relaxation 2 "$RELAX && $CLASH POSCAR > P && mv P POSCAR && ff-calc -q --oxi Ca=2,F=-1" '' \
	'~^ff-calc: \./POSCAR: energy [0-9.e+]+ eV is [0-9.e+]+ eV per atom, beyond 100 eV per atom'
expect absurd-neb-image 2 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3') && cd calcs/* && $CLASH 02/POSCAR > P && mv P 02/POSCAR && ff-calc -q --oxi Ca=2,F=-1; s=\$?; cat 01/OSZICAR 02/OSZICAR 03/OSZICAR | wc -c; exit \$s" '0
' '~^ff-calc: \./02/POSCAR: energy [0-9.e+]+ eV is [0-9.e+]+ eV per atom'
# Parameter tables: a pair left out of softBV is an error naming it; a bad row is a warning.
SHARE="cp -r \$TOP/share sh && export HOPKIT_SHARE=\$PWD/sh"
expect no-softbv-pair 2 "$SHARE && sed -i '/^Ca\t2\tF\t-1\t/d; /^F\t-1\tCa\t2\t/d' sh/bvse/softbv-*.tsv && $CAF2_STATIC && ff-calc -q -C calcs/mp-2741.F.0/start" '' \
	'ff-calc: calcs/mp-2741.F.0/start/POSCAR: no softBV parameters for Ca2+ with F-
'
expect bad-table-row-warned 0 "$SHARE && printf 'Cl\t-1\tSr\t2\t2.1\t1.3\t-1.6\t0.9\n' >> sh/bvse/softbv-anions.tsv && $CAF2_STATIC && ff-calc -q -C calcs/mp-2741.F.0/start 2>&1 >/dev/null | sed \"s|\$PWD/||\"" \
	"ff-calc: sh/bvse/softbv-anions.tsv:$(($(wc -l < share/bvse/softbv-anions.tsv) + 1)): alpha -1.6 is outside (0, 10]: a Morse curve with no minimum; row not used
" ''
expect unusable-table 2 "$SHARE && printf 'element\tradius\n' > sh/bvse/elements.tsv && $CAF2_STATIC && ff-calc -q -C calcs/mp-2741.F.0/start 2> e; s=\$?; sed \"s|\$PWD/||\" e >&2; exit \$s" '' \
	'ff-calc: sh/bvse/elements.tsv:1: the header does not name the columns element, ... (not the table expected)
'

# run-vasp drives it like VASP, and collect cannot tell the difference.
expect under-run-vasp 0 "$(job mp-2741_CaF2.cif 0 '-t neb -i 3 --idpp') && run-vasp add jobs.jsonl 2>/dev/null && run-vasp topup -n 1 -c 'ff-calc -q' 2>/dev/null && for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do run-vasp status | grep -q '^done 1' && break; sleep 1; done; run-vasp status | head -4 | tr '\n' ' '; collect --csv calcs | cut -d, -f2,9 | tail -n 1" 'ready 0 queued 0 running 0 done 1 done,true
' ''
finish
