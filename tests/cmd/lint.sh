#!/bin/sh
# lint: the tree passes scripts/lint, and each rule fails on a planted violation.
. "$(dirname "$0")/../lib.sh"
command -v mandoc >/dev/null 2>&1 || skip_all "mandoc is not installed (scripts/install-deps --all)"

# A copy of the checked parts of the tree, linted against the real programs.
TREE="mkdir t && cp -R $TOP/cmd $TOP/libcore $TOP/fe $TOP/man $TOP/scripts t/"
LINT="BIN=$TOP/bin t/scripts/lint t"

expect clean 0 "$TREE && $LINT" '' ''
expect synopsis 1 "$TREE && sed -i 's/^\\.Op Fl kq\$/.Op Fl k/' t/man/rank.1 && $LINT" \
	"~^lint: man/rank.1: SYNOPSIS differs from 'rank --help'" ''
expect bad-mdoc 1 "$TREE && printf '.Xx bogus\\n' >> t/man/measure.1 && $LINT 2>&1" '~measure.1.*Xx' ''
expect printf-in-libcore 1 "$TREE && printf 'void f(void);\\nvoid f(void) { printf(\"hi\"); }\\n' > t/libcore/planted.c && $LINT" \
	'~^lint: libcore/planted.c:2: .*prints or exits in libcore' ''
expect exit-in-libcore 1 "$TREE && printf 'void f(void) { exit(1); }\\n' > t/libcore/planted.c && $LINT" \
	'~^lint: libcore/planted.c:1: .*prints or exits in libcore' ''
expect stderr-in-libcore 1 "$TREE && printf 'void f(void) { fprintf(stderr, \"x\"); }\\n' > t/libcore/planted.c && $LINT" \
	'~prints or exits in libcore' ''
expect atoi 1 "$TREE && printf 'int f(const char *s) { return atoi(s); }\\n' > t/libcore/planted.c && $LINT" \
	'~^lint: libcore/planted.c:1: .*parses a number outside num.c' ''
expect sscanf-in-cmd 1 "$TREE && printf 'int g(const char *s, int *x) { return sscanf(s, \"%%d\", x); }\\n' >> t/cmd/rank.c && $LINT" \
	'~^lint: cmd/rank.c:[0-9]+: .*parses a number outside num.c' ''
expect header-contract 1 "$TREE && printf '#ifndef P_H\\n#define P_H\\n#endif\\n' > t/libcore/planted.h && $LINT" \
	'~^lint: libcore/planted.h:1: does not start with its contract' ''
expect header-wrong-name 1 "$TREE && printf '/*\\n * other.h - x\\n */\\n' > t/libcore/planted.h && $LINT" \
	'~^lint: libcore/planted.h:1: does not start with its contract' ''
expect record-loop 1 "$TREE && printf 'static void f(void) { rec_open(\"-\", 0); }\\n' >> t/cmd/measure.c && $LINT" \
	'~^lint: cmd/measure.c:[0-9]+: .*a record loop of its own' ''
expect long-command 1 "$TREE && seq 300 | sed 's,.*,/* & */,' >> t/cmd/rank.c && $LINT" \
	'~^lint: cmd/rank.c: [0-9]+ lines \(at most 200\)' ''
expect long-main 1 "$TREE && awk '/^\treturn closed/ { for (i = 0; i < 30; i++) print \"\t;\" } 1' t/cmd/find-paths.c > f.c && mv f.c t/cmd/find-paths.c && $LINT" \
	'~^lint: cmd/find-paths.c:[0-9]+: main is [0-9]+ lines \(at most 60\)' ''
expect no-man-page 1 "$TREE && rm t/man/collect.1 && $LINT" '~^lint: cmd/collect.c: no man page' ''
finish
