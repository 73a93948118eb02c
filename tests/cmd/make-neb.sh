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
expect ldau-mn-fluoride 0 "printf '%s\n' '{\"id\":\"mnf2.F.0\",\"iindex\":2,\"eindex\":3,\"esite\":[0.7,0.3,0.5],\"ion\":\"F\",\"structure\":{\"lattice\":[[4.9,0,0],[0,4.9,0],[0,0,3.3]],\"species\":[\"Mn\",\"Mn\",\"F\",\"F\",\"F\",\"F\"],\"frac\":[[0,0,0],[0.5,0.5,0.5],[0.3,0.3,0],[0.7,0.7,0],[0.8,0.2,0.5],[0.2,0.8,0.5]]}}' | sed 's/\"esite\":\\[0.7,0.3,0.5\\]/\"esite\":[0.7,0.7,0]/' | make-neb -q -p mp-static > /dev/null && grep -E '^(LDAU|LDAUU|LDAUL|LMAXMIX|MAGMOM|EDIFF) ' calcs/mnf2.F.0/mid/INCAR" 'MAGMOM = 12*5 23*0.6
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
expect force-rewrites 0 "$P > p && make-neb -q p > /dev/null && touch -d '2001-01-01' calcs/mp-2741.F.0/start/INCAR && make-neb -q -f p > /dev/null && ls -l --time-style=+%Y calcs/mp-2741.F.0/start/INCAR | awk '{print (\$6 > 2001 ? \"rewritten\" : \$6)}' && ls -a calcs | grep tmp | wc -l" 'rewritten
0
' ''
expect view 0 "$P | make-neb -q -t neb -i 3 --view path.xyz > /dev/null && head -n 1 path.xyz && tail -n 4 path.xyz | cut -d' ' -f1,5" '39
F 1
F 2
F 3
F 4
' ''
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
expect idpp-opens-path 0 "$Q | sed -n 2p > p2 && make-neb -q -t neb -i 5 -d lin p2 | grep -o '\"closest\":[^]]*' &&
	make-neb -q -t neb -i 5 --idpp -d idpp p2 | grep -o '\"closest\":[^]]*' | tr -d '\"closest:[' | tr ',' '\\n' | sort -n | head -n 1 | cut -c1-4" \
	'"closest":[2.388520501209444,1.895272047169948,1.5245562406383377,1.3790130452444742,1.524556288576834,1.8952721242933692,2.388520501209444
2.02
' ''

# records of another stage: named, with what make-neb reads
expect wrong-stage-structures 2 "fetch-structures $S/mp-2741_CaF2.cif | make-neb -q -d c > j; s=\$?; cat j; exit \$s" '' "make-neb: -:1: a structure record (fetch-structures' output); make-neb reads path records (find-paths' or measure's output)
"
expect wrong-stage-jobs 2 "$P | make-neb -q -d a > j && make-neb -q -d b j > k; s=\$?; ls b; cat k; exit \$s" '' "make-neb: j:1: a job record (make-neb's output); make-neb reads path records (find-paths' or measure's output)
"

finish
