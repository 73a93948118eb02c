#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "sbuf.h"
#include "source.h"
#include "testutil.h"

/* A pull source over bytes in memory, step bytes at a time, failing at the end if asked. */
struct mem {
	const unsigned char *p;
	size_t n, pos, step;
	int fail;
};

static ssize_t
mem_pull(void *ctx, void *buf, size_t n)
{
	struct mem *m = ctx;
	size_t take = m->n - m->pos;

	if (take == 0 && m->fail)
		return -1;
	if (take > n)
		take = n;
	if (take > m->step)
		take = m->step;
	memcpy(buf, m->p + m->pos, take);
	m->pos += take;
	return (ssize_t)take;
}

/* text gzip-compressed into out, by libarchive's writer. */
static void
gzip_of(const char *text, struct sbuf *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	size_t cap = 4096 + 2 * strlen(text), used = 0;

	sbuf_grow(out, cap);
	archive_write_add_filter_gzip(a);
	archive_write_set_format_raw(a);
	archive_write_set_bytes_in_last_block(a, 1);
	assert_int_equal(archive_write_open_memory(a, out->s, cap, &used), ARCHIVE_OK);
	archive_entry_set_filetype(ae, AE_IFREG);
	assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
	if (text[0])
		assert_int_equal(archive_write_data(a, text, strlen(text)), (la_ssize_t)strlen(text));
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_entry_free(ae);
	archive_write_free(a);
	out->len = used;
}

/* All that the gunzip source gives over m; -1 when it fails. */
static int
gunzip_all(struct mem *m, struct sbuf *out)
{
	struct src_gunzip *g = src_gunzip_open(mem_pull, m);
	char buf[5];
	ssize_t got;

	while ((got = src_gunzip_pull(g, buf, sizeof(buf))) > 0)
		sbuf_add(out, buf, (size_t)got);
	src_gunzip_close(g);
	return got < 0 ? -1 : 0;
}

static const char text[] = "  1 F= -.10E+02 E0= -.10E+02  d E =-.1E+02\nfree  energy   TOTEN  =   -10.8 eV\n";

static void
gunzip_plain_and_gzip(void **state)
{
	struct sbuf gz = SBUF_INIT, out = SBUF_INIT;
	struct mem m = { (const unsigned char *)text, strlen(text), 0, 7, 0 };

	assert_int_equal(gunzip_all(&m, &out), 0);
	assert_string_equal(out.s, text);
	sbuf_reset(&out);
	gzip_of(text, &gz);
	assert_int_equal((unsigned char)gz.s[0], 0x1f);
	m = (struct mem){ (const unsigned char *)gz.s, gz.len, 0, 3, 0 };
	assert_int_equal(gunzip_all(&m, &out), 0);
	assert_string_equal(out.s, text);
	sbuf_release(&gz);
	sbuf_release(&out);
}

static void
gunzip_empty(void **state)
{
	struct sbuf gz = SBUF_INIT, out = SBUF_INIT;
	struct mem m = { (const unsigned char *)"", 0, 0, 1, 0 };

	assert_int_equal(gunzip_all(&m, &out), 0);
	assert_int_equal(out.len, 0);
	gzip_of("", &gz);
	m = (struct mem){ (const unsigned char *)gz.s, gz.len, 0, 64, 0 };
	assert_int_equal(gunzip_all(&m, &out), 0);
	assert_int_equal(out.len, 0);
	sbuf_release(&gz);
	sbuf_release(&out);
}

static void
gunzip_errors(void **state)
{
	struct sbuf gz = SBUF_INIT, out = SBUF_INIT;
	struct mem m;

	gzip_of(text, &gz);
	/* cut inside the deflate data */
	m = (struct mem){ (const unsigned char *)gz.s, gz.len / 2, 0, 64, 0 };
	assert_int_equal(gunzip_all(&m, &out), -1);
	/* the source itself fails, at once or after some bytes */
	m = (struct mem){ (const unsigned char *)"", 0, 0, 1, 1 };
	assert_int_equal(gunzip_all(&m, &out), -1);
	m = (struct mem){ (const unsigned char *)text, 10, 0, 4, 1 };
	assert_int_equal(gunzip_all(&m, &out), -1);
	sbuf_release(&gz);
	sbuf_release(&out);
}

/* The trailer's CRC-32 is checked: damage the CRC, or a byte of the data. */
static void
gunzip_checks_the_crc(void **state)
{
	struct sbuf gz = SBUF_INIT, out = SBUF_INIT, two = SBUF_INIT;
	struct mem m;

	gzip_of(text, &gz);
	gz.s[gz.len - 8] ^= 0x01;
	m = (struct mem){ (const unsigned char *)gz.s, gz.len, 0, 64, 0 };
	assert_int_equal(gunzip_all(&m, &out), -1);
	gz.s[gz.len - 8] ^= 0x01;
	/* a length that is not what came out: damage that changed the output */
	gz.s[gz.len - 4] ^= 0x01;
	m = (struct mem){ (const unsigned char *)gz.s, gz.len, 0, 64, 0 };
	assert_int_equal(gunzip_all(&m, &out), -1);
	gz.s[gz.len - 4] ^= 0x01;
	sbuf_reset(&out);
	m = (struct mem){ (const unsigned char *)gz.s, gz.len, 0, 5, 0 };
	assert_int_equal(gunzip_all(&m, &out), 0);
	assert_string_equal(out.s, text);
	/* padding or junk after the member, as tape and transfer tools leave it: read, as gzip -t does */
	sbuf_add(&two, gz.s, gz.len);
	for (int k = 0; k < 512; k++)
		sbuf_addc(&two, '\0');
	sbuf_reset(&out);
	m = (struct mem){ (const unsigned char *)two.s, two.len, 0, 100, 0 };
	assert_int_equal(gunzip_all(&m, &out), 0);
	assert_string_equal(out.s, text);
	two.len = gz.len;
	sbuf_addc(&two, 'x');
	sbuf_reset(&out);
	m = (struct mem){ (const unsigned char *)two.s, two.len, 0, 64, 0 };
	assert_int_equal(gunzip_all(&m, &out), 0);
	assert_string_equal(out.s, text);
	/* ... but a damaged CRC is still found before the padding */
	two.s[gz.len - 8] ^= 0x01;
	m = (struct mem){ (const unsigned char *)two.s, two.len, 0, 64, 0 };
	assert_int_equal(gunzip_all(&m, &out), -1);
	sbuf_reset(&two);
	/* two members, as cat a.gz b.gz makes them: both read */
	sbuf_add(&two, gz.s, gz.len);
	sbuf_add(&two, gz.s, gz.len);
	sbuf_reset(&out);
	m = (struct mem){ (const unsigned char *)two.s, two.len, 0, 64, 0 };
	assert_int_equal(gunzip_all(&m, &out), 0);
	assert_int_equal(out.len, 2 * strlen(text));
	sbuf_release(&gz);
	sbuf_release(&out);
	sbuf_release(&two);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gunzip_plain_and_gzip),
		cmocka_unit_test(gunzip_empty),
		cmocka_unit_test(gunzip_errors),
		cmocka_unit_test(gunzip_checks_the_crc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
