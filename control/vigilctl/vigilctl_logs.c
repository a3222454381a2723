/*
 * Copyright (c) 2026 The vigil developers
 *
 * Permission to use, copy, modify, and distribute this software for any
 * purpose with or without fee is hereby granted, provided that the above
 * copyright notice and this permission notice appear in all copies.
 *
 * THE SOFTWARE IS PROVIDED "AS IS" AND THE AUTHOR DISCLAIMS ALL WARRANTIES
 * WITH REGARD TO THIS SOFTWARE INCLUDING ALL IMPLIED WARRANTIES OF
 * MERCHANTABILITY AND FITNESS. IN NO EVENT SHALL THE AUTHOR BE LIABLE FOR
 * ANY SPECIAL, DIRECT, INDIRECT, OR CONSEQUENTIAL DAMAGES OR ANY DAMAGES
 * WHATSOEVER RESULTING FROM LOSS OF USE, DATA OR PROFITS, WHETHER IN AN
 * ACTION OF CONTRACT, NEGLIGENCE OR OTHER TORTIOUS ACTION, ARISING OUT OF
 * OR IN CONNECTION WITH THE USE OR PERFORMANCE OF THIS SOFTWARE.
 */

/*
 * vigilctl's log commands, served by vigild's logger:
 *
 *	tail [-f] [-n lines] target [stdout | stderr]
 *	logs [-f] [-n lines] [target ...]
 *	clear target ...
 *	reopen
 *	maintail [-f | -BYTES]	(vigild's own log, from the parent)
 *
 * tail prints the lines of one process as they are in the file; logs puts
 * "NAME | " before each line of stdout's file and "NAME ! " before each
 * line of stderr's, the names coloured when stdout is a terminal (and
 * NO_COLOR is not set).  With -f they go on printing what is written
 * until interrupted; a reader too slow to keep up is told
 * "... N lines skipped ..." instead of slowing anything down.  With -j
 * every line is a JSON object {"name", "stream", "line"}.
 */

#include <sys/types.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "msg_log.h"
#include "vigilctl.h"

#define LOGS_DEFAULT_LINES	10

static const char *logs_colors[] = {
	"\033[36m", "\033[32m", "\033[33m", "\033[35m", "\033[34m",
	"\033[96m", "\033[92m", "\033[93m", "\033[95m", "\033[94m"
};
#define LOGS_RED	"\033[31m"
#define LOGS_DIM	"\033[2m"
#define LOGS_RESET	"\033[0m"

struct logs_out {
	int		 prefix;	/* NAME before each line */
	int		 color;
	int		 follow;
	int		 bol;		/* at the start of a line */
	char		 last[VIGIL_IDNAMEMAX];	/* last piece's */
	uint32_t	 lastflags;
	size_t		 width;		/* the longest name yet */
	int		 nresults;
	int		 nosuch;	/* a target named nothing */
};

struct logs_opts {
	int		 follow;
	uint32_t	 count;
	char		**args;
	size_t		 nargs;
};

static int
logs_usage(struct vctl *v, const char *cmd, const char *usage)
{
	fprintf(stderr, "usage: %s %s %s\n", v->progname, cmd, usage);
	return (VCTL_EXIT_USAGE);
}

/* -f, -n N (also -nN, --lines N, -N), -j; the rest are arguments. */
static int
logs_parse(struct vctl *v, int argc, char **argv, int allow_f,
    struct logs_opts *o)
{
	const char	*errstr, *val;
	int		 i;

