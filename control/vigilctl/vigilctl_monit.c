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
 * vigilctl monit [-d interval] [-n count]: every process in a table that
 * refreshes itself, like top(1).  Each frame is one `status -l' request
 * (which also keeps vigild's monitor sampling CPU and memory while
 * someone watches).
 *
 * On a terminal: the alternate screen, cursor hidden, keys read one at
 * a time (q quits, space refreshes now); all of it is undone on every
 * way out -- q, ^C, SIGTERM, SIGHUP, vigild going away, an error.  Not
 * on a terminal (a pipe, a file): the `status -l' table (or with -j its
 * JSON), once, or count times with a blank line between frames.
 */

#include <sys/types.h>
#include <sys/ioctl.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ctl_format.h"
#include "log.h"
#include "vigilctl.h"

#define MONIT_DEFAULT_MS	2000
#define MONIT_MIN_MS		200
#define MONIT_HEADER_ROWS	4	/* title, totals, blank, column names */

#define ESC_ALTSCREEN_ON	"\033[?1049h"
#define ESC_ALTSCREEN_OFF	"\033[?1049l"
#define ESC_CURSOR_OFF		"\033[?25l"
#define ESC_CURSOR_ON		"\033[?25h"
#define ESC_HOME		"\033[H"
#define ESC_EOL			"\033[K"	/* clear to the end of line */
#define ESC_EOS			"\033[J"	/* clear to the end of screen */
#define ESC_REVERSE		"\033[7m"
#define ESC_BOLD		"\033[1m"
#define ESC_RED			"\033[31m"
#define ESC_GREEN		"\033[32m"
#define ESC_YELLOW		"\033[33m"
#define ESC_RESET		"\033[0m"

static volatile sig_atomic_t	 monit_quit;
static volatile sig_atomic_t	 monit_resized;
static struct termios		 monit_tio;
static int			 monit_tio_saved;
static int			 monit_keys;	/* stdin gives keys */
static int			 monit_screen;
static int			 monit_color;

/* Every way out goes through here (also atexit, for fatal()). */
static void
monit_restore(void)
{
	if (monit_screen) {
		fputs(ESC_RESET ESC_CURSOR_ON ESC_ALTSCREEN_OFF, stdout);
		fflush(stdout);
		monit_screen = 0;
	}
	if (monit_tio_saved) {
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &monit_tio);
		monit_tio_saved = 0;
	}
}

static void
monit_sig(int sig)
{
	if (sig == SIGWINCH)
		monit_resized = 1;
	else
		monit_quit = 1;
}

static void
monit_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = monit_sig;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;	/* no SA_RESTART: poll(2) returns at once */
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	(void)sigaction(SIGHUP, &sa, NULL);
	(void)sigaction(SIGWINCH, &sa, NULL);
}

static void
monit_screen_on(void)
{
	struct termios	 t;
	const char	*term = getenv("TERM");

	monit_color = term != NULL && strcmp(term, "dumb") != 0;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &monit_tio) == 0) {
		monit_tio_saved = 1;
		t = monit_tio;
		t.c_lflag &= ~(ICANON | ECHO);	/* keys one by one, ISIG on */
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
		monit_keys = 1;
	}
	monit_screen = 1;
	fputs(ESC_ALTSCREEN_ON ESC_CURSOR_OFF, stdout);
	fflush(stdout);
}

static void
monit_winsize(int *rows, int *cols)
{
	struct winsize	 ws;

	*rows = 24;
	*cols = 80;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0) {
		*rows = ws.ws_row;
		*cols = ws.ws_col;
	}
}

static int
monit_status_cb(struct vctl *v, struct imsg *imsg, void *arg)
{
	struct vctl_statuses	*sts = arg;
	struct ctl_status_iter	 it;
	int			 r;

	if (imsg->hdr.type != IMSG_CTL_STATUS)
		return (imsg->hdr.type == IMSG_CTL_RESULT ? 0 : -1);
	if (vctl_get_status(imsg, &it) == -1)
		return (-1);
	while ((r = ctl_status_next(&it, vctl_statuses_slot(sts))) == 1)
		sts->n++;
	return (r);
}

/* One `status -l' of everything; an exit code. */
static int
monit_fetch(struct vctl *v, struct vctl_statuses *sts, int quiet)
{
	struct ctl_request	 req;
	struct ctl_end		 end;
	struct vctl_args	 a;
	int			 rc, r;

	sts->n = 0;
	if ((rc = vctl_connect(v, quiet)) != VCTL_EXIT_OK)
		return (rc);
	memset(&req, 0, sizeof(req));
	req.cmd = CTL_CMD_STATUS;
	req.flags = CTL_F_LONG;
	memset(&a, 0, sizeof(a));
	r = vctl_request(v, &req, &a, monit_status_cb, sts, &end, 0);
	vctl_close(v);
	if (r < 0)
		return (VCTL_EXIT_UNREACHABLE);
	return (vctl_end_exit(v, &end));
}

