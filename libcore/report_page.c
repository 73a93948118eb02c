#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "num.h"
#include "report_page.h"
#include "xalloc.h"

#define SCATTER_MAX 4000	/* points per tier drawn; more are thinned evenly */
#define CHART_DAYS 366		/* the last days drawn */

static const char *const stage_label[RP_NSTAGES] = { "structures", "hops", "measured", "queued", "jobs" };

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;color:#222;background:#fff}"
    "h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:1.6em}"
    "table{border-collapse:collapse;margin:.5em 0}th,td{padding:.2em .6em;border-bottom:1px solid #e4e4e4;text-align:left}"
    "td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}"
    "#bt th{cursor:pointer;user-select:none}#bt th.up:after{content:' \\25b2'}#bt th.down:after{content:' \\25bc'}"
    ".none{color:#888;font-style:italic}.meta{color:#666}.ids{font-family:monospace;font-size:12px}"
    "pre{background:#f6f6f6;padding:.5em;overflow:auto;max-height:20em}svg text{font:11px sans-serif}"
    "#controls{margin:.5em 0}#controls input{width:20em}";

/*
 * The table's script: rows from the JSON in #rows, sorted by a column
 * (click a heading; #sort=KEY or #sort=-KEY in the address), filtered by
 * text (#q=TEXT), paged (#page=N, from 1).  Cells are set with
 * textContent, so nothing in the data is ever parsed as markup.
 */
static const char script[] =
    "(function(){'use strict';\n"
    "var D=JSON.parse(document.getElementById('rows').textContent),M=JSON.parse(document.getElementById('meta').textContent);\n"
    "var T=document.getElementById('bt'),B=T.tBodies[0],Q=document.getElementById('q'),P=document.getElementById('pageinfo');\n"
    "var nt=M.tiers.length,K={rank:-1,id:0,formula:1,length:2,cheap:3,barrier:-2},key='barrier',dir=1,page=0,view=D;\n"
    "M.tiers.forEach(function(t,i){K[t]=4+i;});\n"
    "D.forEach(function(r,i){r.rank=i+1;var b=null;for(var t=nt-1;t>=0&&b===null;t--)b=r[4+t];r.best=b;});\n"
    "function val(r,k){var c=K[k];return c===-1?r.rank:c===-2?r.best:r[c];}\n"
    "function cmp(a,b){var x=val(a,key),y=val(b,key);if(x===y)return a.rank-b.rank;if(x===null)return 1;if(y===null)return -1;"
    "return (x<y?-1:1)*dir;}\n"
    "function fmt(x){return x===null?'':x.toFixed(3);}\n"
    "function td(tr,t,c){var e=document.createElement('td');e.textContent=t;if(c)e.className=c;tr.appendChild(e);return e;}\n"
    "function row(r){var tr=document.createElement('tr');td(tr,r.rank,'n');td(tr,r[0]);td(tr,r[1]);td(tr,fmt(r[2]),'n');"
    "td(tr,fmt(r[3]),'n');for(var t=0;t<nt;t++)td(tr,fmt(r[4+t]),'n b'+M.tiers[t]);var c=td(tr,'');\n"
    " for(t=0;t<nt;t++)if(r[4+nt]&(1<<t)){var a=document.createElement('a');a.href=encodeURI(M.base+M.plots[t])+'/'+encodeURIComponent(r[0])+'.svg';"
    "a.textContent=M.tiers[t];c.appendChild(a);c.appendChild(document.createTextNode(' '));}\n"
    " if(r[5+nt]){a=document.createElement('a');a.href=encodeURI(M.base+r[5+nt]);a.textContent='POSCAR';c.appendChild(a);}return tr;}\n"
    "function render(){var n=view.length,pages=Math.max(1,Math.ceil(n/M.page));page=Math.min(Math.max(page,0),pages-1);\n"
    " var s=page*M.page,e=Math.min(n,s+M.page),f=document.createDocumentFragment();for(var i=s;i<e;i++)f.appendChild(row(view[i]));\n"
    " B.textContent='';B.appendChild(f);P.textContent=n?'rows '+(s+1)+'-'+e+' of '+n+(n<D.length?' (of '+D.length+')':''):'no row matches';\n"
    " [].forEach.call(T.tHead.rows[0].cells,function(h){h.classList.remove('up','down');"
    "if(h.getAttribute('data-k')===key)h.classList.add(dir>0?'up':'down');});\n"
    " var h='sort='+(dir<0?'-':'')+key+(Q.value?'&q='+encodeURIComponent(Q.value):'')+(page?'&page='+(page+1):'');\n"
    " if(history.replaceState)history.replaceState(null,'','#'+h);}\n"
    "function apply(){var q=Q.value.toLowerCase();view=q?D.filter(function(r){return (r[0]+' '+(r[1]||'')).toLowerCase().indexOf(q)>=0;}):D.slice();"
    "if(q||key!=='barrier'||dir!==1)view.sort(cmp);render();}\n"
    "location.hash.replace(/^#/,'').split('&').forEach(function(kv){var i=kv.indexOf('='),k=kv.slice(0,i),v=decodeURIComponent(kv.slice(i+1));\n"
    " if(k==='sort'){dir=v.charAt(0)==='-'?-1:1;v=v.replace(/^-/,'');if(v in K)key=v;}else if(k==='q')Q.value=v;"
    "else if(k==='page')page=(parseInt(v,10)||1)-1;});\n"
    "[].forEach.call(T.tHead.rows[0].cells,function(h){var k=h.getAttribute('data-k');if(k)h.addEventListener('click',function(){"
    "if(key===k)dir=-dir;else{key=k;dir=1;}page=0;apply();});});\n"
    "Q.addEventListener('input',function(){page=0;apply();});\n"
    "document.getElementById('prev').addEventListener('click',function(){page--;render();});\n"
    "document.getElementById('next').addEventListener('click',function(){page++;render();});\n"
    "document.getElementById('controls').hidden=false;document.getElementById('nojs').hidden=true;\n"
    "apply();})();\n";

