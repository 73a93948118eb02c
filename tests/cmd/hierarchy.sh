#!/bin/sh
# The DFT hierarchy by hand, with ff-calc for VASP: shared endpoint
# relaxations run and collected, NEBs prepared from them, run, collected.
. "$(dirname "$0")/../lib.sh"

S='$DATA/structures'
JOBS="fetch-structures -q $S/mp-2741_CaF2.cif | find-paths -q -n 2 | make-neb -q -t neb -i 3 --idpp --climb --relax-endpoints -d calcs > jobs.jsonl"
RUN="run-vasp topup -n 2 --wait --poll 0.05 -c 'ff-calc -q' 2>/dev/null"
KIND="grep '\"kind\":\"relax\"' jobs.jsonl > relax.jsonl && grep '\"kind\":\"neb\"' jobs.jsonl > neb.jsonl"
F="grep -o '\"id\":\"[^\"]*\"\\|\"kind\":\"[a-z]*\"\\|\"state\":\"[a-z-]*\"\\|\"converged\":[a-z]*,\"converged_images\"\\|\"energy_barrier\"' | sed 's/,\"converged_images\"//'"

# fluorite: both hops' endpoints are one vacancy orbit of the supercell
expect one-relaxation 0 "$JOBS && $KIND && wc -l < relax.jsonl && wc -l < neb.jsonl" '1
2
' ''
# a relaxation job runs in its own directory and is collected as one (the
# hops, not run yet, are not finished)
expect relaxation-runs 0 "$JOBS && $KIND && run-vasp add relax.jsonl 2>/dev/null && $RUN && collect -S jobs calcs | $F" '"id":"mp-2741.Fvac2.m166977b8"
"state":"done"
"kind":"relax"
"converged":true
' ''
# and archived, it reads the same
expect relaxation-archived 0 "$JOBS && $KIND && run-vasp add relax.jsonl 2>/dev/null && $RUN && collect -q -S jobs calcs/mp-2741.Fvac2.m166977b8 > a &&
	collect -q -S jobs -a arch calcs/mp-2741.Fvac2.m166977b8 > /dev/null && collect -q -S jobs arch | sed 's/\"archive\":\"[^\"]*\"/WHERE/' > b &&
	sed 's/\"dir\":\"[^\"]*\"/WHERE/' a | cmp - b && echo same" 'same
' ''
# then the NEBs, prepared from the relaxed parent, run to a barrier
expect nebs-from-parents 0 "$JOBS && $KIND && run-vasp add relax.jsonl 2>/dev/null && $RUN && make-neb --prepare calcs/mp-2741.F.0 calcs/mp-2741.F.1 &&
	ls calcs/mp-2741.F.0 | tr '\\n' ' ' && echo && run-vasp add neb.jsonl 2>/dev/null && $RUN && collect -S jobs calcs/mp-2741.F.0 calcs/mp-2741.F.1 | $F" '00 01 02 03 04 INCAR KPOINTS POTCAR.spec job.json 
"id":"mp-2741.F.0"
"state":"done"
"kind":"neb"
"energy_barrier"
"converged":true
"id":"mp-2741.F.1"
"state":"done"
"kind":"neb"
"energy_barrier"
"converged":true
' ''
# the NEBs' endpoints are the relaxation's outputs, and stay so: after the
# NEBs ran, 00/ and 04/ hold the parent's OUTCAR and OSZICAR byte for byte
# (and nothing the NEB wrote), and collect's barrier is the highest image's
# energy less the parent's
PARENT=calcs/mp-2741.Fvac2.m166977b8
SAME="for d in calcs/mp-2741.F.0 calcs/mp-2741.F.1; do for e in 00 04; do for f in OUTCAR OSZICAR; do cmp $PARENT/\$f \$d/\$e/\$f || exit 1; done; ls \$d/\$e | tr '\\n' ' '; echo; done; done"
# a result line: its energies' ends equal e (the parent's), its barrier the highest less e
BAR_AWK=$(cat <<'AWK'
FNR == NR { if (/energy\(sigma->0\)/) e = $NF; next }
{
	match($0, /"energies":\[[^]]*\]/); n = split(substr($0, RSTART + 12, RLENGTH - 13), en, ",")
	match($0, /"energy_barrier":[-0-9.e]*/); b = substr($0, RSTART + 17, RLENGTH - 17)
	m = en[1]; for (k = 2; k <= n; k++) if (en[k] > m) m = en[k]
	d = b - (m - e)
	print (n == 5 && en[1] == e && en[n] == e && d * d < 1e-12) ? "barrier from the parent energy" : $0
}
AWK
)
export BAR_AWK
BAR="collect -q -S jobs calcs/mp-2741.F.0 calcs/mp-2741.F.1 | awk \"\$BAR_AWK\" $PARENT/OUTCAR -"
expect nebs-keep-parents-outputs 0 "$JOBS && $KIND && run-vasp add relax.jsonl 2>/dev/null && $RUN && make-neb --prepare calcs/mp-2741.F.0 calcs/mp-2741.F.1 &&
	run-vasp add neb.jsonl 2>/dev/null && $RUN && $SAME && $BAR" 'OSZICAR OUTCAR POSCAR 