static int
monit_cmp(const void *a, const void *b)
{
	const struct ctl_status	*sa = a, *sb = b;
	int			 c;

	if ((c = strcmp(sa->group, sb->group)) != 0)
		return (c);
	return (sa->instance < sb->instance ? -1 : sa->instance >
	    sb->instance);
}

static const char *
monit_state_color(const struct ctl_status *st)
{
	if (!monit_color)
		return (NULL);
	if (strcmp(st->state, "RUNNING") == 0)
		return (strcmp(st->health, "unhealthy") == 0 ? ESC_YELLOW :
		    ESC_GREEN);
	if (strcmp(st->state, "FATAL") == 0 ||
	    strcmp(st->state, "BACKOFF") == 0 ||
	    strcmp(st->state, "UNKNOWN") == 0)
		return (ESC_RED);
	if (strcmp(st->state, "STARTING") == 0 ||
	    strcmp(st->state, "STOPPING") == 0)
		return (ESC_YELLOW);
	return (NULL);
}

/* One line, cut to the width, with an optional color around it all. */
static void
monit_line(FILE *fp, int cols, const char *color, const char *text)
{
	fprintf(fp, "%s%.*s%s" ESC_EOL "\n", color != NULL ? color : "",
	    cols, text, color != NULL ? ESC_RESET : "");
}

static void
monit_draw(struct vctl *v, struct vctl_statuses *sts, uint32_t interval_ms)
{
	struct ctl_status	*st;
	FILE			*fp;
	char			*frame = NULL, line[512], up[64], cpu[16];
	char			 mem[16], pid[16], tbuf[32], total[16];
	size_t			 flen = 0, i, longest = 4, nrun = 0, shown;
	uint64_t		 rss = 0;
	uint32_t		 permille = 0;
	time_t			 now = time(NULL);
	int			 rows, cols, w;

	monit_winsize(&rows, &cols);
	if ((fp = open_memstream(&frame, &flen)) == NULL)
		fatal(NULL);
	qsort(sts->v, sts->n, sizeof(*sts->v), monit_cmp);
	for (i = 0; i < sts->n; i++) {
		st = &sts->v[i];
		if (strlen(st->id) > longest)
			longest = strlen(st->id);
		if (strcmp(st->state, "RUNNING") == 0)
			nrun++;
		if (st->sampled_ok) {
			rss += st->rss;
			permille += st->cpu_permille;
		}
	}
	w = (int)longest + 2;

	fputs(ESC_HOME, fp);
	strftime(tbuf, sizeof(tbuf), "%H:%M:%S", localtime(&now));
	snprintf(line, sizeof(line), "vigild %s - %zu processes, %zu running "
	    "- %s - every %.1fs, q quits", v->daemon_version[0] != '\0' ?
	    v->daemon_version : "", sts->n, nrun, tbuf, interval_ms / 1000.0);
	monit_line(fp, cols, monit_color ? ESC_BOLD : NULL, line);
	ctl_fmt_bytes(rss, total, sizeof(total));
	snprintf(line, sizeof(line), "total: CPU %.1f%%, memory %s",
	    permille / 10.0, total);
	monit_line(fp, cols, NULL, line);
	monit_line(fp, cols, NULL, "");
	snprintf(line, sizeof(line), "%-*s%-10s%-11s%-9s%-17s%-10s%-8s%-9s",
	    w, "NAME", "STATE", "HEALTH", "PID", "UPTIME", "RESTARTS", "CPU",
	    "MEM");
	monit_line(fp, cols, monit_color ? ESC_REVERSE : NULL, line);

	shown = 0;
	for (i = 0; i < sts->n; i++) {
		st = &sts->v[i];
		if (rows > MONIT_HEADER_ROWS + 1 &&
		    shown + 1 >= (size_t)(rows - MONIT_HEADER_ROWS) &&
		    i + 1 < sts->n) {
			snprintf(line, sizeof(line), "... and %zu more "
			    "(a taller terminal shows them)", sts->n - i);
			monit_line(fp, cols, NULL, line);
			break;
		}
		if (st->pid != 0) {
			snprintf(pid, sizeof(pid), "%d", (int)st->pid);
			ctl_fmt_uptime(st->uptime_ms / 1000, up, sizeof(up));
		} else {
			strlcpy(pid, "-", sizeof(pid));
			strlcpy(up, "-", sizeof(up));
		}
		if (st->sampled_ok && st->pid != 0) {
			snprintf(cpu, sizeof(cpu), "%.1f%%",
			    st->cpu_permille / 10.0);
			ctl_fmt_bytes(st->rss, mem, sizeof(mem));
		} else {
			strlcpy(cpu, "-", sizeof(cpu));
			strlcpy(mem, "-", sizeof(mem));
		}
		snprintf(line, sizeof(line), "%-*s%-10s%-11s%-9s%-17s%-10u"
		    "%-8s%-9s", w, st->id, st->state, st->health[0] != '\0' ?
		    st->health : "-", pid, up, st->restarts, cpu, mem);
		monit_line(fp, cols, monit_state_color(st), line);
		shown++;
	}
	fputs(ESC_EOS, fp);
	fclose(fp);
	(void)fwrite(frame, 1, flen, stdout);
	fflush(stdout);
	free(frame);
}

