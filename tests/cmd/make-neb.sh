#!/bin/sh
# make-neb: job directories, inputs, idempotency, bad input.
. "$(dirname "$0")/../lib.sh"

S='$DATA/structures'
P="fetch-structures $S/mp-2741_CaF2.cif | find-paths -n 1"

expect help 0 'make-neb --help' '~^usage: make-neb' ''
expect bad-kind 2 'make-neb --kind relax < /dev/null' '' "~--kind must be static3 or neb, not 'relax'"
expect bad-incar 2 'make-neb -I NOEQUALS < /dev/null' '' "~--incar 'NOEQUALS': 'NOEQUALS' is not KEY = VALUE"
expect bad-preset 2 'make-neb -p nosuch < /dev/null' '' "~no preset 'nosuch'"
expect static3-tree 0 "$P | make-neb -q > jobs && find calcs -type f | sort" 'calcs/mp-2741.F.0/end/INCAR
calcs/mp-2741.F.0/end/KPOINTS
calcs/mp-2741.F.0/end/POSCAR
calcs/mp-2741.F.0/end/POTCAR.spec
calcs/mp-2741.F.0/job.json
calcs/mp-2741.F.0/mid/INCAR
calcs/mp-2741.F.0/mid/KPOINTS
calcs/mp-2741.F.0/mid/POSCAR
calcs/mp-2741.F.0/mid/POTCAR.spec
calcs/mp-2741.F.0/start/INCAR
calcs/mp-2741.F.0/start/KPOINTS
calcs/mp-2741.F.0/start/POSCAR
calcs/mp-2741.F.0/start/POTCAR.spec
' ''
expect job-record 0 "$P | make-neb -q | cut -c1-160" '{"id":"mp-2741.F.0","dir":"calcs/mp-2741.F.0","kind":"static3","nimages":1,"natoms":35,"mover":12,"closest":[2.388520501209444,1.9502189023841514,2.388520501209
' ''
expect potcar-note 0 "$P | make-neb > /dev/null" '' 'make-neb: no POTCAR library (set VASP_PP_PATH): wrote POTCAR.spec with the symbols
'
expect incar-static3 0 "$P | make-neb -q -I ENCUT=600 -I kpar=2 > /dev/null && grep -E '^(ENCUT|ISYM|NSW|IBRION|EDIFF|KPAR|MAGMOM|LDAU) ' calcs/mp-2741.F.0/mid/INCAR" 'ENCUT = 600
EDIFF = 1E-03
MAGMOM = 12*0.6 23*0.6
NSW = 0
IBRION = -1
ISYM = 0
LDAU = .FALSE.
KPAR = 2
' ''
expect neb-tree 0 "$P | make-neb -q -t neb -i 3 --climb > /dev/null && ls calcs/mp-2741.F.0 && grep -E '^(IMAGES|LCLIMB|IBRION|SPRING) ' calcs/mp-2741.F.0/INCAR" '00
01
02
03
04
INCAR
KPOINTS
POTCAR.spec
job.json
IBRION = 3
SPRING = -5
LCLIMB = .TRUE.
IMAGES = 3
' ''
expect ldau-mn-fluoride 0 "printf '%s\n' '{\"id\":\"mnf2.F.0\",\"iindex\":2,\"eindex\":3,\"esite\":[0.7,0.3,0.5],\"ion\":\"F\",\"structure\":{\"lattice\":[[4.9,0,0],[0,4.9,0],[0,0,3.3]],\"species\":[\"Mn\",\"Mn\",\"F\",\"F\",\"F\",\"F\"],\"frac\":[[0,0,0],[0.5,0.5,0.5],[0.3,0.3,0],[0.7,0.7,0],[0.8,0.2,0.5],[0.2,0.8,0.5]]}}' | sed 's/\"esite\":\\[0.7,0.3,0.5\\]/\"esite\":[0.7,0.7,0]/' | make-neb -q -p mp-static --hubbard mp > /dev/null && grep -E '^(LDAU|LDAUU|LDAUL|LMAXMIX|MAGMOM|EDIFF) ' calcs/mnf2.F.0/mid/INCAR" 'MAGMOM = 12*5 23*0.6
LDAU = .TRUE.
LDAUL = 2 0
LDAUU = 3.9 0
LMAXMIX = 4
EDIFF = 1.75E-03
' ''
expect potcar-library 0 "mkdir -p pp/Ca_sv pp/F && echo 'PAW_PBE Ca_sv 06Sep2000' > pp/Ca_sv/POTCAR && echo 'PAW_PBE F 08Apr2002' > pp/F/POTCAR && $P | VASP_PP_PATH=\$PWD/pp make-neb > /dev/null && cat calcs/mp-2741.F.0/start/POTCAR" 'PAW_PBE Ca_sv 06Sep2000
PAW_PBE F 08Apr2002
' ''
expect potcar-library-incomplete 2 "mkdir -p pp/Ca_sv && echo x > pp/Ca_sv/POTCAR && $P | VASP_PP_PATH=\$PWD/pp make-neb > /dev/null" '' '~^make-neb: -:1: .*pp/F/POTCAR: No such file or directory'
expect idempotent 0 "$P > p && make-neb -q p > /dev/null && touch -d '2001-01-01' calcs/mp-2741.F.0/start/INCAR && make-neb -q p > /dev/null && ls -l --time-style=+%Y calcs/mp-2741.F.0/start/INCAR | awk '{print \$6}'" '2001
' ''
# a job collect -a packed and removed is not written back beside its archive
expect archived-kept 0 "$P > p && make-neb -q p > /dev/null && tar -czf calcs/mp-2741.F.0.tar.gz -C calcs mp-2741.F.0 &&
	rm -r calcs/mp-2741.F.0 && make-neb -q p | grep -c '\"id\":\"mp-2741.F.0\"' && ls calcs" '1
