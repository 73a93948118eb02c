#!/bin/sh
# Every input that once crashed a reader under the fuzzer (fuzz/regress/TARGET)
# is read again, by the same target built without libFuzzer; under
# SANITIZE=1 the sanitizers that caught it watch again.
. "$(dirname "$0")/../lib.sh"

for d in "$TOP"/fuzz/regress/*/; do
	t=$(basename "$d")
	expect "regress-$t" 0 "'$TOP/build/fuzz/$t' '$d'* && echo ok" 'ok
' ''
done
finish