/* The page is built in a buffer written out whenever it holds more than this. */
#define FLUSH_AT (1 << 16)

struct page {
	FILE *out;
	struct sbuf b;
	int failed;
	const struct rp_study *st;
};

static void
flush(struct page *p, int force)
{
	if (p->b.len == 0 || (!force && p->b.len < FLUSH_AT))
		return;
	if (fwrite(p->b.s, 1, p->b.len, p->out) != p->b.len)
		p->failed = 1;
	sbuf_reset(&p->b);
}

static void
put(struct page *p, const char *s)
{
	sbuf_addstr(&p->b, s);
}

static void
esc(struct page *p, const char *s)
{
	html_escape(&p->b, s ? s : "");
}

/* x with 3 decimals, or "" when it is not known. */
static const char *
fix3(double x, char buf[NUM_BUFSZ])
{
	if (isnan(x))
		buf[0] = '\0';
	else
		num_fixed(x, 3, buf);
	return buf;
}

static void
put_long(struct page *p, long n)
{
	sbuf_addf(&p->b, "%ld", n);
}

static void
not_yet(struct page *p, const char *what)
{
	put(p, "<p class=\"none\">not yet");
	if (what) {
		put(p, ": ");
		esc(p, what);
	}
	put(p, "</p>\n");
}

static void
head(struct page *p)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime_r(&now, &tm));
	put(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width\">\n<title>hopkit report: ");
	esc(p, p->st->name);
	put(p, "</title>\n<style>");
	put(p, css);
	put(p, "</style>\n</head>\n<body>\n<h1>hopkit study report</h1>\n<p class=\"meta\">");
	esc(p, p->st->name);
	put(p, " &middot; written ");
	put(p, when);
	put(p, "</p>\n");
}

static const char *const state_cols[] = { "ready", "waiting", "queued", "running", "done", "failed", "aborted",
	"blocked" };

static long
state_count(const struct rp_tier *t, int col)
{
	switch (col) {
	case 0: return t->n[JS_READY];
	case 1: return t->n[JS_WAITING];
	case 2: return t->n[JS_ACTIVE] - t->running;
	case 3: return t->running;
	case 4: return t->n[JS_DONE];
	case 5: return t->n[JS_FAILED];
	case 6: return t->n[JS_ABORTED];
	default: return t->n[JS_BLOCKED];
	}
}