	memset(o, 0, sizeof(*o));
	o->count = LOGS_DEFAULT_LINES;
	if ((o->args = calloc(argc + 1, sizeof(*o->args))) == NULL)
		fatal(NULL);
	for (i = 1; i < argc; i++) {
		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			o->args[o->nargs++] = argv[i];
			continue;
		}
		if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--json") == 0)
			v->json = 1;
		else if (allow_f && (strcmp(argv[i], "-f") == 0 ||
		    strcmp(argv[i], "--follow") == 0))
			o->follow = 1;
		else if (allow_f && (strcmp(argv[i], "-n") == 0 ||
		    strcmp(argv[i], "--lines") == 0 ||
		    strncmp(argv[i], "-n", 2) == 0 ||
		    (argv[i][1] >= '0' && argv[i][1] <= '9'))) {
			if (strcmp(argv[i], "-n") == 0 ||
			    strcmp(argv[i], "--lines") == 0) {
				if (i + 1 >= argc)
					goto bad;
				val = argv[++i];
			} else if (argv[i][1] == 'n')
				val = argv[i] + 2;
			else
				val = argv[i] + 1;
			o->count = strtonum(val, 0, LOG_TAIL_MAXLINES, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "%s: bad number of lines "
				    "\"%s\": %s\n", v->progname, val, errstr);
				goto bad;
			}
		} else {
			fprintf(stderr, "%s: unknown option %s\n", v->progname,
			    argv[i]);
			goto bad;
		}
	}
	return (0);
 bad:
	free(o->args);
	o->args = NULL;
	return (-1);
}

static const char *
logs_color_of(const char *id)
{
	unsigned int	 h = 5381;
	size_t		 n = strcspn(id, ":");	/* per service */

	while (n-- > 0)
		h = h * 33 + (unsigned char)*id++;
	return (logs_colors[h % nitems(logs_colors)]);
}

static void
logs_prefix(struct logs_out *o, const char *id, uint32_t flags)
{
	size_t	 len = strlen(id);
	int	 err = (flags & CTL_LOG_ERR) != 0;

	if (len > o->width)
		o->width = len;
	if (o->color)
		printf("%s%-*s %s%c%s ", logs_color_of(id), (int)o->width, id,
		    err ? LOGS_RED : "", err ? '!' : '|', LOGS_RESET);
	else
		printf("%-*s %c ", (int)o->width, id, err ? '!' : '|');
}

static void
logs_json(const struct ctl_logdata *d, const char *p, size_t len)
{
	char	*s;

	if ((s = strndup(p, len)) == NULL)
		fatal(NULL);
	json_open(NULL, '{');
	json_str("name", d->id);
	json_str("stream", d->flags & CTL_LOG_ERR ? "stderr" : "stdout");
	json_str("line", s);
	json_finish();
	free(s);
}

static void
logs_print(struct vctl *v, struct logs_out *o, const struct ctl_logdata *d)
{
	const char	*p = d->text, *end = d->text + d->len, *nl;
	size_t		 n;

	if (d->flags & CTL_LOG_SKIPPED) {
		if (v->json) {
			json_open(NULL, '{');
			json_int("skipped", (long long)d->skipped);
			json_finish();
			return;
		}
		if (!o->bol)
			putchar('\n');
		printf("%s... %llu lines skipped ...%s\n", o->color ? LOGS_DIM :
		    "", (unsigned long long)d->skipped, o->color ? LOGS_RESET :
		    "");
		o->bol = 1;
		return;
	}
	if (v->json) {
		while (p < end) {
			nl = memchr(p, '\n', end - p);
			n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
			logs_json(d, p, n);
			p += n + (nl != NULL);
		}
		return;
	}
	/* Another file while a line was cut: end it. */
	if (!o->bol && (strcmp(o->last, d->id) != 0 ||
	    o->lastflags != d->flags)) {
		putchar('\n');
		o->bol = 1;
	}
	strlcpy(o->last, d->id, sizeof(o->last));
	o->lastflags = d->flags;
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		n = nl != NULL ? (size_t)(nl + 1 - p) : (size_t)(end - p);
		if (o->bol && o->prefix)
			logs_prefix(o, d->id, d->flags);
		if (o->color && (d->flags & CTL_LOG_ERR) && !o->prefix)
			fputs(LOGS_RED, stdout);
		fwrite(p, 1, n, stdout);
		if (o->color && (d->flags & CTL_LOG_ERR) && !o->prefix)
			fputs(LOGS_RESET, stdout);
		o->bol = nl != NULL;
		p += n;
	}
}

