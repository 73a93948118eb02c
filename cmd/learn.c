/* learn: fit a model of a target from the descriptors, predict with it, or judge it by cross-validation. */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "learn.h"
#include "model.h"
#include "stream.h"
#include "trainset.h"

static const char usage[] =
    "learn fit -m model [-q] [-t field] [-f list] [-g field] [-e members] [-j jobs] [--rounds n] [--depth n]\n"
    "            [--eta x] [--seed n] [--keep-going] [file ...]\n"
    "       learn predict -m model [-q] [-j jobs] [--keep-going] [-o file] [file ...]\n"
    "       learn cv [-q] [-k folds] [-t field] [-f list] [-g field] [-e members] [-j jobs] [--rounds n]\n"
    "            [--depth n] [--eta x] [--seed n] [--keep-going] [file ...]";

static const char help[] =
    "Learn a target (a barrier) from the descriptors of the records that have it.\n"
    "\n"
    "  fit       write a model (-m) trained on the records with a numeric target\n"
    "  predict   add \"prediction\": {value, sd, model} to each record\n"
    "  cv        k-fold cross-validation grouped by structure: Spearman and MAE\n"
    "\n"
    "  -m, --model FILE      the model file (written atomically by fit)\n"
    "  -t, --target FIELD    what to learn (default energy_barrier)\n"
    "  -f, --features LIST   the fields it is learnt from, comma-separated (see learn(1))\n"
    "  -g, --group FIELD     what a fold or a bootstrap draw keeps together (default structure_id)\n"
    "  -k, --folds N         folds of cv (default 5)\n"
    "  -e, --members N       boosters in the bootstrap ensemble (default 8)\n"
    "      --rounds N        boosting rounds (default 100)\n"
    "      --depth N         tree depth (default 4)\n"
    "      --eta X           learning rate (default 0.15)\n"
    "      --seed N          the bootstrap's and XGBoost's seed (default 1)\n"
    "  -j, --jobs N          XGBoost's threads (default: all cores)\n"
    "      --keep-going      report bad records and go on (exit 1)\n"
    "  -o, --output FILE     predict's records to FILE (atomically)\n"
    "  -q, --quiet           no progress or summary\n"
    "  -h, --help, -V, --version\n";

enum { O_ROUNDS = 256, O_DEPTH, O_ETA, O_SEED, O_KEEP };