static void
funnel_states(struct page *p)
{
	const struct rp_study *st = p->st;
	int any = 0;

	for (int k = 0; k < st->ntiers; k++)
		any |= st->tier[k].has_state;
	put(p, "<h3>Jobs per tier</h3>\n");
	if (!any) {
		not_yet(p, "no run-vasp state directory (jobs/)");
		return;
	}
	put(p, "<table id=\"states\">\n<tr><th>tier</th>");
	for (size_t c = 0; c < sizeof(state_cols) / sizeof(state_cols[0]); c++)
		sbuf_addf(&p->b, "<th class=\"n\">%s</th>", state_cols[c]);
	put(p, "</tr>\n");
	for (int k = 0; k < st->ntiers; k++) {
		const struct rp_tier *t = &st->tier[k];
		if (!t->has_state)
			continue;
		sbuf_addf(&p->b, "<tr id=\"tier-%s\"><th>%s</th>", t->label, t->label);
		for (size_t c = 0; c < sizeof(state_cols) / sizeof(state_cols[0]); c++)
			sbuf_addf(&p->b, "<td class=\"n %s\">%ld</td>", state_cols[c], state_count(t, (int)c));
		put(p, "</tr>\n");
	}
	put(p, "</table>\n");
}

static const char *
day_text(long day, char buf[16])
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	strftime(buf, 16, "%Y-%m-%d", gmtime_r(&t, &tm));
	return buf;
}

/* Bars of the jobs finished each day (failed on top, red), empty days included. */
static void
day_chart(struct page *p)
{
	const struct rp_study *st = p->st;
	long first, last, max = 1, k = 0;
	char a[16], b[16];
	const double w = 640, h = 120, top = 16, bottom = 18;

	put(p, "<h3>Jobs finished per day</h3>\n");
	if (st->ndays == 0) {
		not_yet(p, NULL);
		return;
	}
	last = st->days[st->ndays - 1].day;
	first = st->days[0].day > last - CHART_DAYS + 1 ? st->days[0].day : last - CHART_DAYS + 1;
	for (long i = 0; i < st->ndays; i++)
		if (st->days[i].done + st->days[i].failed > max)
			max = st->days[i].done + st->days[i].failed;
	/* a bar at most 24 px wide: a study's first day is not a wall of blue */
	double bw = fmin(w / (double)(last - first + 1), 24), scale = (h - top - bottom) / (double)max;
	sbuf_addf(&p->b, "<svg id=\"perday\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
	    "viewBox=\"0 0 %g %g\" role=\"img\"><title>jobs finished per day</title>\n", w, h, w, h);
	while (k < st->ndays && st->days[k].day < first)
		k++;
	for (; k < st->ndays; k++) {
		const struct rp_day *d = &st->days[k];
		double x = bw * (double)(d->day - first), hd = scale * (double)d->done, hf = scale * (double)d->failed;
		sbuf_addf(&p->b, "<g><title>%s: %ld done, %ld failed</title>", day_text(d->day, a), d->done, d->failed);
		sbuf_addf(&p->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#4a7ab5\"/>", x,
		    h - bottom - hd, bw * 0.9, hd);
		if (d->failed)
			sbuf_addf(&p->b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c0392b\"/>", x,
			    h - bottom - hd - hf, bw * 0.9, hf);
		put(p, "</g>\n");
		flush(p, 0);
	}
	sbuf_addf(&p->b, "<text x=\"0\" y=\"%g\">%s</text><text x=\"%g\" y=\"%g\" text-anchor=\"end\">%s</text>"
	    "<text x=\"0\" y=\"11\">%ld a day at most</text></svg>\n", h - 4, day_text(first, a),
	    fmax(bw * (double)(last - first + 1), 150), h - 4,
	    day_text(last, b), max);
}

