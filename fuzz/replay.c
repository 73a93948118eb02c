/*
 * replay.c - a fuzz target without libFuzzer: each file named is handed to
 * the target once, so that the inputs that once crashed a reader run in
 * make check under any compiler (and its sanitizers with SANITIZE=1).
 */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *p, size_t n);

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		size_t n = 0, cap = 0, got;

		if (f == NULL) {
			perror(argv[i]);
			return 2;
		}
		do {
			if (n == cap && (buf = realloc(buf, cap = cap ? 2 * cap : 65536)) == NULL)
				return 2;
			got = fread(buf + n, 1, cap - n, f);
			n += got;
		} while (got > 0);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	return 0;
}