mp-2741.F.0.tar.gz
' ''
expect force-rewrites 0 "$P > p && make-neb -q p > /dev/null && touch -d '2001-01-01' calcs/mp-2741.F.0/start/INCAR && make-neb -q -f p > /dev/null && ls -l --time-style=+%Y calcs/mp-2741.F.0/start/INCAR | awk '{print (\$6 > 2001 ? \"rewritten\" : \$6)}' && ls -a calcs | grep tmp | wc -l" 'rewritten
0
' ''
expect view 0 "$P | make-neb -q -t neb -i 3 --view path.xyz > /dev/null && head -n 1 path.xyz && tail -n 4 path.xyz | cut -d' ' -f1,5" '39
F 1
F 2
F 3
F 4
' ''
# Endpoint relaxations shared by symmetry.  One per vacancy orbit of each
# supercell: the F hops of 5 A of fluorite CaF2, rock-salt LiF and
# fluorite beta-PbF2 need one (their supercells keep the F orbit whole); every hop names its parents,
# each a relaxation job written once.
R="make-neb -q -f -t neb --relax-endpoints --climb"
for s in mp-2741_CaF2 mp-1138_LiF mp-315_PbF2; do
	expect "relax-one-$s" 0 "fetch-structures -q $S/$s.cif | find-paths -q -n 0 -c 5 > p && $R p > jobs &&
		grep -c '\"kind\":\"relax\"' jobs && ls calcs | grep -c vac &&
		grep -o '\"parents\":\[[^]]*\]' jobs | sort -u | wc -l && grep -c '\"kind\":\"neb\"' jobs | awk '{print (\$1 > 1)}'" '1
1
1
1
' ''
done
expect relax-record 0 "$P | $R | head -n 1 | grep -o '\"kind\":\"relax\"\|\"vacancy\":{[^}]*}\|\"hubbard\":\"none\"\|\"vacancy_charge\":0\|\"nelect\":281'" '"kind":"relax"
"vacancy":{"element":"F","site":1}
"hubbard":"none"
"vacancy_charge":0
"nelect":281
' ''
expect relax-dir 0 "$P | $R > /dev/null && ls calcs/mp-2741.F.0 && ls calcs/*vac* && grep -E '^(IBRION|ISIF|EDIFF|EDIFFG|ISYM|LDAU) ' calcs/*vac*/INCAR" 'INCAR
KPOINTS
POTCAR.spec
job.json
INCAR
KPOINTS
POSCAR
POTCAR.spec
job.json
EDIFF = 5E-05
EDIFFG = -0.02
IBRION = 2
ISIF = 2
ISYM = 0
LDAU = .FALSE.
' ''