static void
funnel(struct page *p)
{
	const struct rp_study *st = p->st;

	put(p, "<section id=\"funnel\">\n<h2>Where the study stands</h2>\n<table id=\"stages\">\n<tr>");
	for (int s = 0; s < RP_NSTAGES; s++)
		sbuf_addf(&p->b, "<th class=\"n\">%s</th>", stage_label[s]);
	put(p, "</tr>\n<tr>");
	for (int s = 0; s < RP_NSTAGES; s++) {
		sbuf_addf(&p->b, "<td class=\"n\" id=\"n-%s\">", stage_label[s]);
		if (st->stage[s] < 0)
			put(p, "<span class=\"none\">not yet</span>");
		else
			put_long(p, st->stage[s]);
		put(p, "</td>");
	}
	put(p, "</tr>\n</table>\n");
	funnel_states(p);
	day_chart(p);
	put(p, "</section>\n");
}

/* The profile and structure links of a row, relative to the page. */
static void
profile_links(struct page *p, const struct rp_row *r)
{
	const struct rp_study *st = p->st;

	for (int k = 0; k < st->ntiers; k++) {
		if (!(r->plots & (1u << k)))
			continue;
		put(p, "<a href=\"");
		html_url_path(&p->b, st->o->base);
		html_url_path(&p->b, st->tier[k].plots_name);
		put(p, "/");
		html_url_path(&p->b, r->id);
		sbuf_addf(&p->b, ".svg\">%s</a> ", st->tier[k].label);
	}
	if (r->structure) {
		put(p, "<a href=\"");
		html_url_path(&p->b, st->o->base);
		html_url_path(&p->b, r->structure);
		put(p, "\">POSCAR</a>");
	}
}

static void
static_row(struct page *p, long i)
{
	const struct rp_row *r = &p->st->rows[i];
	char buf[NUM_BUFSZ];

	sbuf_addf(&p->b, "<tr><td class=\"n\">%ld</td><td>", i + 1);
	esc(p, r->id);
	put(p, "</td><td>");
	esc(p, r->formula);
	sbuf_addf(&p->b, "</td><td class=\"n\">%s</td>", fix3(r->length, buf));
	sbuf_addf(&p->b, "<td class=\"n\">%s</td>", fix3(r->cheap, buf));
	for (int k = 0; k < p->st->ntiers; k++)
		sbuf_addf(&p->b, "<td class=\"n b%s\">%s</td>", p->st->tier[k].label, fix3(r->barrier[k], buf));
	put(p, "<td>");
	profile_links(p, r);
	put(p, "</td></tr>\n");
}

static void
json_num(struct page *p, double x)
{
	char buf[NUM_BUFSZ];

	/* 6 decimals: the page's 3 round as the table's do, and the page stays small */
	put(p, isnan(x) ? "null" : num_fixed(x, 6, buf));
}

/* The rows as one JSON array for the script: [id, formula, length, cheap, barrier per tier..., plots, structure]. */
static void
rows_json(struct page *p)
{
	const struct rp_study *st = p->st;

	put(p, "<script type=\"application/json\" id=\"rows\">[");
	for (long i = 0; i < st->nrows; i++) {
		const struct rp_row *r = &st->rows[i];
		put(p, i ? ",\n[" : "\n[");
		html_json_string(&p->b, r->id);
		put(p, ",");
		if (r->formula)
			html_json_string(&p->b, r->formula);
		else
			put(p, "null");
		put(p, ",");
		json_num(p, r->length);
		put(p, ",");
		json_num(p, r->cheap);
		for (int k = 0; k < st->ntiers; k++) {
			put(p, ",");
			json_num(p, r->barrier[k]);
		}
		sbuf_addf(&p->b, ",%u,", r->plots);
		if (r->structure)
			html_json_string(&p->b, r->structure);
		else
			put(p, "null");
		put(p, "]");
		flush(p, 0);
	}
	put(p, "]</script>\n<script type=\"application/json\" id=\"meta\">{\"base\":");
	html_json_string(&p->b, st->o->base);
	sbuf_addf(&p->b, ",\"page\":%d,\"tiers\":[", st->o->page_rows > 0 ? st->o->page_rows : 100);
	for (int k = 0; k < st->ntiers; k++)
		sbuf_addf(&p->b, "%s\"%s\"", k ? "," : "", st->tier[k].label);
	put(p, "],\"plots\":[");
	for (int k = 0; k < st->ntiers; k++) {
		put(p, k ? "," : "");
		html_json_string(&p->b, st->tier[k].plots_name);
	}
	put(p, "]}</script>\n");
}

