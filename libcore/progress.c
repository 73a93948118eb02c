#include <math.h>

#include "progress.h"

void
progress_init(struct progress *p, double now, int lines)
{
	p->start = p->last = now;
	p->lines = lines;
	p->interval = lines ? PROGRESS_LINES : PROGRESS_REDRAW;
	p->shown = 0;
}

int
progress_due(struct progress *p, double now)
{
	/* the first redraw waits a little longer, so quick runs show nothing */
	double wait = p->shown || p->lines ? p->interval : 2 * p->interval;

	if (now - p->last < wait)
		return 0;
	p->last = now;
	p->shown++;
	return 1;
}

void
progress_duration(struct sbuf *sb, double seconds)
{
	long s = seconds > 0 ? lround(seconds) : 0;

	if (s < 60)
		sbuf_addf(sb, "%lds", s);
	else if (s < 3600)
		sbuf_addf(sb, "%ldm%02lds", s / 60, s % 60);
	else
		sbuf_addf(sb, "%ldh%02ldm", s / 3600, s / 60 % 60);
}

/* x to three significant digits: an estimate should not look exact. */
static long
rough(double x)
{
	double m = 1;

	while (x / m >= 1000)
		m *= 10;
	return lround(x / m) * (long)m;
}

void
progress_format(struct sbuf *sb, long n, const char *what, double frac, double elapsed)
{
	int known = frac >= 0.01 && frac < 1;

	sbuf_addf(sb, "%ld", n);
	if (known && n > 0 && rough(n / frac) > n)
		sbuf_addf(sb, " of ~%ld", rough(n / frac));
	sbuf_addf(sb, " %s", what ? what : "records");
	if (frac >= 0)
		sbuf_addf(sb, ", %d%%", (int)floor(100 * (frac > 1 ? 1 : frac)));
	if (elapsed >= 1 && n / elapsed >= 10)
		sbuf_addf(sb, ", %ld/s", lround(n / elapsed));
	else if (elapsed >= 1 && n / elapsed >= 1)
		sbuf_addf(sb, ", %.1f/s", n / elapsed);
	else if (elapsed >= 1)
		sbuf_addf(sb, ", %.2g/min", 60 * n / elapsed);
	if (known && elapsed >= 1) {
		sbuf_addstr(sb, ", ETA ");
		progress_duration(sb, elapsed * (1 - frac) / frac);
	}
}