# Relaxed both ways with ff-calc: the shared relaxation carried onto each
# endpoint equals the endpoint relaxed on its own (static3 start/ and end/
# with the endpoint preset), every atom within 1e-3 A, energies within 1e-6 eV
CMP_AWK=$(cat <<'AWK'
FNR == 1 { f++ }
FNR == 2 { sc[f] = $1 }
FNR >= 3 && FNR <= 5 { for (k = 1; k <= 3; k++) L[f, FNR - 2, k] = $k * sc[f] }
FNR == 7 { N[f] = 0; for (k = 1; k <= NF; k++) N[f] += $k }
FNR >= 9 && FNR < 9 + N[f] { for (k = 1; k <= 3; k++) x[f, FNR - 8, k] = $k }
END {
	m = N[1] == N[2] ? 0 : 1e9
	for (i = 1; i <= N[1]; i++) {
		for (k = 1; k <= 3; k++) { d[k] = x[1, i, k] - x[2, i, k]; d[k] -= int(d[k] + (d[k] >= 0 ? 0.5 : -0.5)) }
		r2 = 0
		for (c = 1; c <= 3; c++) { r = 0; for (k = 1; k <= 3; k++) r += d[k] * L[1, k, c]; r2 += r * r }
		if (sqrt(r2) > m) m = sqrt(r2)
	}
	print m
}
AWK
)
export CMP_AWK

BOTH='make-neb -q -f -t neb -i 1 --relax-endpoints -I EDIFFG=-0.001 -d sh p > /dev/null &&
	make-neb -q -f -t static3 -p neb-endpoint -I EDIFFG=-0.001 -d sep p > /dev/null &&
	for j in sh/*vac* sep/*/start sep/*/end; do (cd $j && ff-calc -q) || exit 1; done &&
	make-neb --prepare $(ls -d sh/* | grep -v vac) &&
	for d in $(ls -d sh/* | grep -v vac); do
		id=${d#sh/}
		for e in "00 start" "02 end"; do
			set -- $e
			awk "$CMP_AWK" $d/$1/POSCAR sep/$id/$2/CONTCAR
			grep "energy  without" $d/$1/OUTCAR | tail -n 1 | awk "{ printf \"%s \", \$4 }"
			grep "energy  without" sep/$id/$2/OUTCAR | tail -n 1 | awk "{ print \$4 }"
		done
	done | awk -v h=$(wc -l < p) "NF == 1 && \$1 > x { x = \$1 } NF == 2 { d = \$1 - \$2; d = d < 0 ? -d : d; if (d > y) y = d; n++ }
		END { print (n == 2 * h ? \"every endpoint\" : n \" of \" 2 * h \" endpoints\"), (x < 1e-3 ? \"within 1e-3 A\" : \"off by \" x), (y < 1e-6 ? \"within 1e-6 eV\" : \"off by \" y \" eV\") }"'
export BOTH
for s in mp-2741_CaF2:6 mp-1138_LiF:4 mp-315_PbF2:4 mp-905_LaF3:12 mp-3700_LiYF4:12; do
	expect "relaxed-both-ways-${s%:*}" 0 "fetch-structures -q $S/${s%:*}.cif | find-paths -q -n ${s#*:} -c 5 > p && eval \"\$BOTH\"" \
		'every endpoint within 1e-3 A within 1e-6 eV
' ''
done

# A charged vacancy: NELECT = the cell's valence electrons (ZVAL of the
# POTCARs used) - 1 in every INCAR, relaxations and hops alike; from a
# POTCAR library, or from POTCAR.spec and the shipped ZVAL table
PP="mkdir -p pp/Ca_sv pp/F pp/La && printf 'PAW_PBE Ca_sv\n POMASS = 40.078; ZVAL = 10.000 mass and valenz\n' > pp/Ca_sv/POTCAR &&
	printf 'PAW_PBE F\n POMASS = 18.998; ZVAL = 7.000 mass and valenz\n' > pp/F/POTCAR &&
	printf 'PAW_PBE La\n POMASS = 138.9; ZVAL = 11.000 mass and valenz\n' > pp/La/POTCAR"
NEL='for i in $(find calcs -name INCAR); do d=${i%/INCAR}; pos=$(ls $d/POSCAR $d/00/POSCAR $d/start/POSCAR 2>/dev/null | head -n 1);
	[ -n "$pos" ] || pos=$(ls -d calcs/*vac* | head -n 1)/POSCAR; pot=$d/POTCAR; [ -f $pot ] || pot=${d%/*}/POTCAR;
	awk -v want=$(grep "^NELECT" $i | cut -d" " -f3) "FILENAME ~ /POTCAR/ && /ZVAL/ { z[++nz] = \$6 } FNR == 7 && FILENAME ~ /POSCAR/ { for (k = 1; k <= NF; k++) v += \$k * z[k] }
		END { print (want == v - 1 ? \"ok\" : \"NELECT \" want \" for \" v - 1) }" $pot $pos; done | sort -u'
export NEL
for s in mp-2741_CaF2 mp-905_LaF3; do
	expect "vacancy-charge-$s" 0 "$PP && fetch-structures -q $S/$s.cif | find-paths -q -n 3 > p &&
		VASP_PP_PATH=\$PWD/pp make-neb -q -f -t static3 --relax-endpoints --vacancy-charge 1 p > /dev/null &&
		for j in calcs/*vac*; do (cd \$j && ff-calc -q); done && make-neb --prepare \$(ls -d calcs/* | grep -v vac) &&
		find calcs -name INCAR | wc -l | awk '{ print (\$1 > 6) }' && eval \"\$NEL\"" '1
ok
' ''
done
# From POTCAR.spec and the shipped ZVAL table (no POTCAR library): NELECT of
# every INCAR -- relaxations, and after the preparation each static3 image's --
# is the cell's valence electrons by the ZVAL of VASP's PBE_54 POTCARs, as
# their headers state them (F 7, Ca_sv 10, Li_sv 3, Pb_d 14, La 11, Y_sv 11), - 1
NELSPEC='for i in $(find calcs -name INCAR); do d=${i%/INCAR}; pos=$(ls $d/POSCAR $d/start/POSCAR 2>/dev/null | head -n 1);
	awk -v want=$(grep "^NELECT" $i | cut -d" " -f3) "BEGIN { z[\"F\"] = 7; z[\"Ca_sv\"] = 10; z[\"Li_sv\"] = 3; z[\"Pb_d\"] = 14; z[\"La\"] = 11; z[\"Y_sv\"] = 11 }
		FILENAME ~ /spec\$/ { for (k = 1; k <= NF; k++) s[k] = \$k } FNR == 7 && FILENAME ~ /POSCAR\$/ { for (k = 1; k <= NF; k++) v += \$k * z[s[k]] }
		END { print (want != \"\" && want == v - 1 ? \"ok\" : \"NELECT \" want \" for \" v - 1) }" $d/POTCAR.spec $pos; done | sort -u'
export NELSPEC
for s in mp-2741_CaF2 mp-1138_LiF mp-315_PbF2 mp-905_LaF3 mp-3700_LiYF4; do
	expect "vacancy-charge-zval-table-$s" 0 "fetch-structures -q $S/$s.cif | find-paths -q -n 2 > p &&
		make-neb -q -f -t static3 --relax-endpoints --vacancy-charge 1 p > /dev/null && ! ls calcs/*/POTCAR 2>/dev/null &&
		for j in calcs/*vac*; do (cd \$j && ff-calc -q); done && make-neb --prepare \$(ls -d calcs/* | grep -v vac) &&
		find calcs -path '*/mid/INCAR' | wc -l && eval \"\$NELSPEC\"" '2