static void
barriers(struct page *p)
{
	const struct rp_study *st = p->st;
	long nstatic = st->nrows < st->o->static_rows ? st->nrows : st->o->static_rows;

	put(p, "<section id=\"barriers\">\n<h2>Barriers, lowest first</h2>\n");
	if (st->nrows == 0) {
		not_yet(p, "no results table (results.jsonl)");
		put(p, "</section>\n");
		return;
	}
	put(p, "<p>Barriers in eV: the cheap estimate (measure's softBV, rigid framework) and each DFT tier's "
	       "<code>energy_barrier</code>; hop length in &Aring;.</p>\n"
	       "<div id=\"controls\" hidden><input id=\"q\" type=\"search\" placeholder=\"filter by id or formula\"> "
	       "<button id=\"prev\" type=\"button\">&lt;</button> <span id=\"pageinfo\"></span> "
	       "<button id=\"next\" type=\"button\">&gt;</button></div>\n"
	       "<table id=\"bt\">\n<thead><tr><th class=\"n\" data-k=\"rank\">rank</th><th data-k=\"id\">id</th>"
	       "<th data-k=\"formula\">formula</th><th class=\"n\" data-k=\"length\">hop (&Aring;)</th>"
	       "<th class=\"n\" data-k=\"cheap\">estimate</th>");
	for (int k = 0; k < st->ntiers; k++)
		sbuf_addf(&p->b, "<th class=\"n\" data-k=\"%s\">tier %s</th>", st->tier[k].label, st->tier[k].label);
	put(p, "<th>profile, structure</th></tr></thead>\n<tbody>\n");
	for (long i = 0; i < nstatic; i++) {
		static_row(p, i);
		flush(p, 0);
	}
	put(p, "</tbody>\n</table>\n<p id=\"nojs\">");
	sbuf_addf(&p->b, "%ld of %ld rows%s</p>\n", nstatic, st->nrows,
	    nstatic < st->nrows ? "; with JavaScript on, the page sorts, filters and pages through all of them" : "");
	rows_json(p);
	put(p, "</section>\n");
}

/* The groups of a tier's failures, largest first. */
struct fg {
	const char *cls;
	const struct rp_group *g;
};

static int
by_count(const void *a, const void *b)
{
	const struct fg *x = a, *y = b;

	if (x->g->n != y->g->n)
		return x->g->n > y->g->n ? -1 : 1;
	return strcmp(x->cls, y->cls);
}

static void
failure_groups(struct page *p, const struct rp_tier *t)
{
	struct fg *v = xcalloc(t->fail.n + 1, sizeof(*v));
	size_t n = 0;

	for (size_t i = 0; i < t->fail.cap; i++)
		if (t->fail.slot[i])
			v[n++] = (struct fg){ t->fail.slot[i], t->fail.val[i] };
	qsort(v, n, sizeof(*v), by_count);
	sbuf_addf(&p->b, "<h3>Tier %s</h3>\n<table class=\"failures\" id=\"failures-%s\">\n"
	    "<tr><th>cause</th><th class=\"n\">jobs</th><th>ids</th></tr>\n", t->label, t->label);
	for (size_t i = 0; i < n; i++) {
		put(p, "<tr><td class=\"cause\">");
		esc(p, v[i].cls);
		sbuf_addf(&p->b, "</td><td class=\"n count\">%ld</td><td class=\"ids\">", v[i].g->n);
		for (long k = 0; k < v[i].g->n && k < RP_GROUP_IDS; k++) {
			esc(p, v[i].g->ids[k]);
			put(p, " ");
		}
		if (v[i].g->n > RP_GROUP_IDS)
			sbuf_addf(&p->b, "&hellip; and %ld more", v[i].g->n - RP_GROUP_IDS);
		put(p, "</td></tr>\n");
		flush(p, 0);
	}
	put(p, "</table>\n");
	free(v);
}