static int
logs_cb(struct vctl *v, struct imsg *imsg, void *arg)
{
	static struct ctl_logdata	 d;
	struct logs_out			*o = arg;
	struct ctl_result		 r;

	switch (imsg->hdr.type) {
	case IMSG_CTL_LOGDATA:
		if (imsg_get_data(imsg, &d, sizeof(d)) == -1 ||
		    !MSG_STR_OK(d.id) || d.len > sizeof(d.text))
			return (-1);
		logs_print(v, o, &d);
		if (o->follow)
			fflush(stdout);
		return (0);
	case IMSG_CTL_RESULT:
		if (vctl_get_result(imsg, &r) == -1)
			return (-1);
		o->nresults++;
		if (r.result == CTL_RES_NOSUCH)
			o->nosuch = 1;
		if (r.result == CTL_RES_OK && !v->json)
			printf("%s: %s\n", r.name, r.text);
		else if (r.result != CTL_RES_OK)
			vctl_err(r.name, r.text);
		return (0);
	default:
		return (-1);
	}
}

/* One request, its answer printed as it comes; the exit code. */
static int
logs_request(struct vctl *v, uint32_t cmd, uint32_t flags, uint32_t count,
    char **targets, size_t ntargets, struct logs_out *o)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_args	 a;
	int			 r, rc;

	if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
		return (rc);
	memset(&req, 0, sizeof(req));
	req.cmd = cmd;
	req.flags = flags;
	req.count = count;
	memset(&a, 0, sizeof(a));
	a.targets = targets;
	a.ntargets = ntargets;
	o->bol = 1;
	o->color = !v->json && isatty(STDOUT_FILENO) &&
	    getenv("NO_COLOR") == NULL;
	o->follow = (flags & CTL_F_FOLLOW) != 0;
	r = vctl_request(v, &req, &a, logs_cb, o, &end,
	    o->follow ? VCTL_NO_DEADLINE : 0);
	if (!o->bol && !v->json)
		putchar('\n');
	fflush(stdout);
	if (r < 0)
		return (r == -2 ? VCTL_EXIT_USAGE : VCTL_EXIT_UNREACHABLE);
	if (end.result != CTL_RES_OK && end.result != CTL_RES_DENIED &&
	    end.result != CTL_RES_USAGE && end.msg[0] != '\0')
		fprintf(stderr, "%s: %s\n", v->progname, end.msg);
	/* The lines of the others are shown; the unknown name still fails. */
	if ((rc = vctl_end_exit(v, &end)) == VCTL_EXIT_OK && o->nosuch)
		rc = VCTL_EXIT_NOSUCH;
	return (rc);
}

int
vctl_run_tail(struct vctl *v, int argc, char **argv)
{
	static const char	*usage =
	    "[-f] [-n lines] target [stdout | stderr]";
	struct logs_opts	 o;
	struct logs_out		 out;
	uint32_t		 flags = 0;
	int			 rc;

	if (logs_parse(v, argc, argv, 1, &o) == -1)
		return (logs_usage(v, "tail", usage));
	if (o.nargs == 2 && strcmp(o.args[1], "stderr") == 0)
		flags |= CTL_F_STDERR;
	else if (!(o.nargs == 1 || (o.nargs == 2 &&
	    strcmp(o.args[1], "stdout") == 0))) {
		free(o.args);
		return (logs_usage(v, "tail", usage));
	}
	if (o.follow)
		flags |= CTL_F_FOLLOW;
	memset(&out, 0, sizeof(out));
	rc = logs_request(v, CTL_CMD_TAIL, flags, o.count, o.args, 1, &out);
	free(o.args);
	return (rc);
}