OSZICAR OUTCAR POSCAR 
OSZICAR OUTCAR POSCAR 
OSZICAR OUTCAR POSCAR 
barrier from the parent energy
barrier from the parent energy
' ''
# Tier to tier by records: tier A's static3 results, ranked, build tier B's
# NEBs; nothing of tier A's calculation is carried as tier B's own (the one
# barrier in a tier B record is under "previous"), and tier B runs by
# itself: relaxation, then the waiting NEB.
TA="fetch-structures -q $S/mp-2741_CaF2.cif | find-paths -q -n 2 | make-neb -q -t static3 -d a > ja.jsonl && run-vasp -s sa add ja.jsonl 2>/dev/null &&
	run-vasp -s sa topup -n 2 --wait --poll 0.05 -c 'ff-calc -q' 2>/dev/null && collect -q -u ra.jsonl -S sa a"
expect tier-a-to-b 0 "$TA && rank -q -w 'energy_barrier < 5' -b energy_barrier -n 1 ra.jsonl | make-neb -q -t neb -i 3 --relax-endpoints -d b > jb.jsonl &&
	grep -c '\"kind\":\"neb\".*\"previous\":{\"kind\":\"static3\",\"dir\":\"a/mp-2741[.]F[.][01]\",\"state\":\"done\",\"run_state\":\"done\",\"energy_barrier\"' jb.jsonl &&
	grep '\"kind\":\"neb\"' jb.jsonl | grep -o '\"energy_barrier\"' | wc -l &&
	run-vasp -s sb add jb.jsonl 2>/dev/null && run-vasp -s sb topup -n 2 --wait --poll 0.05 -c 'ff-calc -q' 2>/dev/null &&
	collect -q -S sb b | grep -c '^{\"id\":\"mp-2741[.]F[.][01]\",\"state\":\"done\",\"kind\":\"neb\".*\"energy_barrier\":[0-9.]*,\"barrier_forward\"'" '1
1
1
' ''
# --reuse-wavecar: the relaxation keeps WAVECAR and CHGCAR; the hops'
# interior images get copies of what is there and not empty (here a
# WAVECAR and an empty CHGCAR), the endpoints none, and the one INCAR reads
# only what every image got.  Without the option nothing is copied.
CALC="printf '#!/bin/sh\\nff-calc -q || exit \$?\\ngrep -q \"^LWAVE = .TRUE.\" INCAR && echo wave > WAVECAR\\ngrep -q \"^LCHARG = .TRUE.\" INCAR && : > CHGCAR\\nexit 0\\n' > calc && chmod +x calc"
WJOBS="fetch-structures -q $S/mp-2741_CaF2.cif | find-paths -q -n 1 | make-neb -q -t neb -i 3 --idpp --relax-endpoints -d calcs"
WRUN="run-vasp -q add jobs.jsonl && run-vasp topup -n 2 --wait --poll 0.05 -c \$PWD/calc 2>/dev/null"
IMG="for d in 00 01 02 03 04; do echo \$d \$(ls calcs/mp-2741.F.0/\$d | grep 'WAVECAR\\|CHGCAR'); done"
expect reuse-wavecar 0 "$CALC && $WJOBS --reuse-wavecar > jobs.jsonl && grep -c '\"reuse_wavecar\":true' jobs.jsonl &&
	grep 'LWAVE\\|LCHARG' calcs/mp-2741.Fvac2.m166977b8/INCAR && $WRUN && $IMG && grep 'ISTART\\|ICHARG' calcs/mp-2741.F.0/INCAR &&
	cat calcs/mp-2741.F.0/02/WAVECAR && collect -S jobs calcs/mp-2741.F.0 | grep -c '\"energy_barrier\"'" '2