static void
corrections(struct page *p, const struct rp_tier *t)
{
	if (t->corr.n == 0)
		return;
	sbuf_addf(&p->b, "<table class=\"corrections\" id=\"corrections-%s\">\n<tr><th>corrected error</th>"
	    "<th class=\"n\">corrections applied</th></tr>\n", t->label);
	for (size_t i = 0; i < t->corr.cap; i++) {
		if (!t->corr.slot[i])
			continue;
		put(p, "<tr><td>");
		esc(p, t->corr.slot[i]);
		sbuf_addf(&p->b, "</td><td class=\"n\">%ld</td></tr>\n", (long)(intptr_t)t->corr.val[i]);
	}
	put(p, "</table>\n");
}

static void
failures(struct page *p)
{
	const struct rp_study *st = p->st;
	int any = 0;

	put(p, "<section id=\"failures\">\n<h2>Failures by cause</h2>\n");
	for (int k = 0; k < st->ntiers; k++) {
		const struct rp_tier *t = &st->tier[k];
		if (t->fail.n == 0 && t->corr.n == 0)
			continue;
		any = 1;
		if (t->fail.n)
			failure_groups(p, t);
		else
			sbuf_addf(&p->b, "<h3>Tier %s</h3>\n<p>no job failed</p>\n", t->label);
		corrections(p, t);
	}
	if (!any)
		put(p, st->tier[0].has_state || st->tier[0].has_results ? "<p id=\"nofailures\">no job failed</p>\n"
									  : "<p class=\"none\">not yet</p>\n");
	put(p, "</section>\n");
}

/* The ranges of cheap estimate and DFT barrier over rows with both; how many there are. */
static long
scatter_range(const struct rp_study *st, double lo[2], double hi[2])
{
	long n = 0;

	lo[0] = lo[1] = INFINITY;
	hi[0] = hi[1] = -INFINITY;
	for (long i = 0; i < st->nrows; i++)
		for (int k = 0; k < st->ntiers; k++) {
			const struct rp_row *r = &st->rows[i];
			if (isnan(r->cheap) || isnan(r->barrier[k]))
				continue;
			n++;
			lo[0] = fmin(lo[0], r->cheap), hi[0] = fmax(hi[0], r->cheap);
			lo[1] = fmin(lo[1], r->barrier[k]), hi[1] = fmax(hi[1], r->barrier[k]);
		}
	/* one range for both axes, so the diagonal is estimate = barrier */
	lo[0] = lo[1] = fmin(fmin(lo[0], lo[1]), 0);
	hi[0] = hi[1] = fmax(hi[0], hi[1]);
	if (hi[0] <= lo[0])
		hi[0] = hi[1] = lo[0] + 1;
	return n;
}

static const char *const tier_colour[RP_MAXTIERS] = { "#4a7ab5", "#d35400", "#27ae60", "#8e44ad", "#7f8c8d",
	"#c0392b", "#16a085", "#2c3e50" };

/* Pearson's r of estimate and barrier for tier k, NaN with fewer than 3 pairs. */
static double
correlation(const struct rp_study *st, int k, long *n)
{
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;

	*n = 0;
	for (long i = 0; i < st->nrows; i++) {
		double x = st->rows[i].cheap, y = st->rows[i].barrier[k];
		if (isnan(x) || isnan(y))
			continue;
		(*n)++;
		sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
	}
	double vx = sxx - sx * sx / (double)*n, vy = syy - sy * sy / (double)*n;
	return *n < 3 || vx <= 0 || vy <= 0 ? NAN : (sxy - sx * sy / (double)*n) / sqrt(vx * vy);
}

static void
scatter_points(struct page *p, int k, long npairs, const double lo[2], const double hi[2], double size, double pad)
{
	const struct rp_study *st = p->st;
	long stride = npairs / SCATTER_MAX + 1, seen = 0;
	double s = (size - 2 * pad) / (hi[0] - lo[0]);

	sbuf_addf(&p->b, "<g fill=\"%s\" fill-opacity=\"0.7\" class=\"tier%s\">\n", tier_colour[k], st->tier[k].label);
	for (long i = 0; i < st->nrows; i++) {
		const struct rp_row *r = &st->rows[i];
		if (isnan(r->cheap) || isnan(r->barrier[k]) || seen++ % stride)
			continue;
		sbuf_addf(&p->b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\"><title>", pad + s * (r->cheap - lo[0]),
		    size - pad - s * (r->barrier[k] - lo[1]));
		esc(p, r->id);
		put(p, "</title></circle>\n");
		flush(p, 0);
	}
	put(p, "</g>\n");
}