static const struct option longopts[] = {
	{ "depth", required_argument, NULL, O_DEPTH },
	{ "eta", required_argument, NULL, O_ETA },
	{ "features", required_argument, NULL, 'f' },
	{ "folds", required_argument, NULL, 'k' },
	{ "group", required_argument, NULL, 'g' },
	{ "help", no_argument, NULL, 'h' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "keep-going", no_argument, NULL, O_KEEP },
	{ "members", required_argument, NULL, 'e' },
	{ "model", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "rounds", required_argument, NULL, O_ROUNDS },
	{ "seed", required_argument, NULL, O_SEED },
	{ "target", required_argument, NULL, 't' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

struct run {
	struct cli cli;
	const char *cmd, *model, *target, *features, *group, *out;
	int folds, keep_going, trained;	/* trained: an option only fit and cv take was given */
	struct model_params p;
	struct trainset t;
	struct model m;
	struct predictor pr;
};

/* In input order: a row of the table, or a record to predict. */
static int
take(void *ctx, struct stream_item *it)
{
	struct run *r = ctx;
	int rc = r->pr.m ? predictor_add(&r->pr, it->rec[0], &it->err) : trainset_add(&r->t, it->rec[0], &it->err);

	return rc == -1 ? STREAM_BAD : STREAM_OK;
}

/* The records of the files, through take; the stream's exit status. */
static int
read_all(struct run *r, int predict, int argc, char **argv)
{
	struct stream s;
	int status;

	cli_stream(&r->cli, &s, "records");
	s.take = take;
	s.ctx = r;
	s.keep_going = r->keep_going;
	if (predict)
		predictor_init(&r->pr, &r->m, basename((char *)r->model), &s.out);
	if ((status = stream_run(&s, argc, argv)) == -1)
		cli_fatal(&r->cli, "%s", s.fatal.msg);
	if (predict && status != 2 && predictor_flush(&r->pr, &s.fatal) == -1)
		cli_fatal(&r->cli, "%s", s.fatal.msg);
	stream_release(&s);
	return status;
}

/* fit or cv, on the table read already, after saying what it left out. */
static void
train(struct run *r)
{
	const struct trainset *t = &r->t;
	struct hk_err e = HK_ERR_INIT;
	struct cv_result cv;

	if ((t->no_target || t->bad_target || t->suspect) && !r->cli.quiet)
		cli_warn(&r->cli, "left out %ld record%s without %s, %ld whose %s is not a number and %ld suspect",
		    t->no_target, t->no_target == 1 ? "" : "s", t->target, t->bad_target, t->target, t->suspect);
	if (trainset_usable(t, &e) == -1)
		cli_fatal(&r->cli, "%s", e.msg);
	if (strcmp(r->cmd, "cv") == 0) {
		if (learn_cv(&r->t, r->folds, &r->p, &cv, &e) == -1)
			cli_fatal(&r->cli, "%s", e.msg);
		struct sbuf text = SBUF_INIT;
		cv_result_text(&cv, &r->t, &r->p, &text);
		fputs(text.s, r->cli.out);
		sbuf_release(&text);
		cv_result_release(&cv);
	} else if (model_fit(&r->m, &r->t, NULL, r->t.n, &r->p, &e) == -1 || model_save(&r->m, r->model, &e) == -1)
		cli_fatal_err(&r->cli, NULL, &e);
	else if (!r->cli.quiet)
		cli_warn(&r->cli, "%s: %ld records of %ld groups, %d members of %d rounds", r->model, r->t.n, r->t.ng,
		    r->p.members, r->p.rounds);
}

static void
parse(struct run *r, int argc, char **argv)
{
	int ch;

	while ((ch = getopt_long(argc, argv, "e:f:g:hj:k:m:o:qt:V", longopts, NULL)) != -1) {
		r->trained |= strchr("efgkt", ch) != NULL || (ch >= O_ROUNDS && ch <= O_SEED);
		switch (ch) {
		case 'e': r->p.members = (int)cli_long(&r->cli, "--members", optarg, 2, MODEL_MAX_MEMBERS); break;
		case 'f': r->features = optarg; break;
		case 'g': r->group = optarg; break;
		case 'h': cli_help(&r->cli, help);
		case 'j': r->p.threads = (int)cli_long(&r->cli, "--jobs", optarg, 1, 256); break;
		case 'k': r->folds = (int)cli_long(&r->cli, "--folds", optarg, 2, 1000); break;
		case 'm': r->model = optarg; break;
		case 'o': r->out = optarg; break;
		case 'q': r->cli.quiet = 1; break;
		case 't': r->target = optarg; break;
		case 'V': cli_version(&r->cli);
		case O_ROUNDS: r->p.rounds = (int)cli_long(&r->cli, "--rounds", optarg, 1, 100000); break;
		case O_DEPTH: r->p.depth = (int)cli_long(&r->cli, "--depth", optarg, 1, 20); break;
		case O_ETA: r->p.eta = cli_double(&r->cli, "--eta", optarg, 1e-6, 1); break;
		case O_SEED: r->p.seed = (unsigned long)cli_long(&r->cli, "--seed", optarg, 0, 2147483647L); break;
		case O_KEEP: r->keep_going = 1; break;
		default: cli_usage_error(&r->cli, "unknown option");
		}
	}
}

int
main(int argc, char *argv[])
{
	struct run r = { .target = "energy_barrier", .features = FEATURES_DEFAULT, .group = "structure_id", .folds = 5,
		.p = MODEL_PARAMS_INIT };
	struct hk_err e = HK_ERR_INIT;
	int status, predict;

	cli_init(&r.cli, "learn", usage);
	if (argc > 1 && (strcmp(argv[1], "fit") == 0 || strcmp(argv[1], "predict") == 0 || strcmp(argv[1], "cv") == 0))
		r.cmd = argv[1], argc--, argv++;
	parse(&r, argc, argv);
	argc -= optind, argv += optind;
	if (r.cmd == NULL)
		cli_usage_error(&r.cli, "fit, predict or cv first");
	predict = strcmp(r.cmd, "predict") == 0;
	if (r.model == NULL && strcmp(r.cmd, "cv") != 0)
		cli_usage_error(&r.cli, "%s needs -m model", r.cmd);
	if (predict && r.trained)
		cli_usage_error(&r.cli, "predict takes the target, features and training from the model");
	if (r.out && !predict)
		cli_usage_error(&r.cli, "-o is for predict's records");
	if (predict ? model_load(&r.m, r.model, &e) : trainset_init(&r.t, r.features, r.target, r.group, &e))
		predict ? cli_fatal_err(&r.cli, NULL, &e) : cli_fatal(&r.cli, "--features: %s", e.msg);
	if (predict && r.p.threads > 0 && model_threads(&r.m, r.p.threads, &e) == -1)
		cli_fatal(&r.cli, "%s", e.msg);
	cli_open_output(&r.cli, r.out);
	status = read_all(&r, predict, argc, argv);
	if (!predict && status != 2)
		train(&r);
	predictor_release(&r.pr);
	trainset_release(&r.t);
	model_release(&r.m);
	int closed = cli_close_output(&r.cli, status != 2);
	return closed ? closed : status;
}
