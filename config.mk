# hopkit build configuration: edit to suit the local system.
VERSION = 0.1.0

PREFIX    = /usr/local
BINDIR    = $(PREFIX)/bin
MANPREFIX = $(PREFIX)/share/man
SHAREDIR  = $(PREFIX)/share/hopkit

CC      ?= cc
PKG_CONFIG ?= pkg-config
PKGS    = jansson libarchive zlib
OPT     = -O3 -g -fno-math-errno
WARN    = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CSTD    = -std=c17 -D_GNU_SOURCE

# SANITIZE=1 builds everything with AddressSanitizer and UBSan.  -O2, not
# -O1: the command tests run force-field relaxations, and the sanitizers still
# see every access the optimiser keeps.
ifeq ($(SANITIZE),1)
OPT     = -O2 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDSAN   = -fsanitize=address,undefined
endif
