#!/bin/sh
# learn: a model fitted, saved, loaded and used; cross-validation grouped by
# structure; and every kind of bad input refused with its place.
. "$(dirname "$0")/../lib.sh"

# N hops of N/4 structures whose barrier is 0.5 a + 2 b^2 (a from the length,
# b the bvse_barrier), without a target every 11th and without b every 7th
GEN='gen() { awk -v n=$1 '"'"'BEGIN { for (i = 0; i < n; i++) { a = (i * 37 % 101) / 101; b = (i * 53 % 97) / 97;
	t = i % 11 == 10 ? "null" : sprintf("%.6f", 0.5 * a + 2 * b * b); bv = i % 7 == 6 ? "null" : sprintf("%.6f", b);
	printf "{\"id\":\"h%d\",\"structure_id\":\"s%d\",\"length\":%.6f,\"measures\":{\"bvse_barrier\":%s},\"energy_barrier\":%s}\n",
	i, int(i / 4), 2 + a, bv, t } }'"'"'; }; '
FIT="$GEN gen 400 > t.jsonl && learn fit -q -e 4 --rounds 60 -m m.json t.jsonl"

expect fit-predict 0 "$FIT && learn predict -m m.json t.jsonl | jq -c 'select(.id == \"h3\" or .id == \"h10\") |
	[.id, (.prediction.value - (.energy_barrier // 0) | fabs < 0.15), (.prediction.sd >= 0), .prediction.model]'" \
	'["h3",true,true,"m.json"]
["h10",false,true,"m.json"]
' ''
# the model says what it is, and a refit from the same data and seed is the same file
expect model-file 0 "$FIT && jq -c '[.hopkit_model, .target, .features, .group, .n_train, .n_groups, .params.members,
	(.members | length), (.library | startswith(\"xgboost \"))]' m.json && cp m.json m1.json &&
	learn fit -q -e 4 --rounds 60 -m m.json t.jsonl && cmp m.json m1.json && echo same" \
	'[1,"energy_barrier",["length","dimensionality","measures.dimensionality_cumlengths","measures.ewald_energy","measures.ionic_radii_overlap_cations","measures.ionic_radii_overlap_anions","measures.bvse_barrier"],"structure_id",364,100,4,4,true]
same
' ''
expect skipped-count 0 "$GEN gen 400 > t.jsonl && learn fit -e 2 --rounds 5 -m m.json t.jsonl" '' \
	'learn: left out 36 records without energy_barrier, 0 whose energy_barrier is not a number and 0 suspect
learn: m.json: 364 records of 100 groups, 2 members of 5 rounds
'
expect target-not-number 0 "$GEN gen 40 > t.jsonl && echo '{\"id\":\"x\",\"length\":2,\"energy_barrier\":\"high\"}' >> t.jsonl &&
	learn fit -e 2 --rounds 5 -m m.json t.jsonl" '' \
	'learn: left out 3 records without energy_barrier, 1 whose energy_barrier is not a number and 0 suspect
learn: m.json: 37 records of 10 groups, 2 members of 5 rounds
'
expect suspect-left-out 0 "$GEN gen 40 > t.jsonl && echo '{\"id\":\"x\",\"length\":2,\"energy_barrier\":-3e13,\"suspect\":[\"barrier below -0.05 eV\"]}' >> t.jsonl &&
	learn fit -e 2 --rounds 5 -m m.json t.jsonl" '' \
	'learn: left out 3 records without energy_barrier, 0 whose energy_barrier is not a number and 1 suspect
learn: m.json: 37 records of 10 groups, 2 members of 5 rounds
'
expect cv 0 "$GEN gen 400 > t.jsonl && learn cv -e 4 --rounds 60 -k 4 -q t.jsonl |
	awk '/^all/ { print (\$4 > 0.9), (\$5 < 0.25) } /bvse_barrier/ { print \$2 }'" '1 1
312
' ''
expect cv-folds-whole 0 "$GEN gen 400 > t.jsonl && learn cv -e 2 --rounds 5 -k 3 -q t.jsonl | sed -n '3,5p' |
	awk '{ g += \$3; n += \$2 } END { print n, g }'" '364 100
' ''
expect feature-string 2 "$GEN gen 8 > t.jsonl && echo '{\"id\":\"x\",\"structure_id\":\"s9\",\"length\":\"2.5\",\"energy_barrier\":1}' >> t.jsonl &&
	learn fit -m m.json t.jsonl; ls m.json" '' \
	'learn: t.jsonl:9: feature "length" is a string, want a number
ls: cannot access '"'"'m.json'"'"': No such file or directory
'
expect feature-keep-going 1 "$GEN gen 8 > t.jsonl && echo '{\"id\":\"x\",\"length\":[1],\"energy_barrier\":1}' >> t.jsonl &&
	$GEN gen 12 | tail -n 4 >> t.jsonl && learn fit -q --keep-going -e 2 --rounds 3 -m m.json t.jsonl && jq .n_train m.json" \
	'' '~^learn: t.jsonl:9: feature "length" is an array, want a number'
expect predict-no-features 2 "$FIT && echo '{\"id\":\"y\",\"formula\":\"LiF\"}' | learn predict -m m.json" '' \
	'~^learn: -:1: none of the model.s features \(length,dimensionality,'
expect fewer-groups-than-folds 2 "$GEN gen 12 > t.jsonl && learn cv -q -k 5 t.jsonl" '' \
	'learn: 3 groups (structure_id) for 5 folds: each fold needs one
'
expect all-equal 2 "printf '{\"id\":\"a\",\"length\":2,\"energy_barrier\":0.5}\\n{\"id\":\"b\",\"length\":3,\"energy_barrier\":0.5}\\n' |
	learn fit -q -m m.json" '' 'learn: all 2 records have energy_barrier = 0.5: nothing to learn
'
expect no-target 2 "$GEN gen 8 > t.jsonl && learn fit -q -t measures.nothing -m m.json t.jsonl" '' \
	'learn: no record has a number as measures.nothing: nothing to learn
'
expect not-a-model 2 "echo '{\"a\":1}' > m.json && echo '{\"id\":\"y\",\"length\":2}' | learn predict -m m.json" '' \
	'learn: m.json: not a hopkit model (no "hopkit_model": 1)
'
expect model-bad-json 2 "echo '{\"a\":' > m.json && learn predict -m m.json < /dev/null" '' '~^learn: m.json:(1|2): '
expect model-bad-member 2 "$FIT && jq -c '.members[1] = \"{}\"' m.json > m2.json && learn predict -m m2.json < /dev/null" '' \
	'~^learn: m2.json: member 1: '
expect model-members-count 2 "$FIT && jq -c '.members |= .[:3]' m.json > m2.json && learn predict -m m2.json < /dev/null" '' \
	'learn: m2.json: "members" is not an array of the 4 members "params" names
'
expect predict-takes-model-features 2 "learn predict -m m.json -f length" '' \
	'~^learn: predict takes the target, features and training from the model'
expect features-twice 2 "learn cv -f length,length < /dev/null" '' "learn: --features: feature 'length' named twice
"
expect features-empty 2 "learn cv -f length,,x < /dev/null" '' "~^learn: --features: an empty feature name"
expect no-subcommand 2 'learn -m m.json' '' '~^learn: fit, predict or cv first'
expect fit-needs-model 2 'learn fit < /dev/null' '' '~^learn: fit needs -m model'
expect output-only-predict 2 'learn cv -o x < /dev/null' '' "~^learn: -o is for predict's records"
expect bad-members 2 'learn fit -m m -e 1' '' '~^learn: (invalid )?--members'
expect full-stdout 2 "$FIT && learn predict -m m.json t.jsonl > /dev/full" '' '~write error'
expect predict-output 0 "$FIT && learn predict -q -m m.json -o p.jsonl t.jsonl && wc -l < p.jsonl && ls" '400
m.json
p.jsonl
t.jsonl
' ''
expect help 0 'learn --help | head -n 1' 'usage: learn fit -m model [-q] [-t field] [-f list] [-g field] [-e members] [-j jobs] [--rounds n] [--depth n]
' ''
expect version 0 'learn --version' '~^learn \(hopkit\) ' ''
finish