int
vctl_run_logs(struct vctl *v, int argc, char **argv)
{
	struct logs_opts	 o;
	struct logs_out		 out;
	int			 rc;

	if (logs_parse(v, argc, argv, 1, &o) == -1)
		return (logs_usage(v, "logs", "[-f] [-n lines] [target ...]"));
	memset(&out, 0, sizeof(out));
	out.prefix = 1;
	rc = logs_request(v, CTL_CMD_LOGS, o.follow ? CTL_F_FOLLOW : 0,
	    o.count, o.args, o.nargs, &out);
	free(o.args);
	return (rc);
}

int
vctl_run_clear(struct vctl *v, int argc, char **argv)
{
	struct logs_opts	 o;
	struct logs_out		 out;
	int			 rc;

	if (logs_parse(v, argc, argv, 0, &o) == -1 || o.nargs == 0) {
		free(o.args);
		return (logs_usage(v, "clear", "target ..."));
	}
	memset(&out, 0, sizeof(out));
	rc = logs_request(v, CTL_CMD_CLEAR, 0, 0, o.args, o.nargs, &out);
	free(o.args);
	return (rc);
}

int
vctl_run_reopen(struct vctl *v, int argc, char **argv)
{
	struct logs_opts	 o;
	struct logs_out		 out;
	int			 rc;

	if (logs_parse(v, argc, argv, 0, &o) == -1 || o.nargs != 0) {
		free(o.args);
		return (logs_usage(v, "reopen", ""));
	}
	memset(&out, 0, sizeof(out));
	rc = logs_request(v, CTL_CMD_REOPEN, 0, 0, NULL, 0, &out);
	free(o.args);
	return (rc);
}

/*
 * maintail [-f | -BYTES]: vigild's own recent log (the parent keeps the
 * last 64 KiB, parent/parent_mainlog.c), with supervisorctl's syntax and
 * meaning: the last 1600 bytes, -BYTES the last BYTES (-0: all it keeps),
 * -f the last 1024 and then each line as it is logged.  Under the name
 * supervisorctl also its banner for -f, its errors on stdout and the
 * newline it adds after the text.
 */
int
vctl_run_maintail(struct vctl *v, int argc, char **argv)
{
	struct logs_out	 out;
	const char	*arg = argc == 2 ? argv[1] : NULL, *errstr;
	uint32_t	 flags = 0, count = 1600;
	long long	 n;
	int		 rc;

	if (argc > 2) {
		if (!v->supctl)
			return (logs_usage(v, "maintail", "[-f | -bytes]"));
		printf("Error: too many arguments\n");
		return (VCTL_EXIT_FAIL);
	}
	if (arg != NULL && strcmp(arg, "-f") == 0) {
		flags = CTL_F_FOLLOW;
		count = 1024;
	} else if (arg != NULL) {
		if (arg[0] != '-' || arg[1] == '\0' ||
		    strspn(arg + 1, "0123456789") != strlen(arg + 1)) {
			if (!v->supctl)
				return (logs_usage(v, "maintail",
				    "[-f | -bytes]"));
			printf("Error: bad argument %s\n", arg);
			return (VCTL_EXIT_FAIL);
		}
		n = strtonum(arg + 1, 0, UINT32_MAX, &errstr);
		count = errstr != NULL ? 0 : (uint32_t)n;	/* huge: all */
	}
	if (v->supctl && (flags & CTL_F_FOLLOW)) {
		if ((rc = vctl_connect(v, 0)) != VCTL_EXIT_OK)
			return (rc);	/* its words for that, not the banner */
		vctl_close(v);
		printf("==> Press Ctrl-C to exit <==\n");
		fflush(stdout);
	}
	memset(&out, 0, sizeof(out));
	rc = logs_request(v, CTL_CMD_MAINTAIL, flags, count, NULL, 0, &out);
	if (v->supctl && rc == VCTL_EXIT_OK && !(flags & CTL_F_FOLLOW) &&
	    out.bol)
		putchar('\n');		/* its output() adds one */
	fflush(stdout);
	return (rc);
}
