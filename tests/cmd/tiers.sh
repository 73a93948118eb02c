#!/bin/sh
# tiers: the tiers file checked whole, a tier's variables as sh words that
# eval takes as they are, and every kind of bad line refused with its place.
. "$(dirname "$0")/../lib.sh"

EX=$TOP/scripts/tiers.example
expect count 0 "tiers -c $EX" '4
' ''
expect second 0 "tiers $EX 2" "'TIERS=A B' 'B_WHERE=energy_barrier < 1' 'B_LIMIT=50' 'B_IMAGES=5'
" ''
expect allowed 0 "printf 'LIMIT=4\\nCUTOFF=6 MAX_PATHS=2\\n' > t && tiers -a 'LIMIT, CUTOFF MAX_PATHS' t 2" "'CUTOFF=6' 'MAX_PATHS=2'
" ''
# every line is checked, not only the one asked for
expect not-allowed 1 "tiers -a 'LIMIT CUTOFF MAX_PATHS' $EX 1" '' "tiers: $EX:22:1: TIERS: not a variable a tier may set
"
# what it prints, sh's eval gives back word for word, quotes and all
expect eval-round-trip 0 "printf '%s\\n' '# x' \"\\\"A=it's\\\" B='x; y|z' C= D=\\\"a  b\\\"\" > t && eval \"set -- \$(tiers t 1)\" && printf '[%s]\\n' \"\$@\"" \
	"[A=it's]
[B=x; y|z]
[C=]
[D=a  b]
" ''
expect hostile 1 "printf 'LIMIT=4\\nLIMIT=\$(touch pwned)\\n' > t && tiers t 1; ls | grep -c pwned" '0
' "tiers: t:2:7: '\$': make would expand it (write the value itself)
"
expect unbalanced 1 "printf 'A=1\\n\\n  \"B=2\\n' > t && tiers -c t" '' 'tiers: t:3:3: unbalanced quote ": it is not closed on the line
'
expect no-such-tier 2 "tiers $EX 5" '' "tiers: $EX: no tier 5 (4 in the file)
"
expect no-file 2 'tiers -c nosuch' '' 'tiers: nosuch: No such file or directory
'
expect directory 2 'tiers -c .' '' 'tiers: .: not a regular file
'
expect bad-number 2 "tiers $EX x" '' "~^tiers: invalid tier number 'x'"
expect no-args 2 'tiers' '' '~^usage: tiers \[-a names\] file n'
expect full-stdout 2 "tiers -c $EX > /dev/full" '' '~write error'
expect help 0 'tiers --help | head -n 2' 'usage: tiers [-a names] file n
       tiers -c [-a names] file
' ''
finish