ok
' ''
done
expect vacancy-charge-table 0 "$P | make-neb -q -t neb --relax-endpoints --vacancy-charge 1 | grep -o '\"nelect\":[0-9.]*' && grep -h NELECT calcs/*/INCAR" '"nelect":280
"nelect":280
NELECT = 280
NELECT = 280
' ''
expect vacancy-charge-no-zval 1 "$P | sed 's/\"Ca\"/\"Es\"/g' | make-neb -q -k --vacancy-charge 1" '' '~no (recommended POTCAR|ZVAL)'
expect hubbard-bad 2 'make-neb --hubbard u < /dev/null' '' "~--hubbard must be mp or none, not 'u'"
expect hubbard-not-incar 2 'make-neb -I LDAU=.TRUE. < /dev/null' '' "~\+U is --hubbard's choice"

# Preparation from archived parents: the CONTCAR read in place, OUTCARs
# copied, collect reads the endpoints' energies from them; a second
# --prepare does nothing; a missing parent is named
expect prepare-archive 0 "$P | $R > /dev/null && j=\$(ls -d calcs/*vac*) && (cd \$j && ff-calc -q) &&
	tar -C calcs -czf \$j.tar.gz \${j#calcs/} && rm -r \$j && make-neb --prepare calcs/mp-2741.F.0 && ls calcs/mp-2741.F.0/00 &&
	collect calcs/mp-2741.F.0 | grep -o '\"energies\":\[[^,]*,null' | sed 's/[0-9]/d/g' && ls -a calcs/mp-2741.F.0 | grep -c prep &&
	touch -d 2001-01-01 calcs/mp-2741.F.0/00/POSCAR && make-neb --prepare calcs/mp-2741.F.0 && ls -l --time-style=+%Y calcs/mp-2741.F.0/00/POSCAR | awk '{print \$6}'" 'OSZICAR
OUTCAR
POSCAR
"energies":[-dd.dddddddd,null
1
2001
' ''
expect prepare-no-parent 1 "$P | $R > /dev/null && rm -r calcs/*vac* && make-neb --prepare calcs/mp-2741.F.0; ls calcs/mp-2741.F.0 | grep -c 00" '0
' '~^make-neb: calcs/mp-2741.F.0/job.json: parent mp-2741.Fvac2.m[0-9a-f]+ is not beside it$'
expect prepare-not-done 1 "$P | $R > /dev/null && make-neb --prepare calcs/mp-2741.F.0" '' '~^make-neb: calcs/mp-2741.Fvac2.m[0-9a-f]+: no CONTCAR \(is the relaxation done\?\)$'

# bad input
expect no-ion-at-site 1 "$P | sed 's/\"iindex\":1/\"iindex\":0/' | make-neb -k -q" '' 'make-neb: -:1: the structure has no F at site 0 or 2
make-neb: 1 record; skipped 1 bad record (the structure has no F at site 0 or 2: 1)
'
expect singular-supercell 2 "$P | sed 's/\"matrix\":\\[\\[[^]]*\\],\\[[^]]*\\],\\[[^]]*\\]\\]/\"matrix\":[[1,0,0],[1,0,0],[0,0,1]]/' | make-neb -q" '' 'make-neb: -:1: supercell matrix has determinant 0 (must be positive)
'
expect collision 1 "fetch-structures $S/mp-2741_CaF2.cif | find-paths -n 3 | make-neb -k -q -t static3 > jobs; s=\$?; wc -l < jobs; ls calcs; exit \$s" '2
mp-2741.F.0
mp-2741.F.1
' '~^make-neb: -:3: atoms 0.000 A apart in image 1 \(less than 0.5 A\); not written \(--force writes it\)'
expect collision-forced 0 "fetch-structures $S/mp-2741_CaF2.cif | find-paths -n 3 | make-neb -f -q > jobs && ls calcs" 'mp-2741.F.0
mp-2741.F.1
mp-2741.F.2
' ''
expect unwritable 2 "touch file && $P | make-neb -q -d file/calcs" '' 'make-neb: file/calcs: cannot create: Not a directory
'

# IDPP: the record says how the relaxation ended, consistently; on fluorite's
# 3.9 A hop the straight line passes 1.38 A from an ion, IDPP's path 2.03 A
Q="fetch-structures $S/mp-2741_CaF2.cif | find-paths -q -c 4"
expect idpp-record 0 "$Q | make-neb -q -t neb -i 3 --idpp | grep -o '\"idpp\":{[^}]*}' | tr -d '\"{}' | tr ',:' '  ' |
	awk '{ ok = (\$7 == \"true\" && \$5 < 1e-5 && \$9 == \"false\") || (\$7 == \"false\" && \$9 == \"true\"); print \$1, (\$3 > 0), (\$5 >= 0), ok }'" 'idpp 1 1 1
idpp 1 1 1
' ''
# rock salt's second hop runs through a Li site: IDPP starts bent around it
expect idpp-detour 0 "fetch-structures -q $S/mp-1138_LiF.cif | find-paths -q -n 2 | make-neb -q -t neb -i 3 --idpp |
	jq -c '[.id, .idpp.start]' && ls calcs/mp-1138.F.1" '["mp-1138.F.0","linear"]
["mp-1138.F.1","detour"]
00
01
02
03
04
INCAR
KPOINTS
POTCAR.spec
job.json
' ''
expect idpp-opens-path 0 "$Q | sed -n 2p > p2 && make-neb -q -t neb -i 5 -d lin p2 | grep -o '\"closest\":[^]]*' &&
	make-neb -q -t neb -i 5 --idpp -d idpp p2 | grep -o '\"closest\":[^]]*' | tr -d '\"closest:[' | tr ',' '\\n' | sort -n | head -n 1 | cut -c1-4" \
	'"closest":[2.388520501209444,1.895272047169948,1.5245562406383377,1.3790130452444742,1.524556288576834,1.8952721242933692,2.388520501209444
2.02
' ''

# records of another stage: named, with what make-neb reads
expect wrong-stage-structures 2 "fetch-structures $S/mp-2741_CaF2.cif | make-neb -q -d c > j; s=\$?; cat j; exit \$s" '' "make-neb: -:1: a structure record (fetch-structures' output); make-neb reads path records (find-paths' or measure's output) or results (collect's)
"
expect wrong-stage-jobs 2 "$P | make-neb -q -d a > j && make-neb -q -d b j > k; s=\$?; ls b; cat k; exit \$s" '' "make-neb: j:1: a job record (make-neb's output); make-neb reads path records (find-paths' or measure's output) or results (collect's)
"

finish