static void
scatter(struct page *p)
{
	const struct rp_study *st = p->st;
	double lo[2], hi[2], size = 360, pad = 36;
	char a[NUM_BUFSZ], b[NUM_BUFSZ];
	long n = scatter_range(st, lo, hi), nk;

	put(p, "<section id=\"scatter\">\n<h2>Cheap estimate against DFT barrier</h2>\n");
	if (n == 0) {
		not_yet(p, "no hop has both an estimate and a DFT barrier");
		put(p, "</section>\n");
		return;
	}
	sbuf_addf(&p->b, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
	    "role=\"img\"><title>estimate against barrier</title>\n"
	    "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#999\"/>"
	    "<line x1=\"%g\" y1=\"%g\" x2=\"%g\" y2=\"%g\" stroke=\"#bbb\" stroke-dasharray=\"4 3\"/>\n",
	    size, size, size, size, pad, pad, size - 2 * pad, size - 2 * pad, pad, size - pad, size - pad, pad);
	sbuf_addf(&p->b, "<text x=\"%g\" y=\"%g\">%s</text><text x=\"%g\" y=\"%g\" text-anchor=\"end\">%s</text>"
	    "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">estimate (eV)</text>"
	    "<text x=\"4\" y=\"%g\">%s</text><text x=\"4\" y=\"%g\">DFT (eV)</text>\n",
	    pad, size - pad + 14, num_fixed(lo[0], 2, a), size - pad, size - pad + 14, num_fixed(hi[0], 2, b),
	    size / 2, size - 6, pad + 4, num_fixed(hi[1], 2, b), pad - 12);
	for (int k = 0; k < st->ntiers; k++)
		scatter_points(p, k, n, lo, hi, size, pad);
	put(p, "</svg>\n<ul>\n");
	for (int k = 0; k < st->ntiers; k++) {
		double r = correlation(st, k, &nk);
		if (nk == 0)
			continue;
		sbuf_addf(&p->b, "<li><span style=\"color:%s\">&#9679;</span> tier %s: %ld hops", tier_colour[k],
		    st->tier[k].label, nk);
		if (!isnan(r))
			sbuf_addf(&p->b, ", Pearson r = %s", num_fixed(r, 2, a));
		put(p, "</li>\n");
	}
	put(p, "</ul>\n</section>\n");
}

/* A text file of the study in a <pre>, at most its last max bytes; "not yet" when missing. */
static void
text_file(struct page *p, const char *name, const char *title, long max)
{
	char *path = xasprintf("%s/%s", p->st->o->dir, name);
	FILE *f = fopen(path, "r");
	struct sbuf t = SBUF_INIT;
	char buf[4096];
	size_t n;

	free(path);
	sbuf_addf(&p->b, "<h3>%s</h3>\n", title);
	if (f == NULL) {
		not_yet(p, NULL);
		return;
	}
	int cut = fseek(f, -max, SEEK_END) == 0;
	if (!cut)
		rewind(f);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sbuf_add(&t, buf, n);
	fclose(f);
	/* from the first whole line */
	const char *from = t.s ? t.s : "";
	if (cut && strchr(from, '\n'))
		from = strchr(from, '\n') + 1;
	put(p, "<pre>");
	esc(p, from);
	put(p, "</pre>\n");
	sbuf_release(&t);
}

int
rp_page_write(FILE *out, const struct rp_study *st, struct hk_err *err)
{
	struct page p = { out, SBUF_INIT, 0, st };

	head(&p);
	funnel(&p);
	barriers(&p);
	failures(&p);
	scatter(&p);
	put(&p, "<section id=\"rounds\">\n<h2>Rounds</h2>\n");
	text_file(&p, "topup.log", "topup.log (its end)", 8192);
	text_file(&p, "tiers", "tiers", 8192);
	put(&p, "</section>\n<script>\n");
	put(&p, st->nrows ? script : "");
	put(&p, "</script>\n</body>\n</html>\n");
	flush(&p, 1);
	sbuf_release(&p.b);
	if (p.failed || ferror(out)) {
		err_set(err, "write error");
		return -1;
	}
	return 0;
}