LCHARG = .TRUE.
LWAVE = .TRUE.
00
01 WAVECAR
02 WAVECAR
03 WAVECAR
04
ISTART = 1
wave
1
' ''
# a relaxation that writes them whatever LWAVE says: without the option no hop copies them
expect no-reuse-no-copy 0 "$CALC && sed -i 's/^grep -q \"^L[A-Z]* = .TRUE.\" INCAR && //' calc && $WJOBS > jobs.jsonl && $WRUN &&
	ls calcs/mp-2741.Fvac2.m166977b8 | grep 'WAVECAR\|CHGCAR' && $IMG && { grep -c 'ISTART\|ICHARG' calcs/mp-2741.F.0/INCAR || true; }" 'CHGCAR
WAVECAR
00
01
02
03
04
0
' ''
# a preparation redone (its marker gone, as after a crash) once the
# relaxation's WAVECAR is gone starts from make-neb's INCAR: no ISTART left
expect reuse-redone-without-files 0 "$CALC && $WJOBS --reuse-wavecar > jobs.jsonl && grep '\"kind\":\"relax\"' jobs.jsonl > r.jsonl &&
	run-vasp -q add r.jsonl && run-vasp topup -n 1 --wait --poll 0.05 -c \$PWD/calc 2>/dev/null && make-neb --prepare calcs/mp-2741.F.0 &&
	grep -c ISTART calcs/mp-2741.F.0/INCAR && rm calcs/mp-2741.F.0/.prepared calcs/mp-2741.Fvac2.m166977b8/WAVECAR &&
	make-neb --prepare calcs/mp-2741.F.0 && grep -c ISTART calcs/mp-2741.F.0/INCAR; ls calcs/mp-2741.F.0/01 | tr '\\n' ' '; echo" '1
0
POSCAR 
' ''
# static3 between relaxed endpoints: each image its own INCAR, start and
# mid from the start's relaxation, end from the end's
expect reuse-wavecar-static3 0 "$CALC && fetch-structures -q $S/mp-2741_CaF2.cif | find-paths -q -n 1 | make-neb -q --relax-endpoints --reuse-wavecar -d calcs > jobs.jsonl &&
	$WRUN && for d in start mid end; do echo \$d \$(ls calcs/mp-2741.F.0/\$d | grep WAVECAR) \$(grep ISTART calcs/mp-2741.F.0/\$d/INCAR); done" 'start WAVECAR ISTART = 1
mid WAVECAR ISTART = 1
end WAVECAR ISTART = 1
' ''
# --endpoints-from: a relaxation a lower tier has starts from its relaxed
# CONTCAR (and WAVECAR), is run again with this tier's settings, and says
# where it started; one with other atoms is refused
TIERA="$CALC && $WJOBS --reuse-wavecar -d a > ja.jsonl && run-vasp -q -s sa add ja.jsonl && run-vasp -s sa topup -n 2 --wait --poll 0.05 -c \$PWD/calc 2>/dev/null"
expect endpoints-from 0 "$TIERA && $WJOBS -d b --endpoints-from a --reuse-wavecar > jb.jsonl && grep -o '\"restart_from\":\"[^\"]*\"' jb.jsonl &&
	R=mp-2741.Fvac2.m166977b8 && sed -n '9,\$p' a/\$R/CONTCAR | awk '{ print \$1, \$2, \$3 }' > c && sed -n '9,\$p' b/\$R/POSCAR | awk '{ print \$1, \$2, \$3 }' | cmp - c &&
	ls b/\$R | grep 'WAVECAR\\|CHGCAR' && grep 'ISTART\\|ICHARG' b/\$R/INCAR && run-vasp -q -s sb add jb.jsonl && run-vasp -s sb topup -n 2 --wait --poll 0.05 -c \$PWD/calc 2>/dev/null &&
	collect -q -S sb b | grep -c '\"kind\":\"neb\".*\"energy_barrier\"'" '"restart_from":"a/mp-2741.Fvac2.m166977b8"
WAVECAR
ISTART = 1
1
' ''
expect endpoints-from-other-atoms 2 "$TIERA && R=mp-2741.Fvac2.m166977b8 && sed -i '6s/.*/ F Ca/; 7s/.*/ 23 8/' a/\$R/CONTCAR && $WJOBS -d b --endpoints-from a > jb.jsonl" '' \
	'~^make-neb: -:1: a/mp-2741.Fvac2.m166977b8: CONTCAR has other atoms than relaxation mp-2741.Fvac2.m166977b8$'
expect reuse-needs-relax 2 "$WJOBS --reuse-wavecar -d x < /dev/null; fetch-structures -q $S/mp-2741_CaF2.cif | find-paths -q -n 1 | make-neb -q -t neb --reuse-wavecar" '' \
	'make-neb: --reuse-wavecar works with --relax-endpoints
'
finish