/* Wait for the next frame: 1 go on, 0 quit. */
static int
monit_pause(uint32_t ms)
{
	struct pollfd	 pfd;
	struct timespec	 t0, t1;
	int64_t		 left = ms, r;
	char		 c;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!monit_quit && !monit_resized && left > 0) {
		pfd.fd = STDIN_FILENO;
		pfd.events = POLLIN;
		r = poll(&pfd, monit_keys ? 1 : 0, (int)left);
		if (r == 1) {
			if (read(STDIN_FILENO, &c, 1) != 1)
				monit_keys = 0;		/* no more keys */
			else if (c == 'q' || c == 'Q')
				return (0);
			else if (c == ' ' || c == '\f')
				return (1);
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		left = (int64_t)ms - ((t1.tv_sec - t0.tv_sec) * 1000 +
		    (t1.tv_nsec - t0.tv_nsec) / 1000000);
	}
	monit_resized = 0;
	return (!monit_quit);
}

static int
monit_usage(struct vctl *v)
{
	fprintf(stderr, "usage: %s monit [-d interval] [-n count]\n",
	    v->progname);
	return (VCTL_EXIT_USAGE);
}

int
vctl_run_monit(struct vctl *v, int argc, char **argv)
{
	struct vctl_statuses	 sts;
	const char		*errstr;
	uint64_t		 ms = MONIT_DEFAULT_MS;
	long long		 count = -1;
	int			 i, rc = VCTL_EXIT_OK, tty, frame;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-j") == 0 ||
		    strcmp(argv[i], "--json") == 0)
			v->json = 1;
		else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc) {
			if (config_parse_duration(argv[++i], &ms, &errstr) ==
			    -1 || ms < MONIT_MIN_MS || ms > 3600000) {
				fprintf(stderr, "%s: bad interval \"%s\" "
				    "(200ms .. 1h)\n", v->progname, argv[i]);
				return (monit_usage(v));
			}
		} else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			count = strtonum(argv[++i], 1, 1000000, &errstr);
			if (errstr != NULL) {
				fprintf(stderr, "%s: bad count \"%s\": %s\n",
				    v->progname, argv[i], errstr);
				return (monit_usage(v));
			}
		} else
			return (monit_usage(v));
	}
	tty = isatty(STDOUT_FILENO) && !v->json;
	if (count == -1)
		count = tty ? 0 : 1;	/* 0: until q */

	memset(&sts, 0, sizeof(sts));
	/* The first request says at once whether vigild is there. */
	if ((rc = monit_fetch(v, &sts, 0)) != VCTL_EXIT_OK) {
		free(sts.v);
		return (rc);
	}
	/*
	 * Nobody was watching: the monitor has just begun to sample, and
	 * has figures a pass later (250 ms).  Show them from the start.
	 */
	for (i = 0; i < (int)sts.n; i++) {
		if (sts.v[i].pid != 0 && !sts.v[i].sampled_ok) {
			usleep(400 * 1000);
			if ((rc = monit_fetch(v, &sts, 0)) != VCTL_EXIT_OK) {
				free(sts.v);
				return (rc);
			}
			break;
		}
	}
	monit_signals();
	if (tty) {
		atexit(monit_restore);
		monit_screen_on();
	}
	for (frame = 0;; frame++) {
		if (tty)
			monit_draw(v, &sts, (uint32_t)ms);
		else {
			if (frame > 0 && !v->json)
				printf("\n");
			vctl_print_status(v, &sts, 1);
			fflush(stdout);
		}
		if (count > 0 && frame + 1 >= count)
			break;
		if (!monit_pause((uint32_t)ms))
			break;
		if ((rc = monit_fetch(v, &sts, 1)) != VCTL_EXIT_OK)
			break;
	}
	monit_restore();
	if (rc != VCTL_EXIT_OK)
		fprintf(stderr, "%s: monit: lost vigild (%s)\n", v->progname,
		    v->sock != NULL ? v->sock : "the control socket");
	free(sts.v);
	return (rc);
}
