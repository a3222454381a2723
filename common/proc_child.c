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
 * The start every helper shares: title, logging, signals, privilege drop
 * hooks and the channel to the parent on fd 3.
 */

#include <sys/types.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event.h>

#include "log.h"
#include "proc.h"

static struct imsgev	 proc_child_iev;
static struct event	 proc_child_ev_term;
#ifdef VIGIL_TEST_HOOKS
static struct event	 proc_child_ev_usr2;
#endif
static enum vigil_proc	 proc_child_role;
static imsgev_dispatch_cb proc_child_cb;
static void		(*proc_child_gone_cb)(void);
static void		(*proc_child_exit_cb)(void);

static const char *proc_names[PROC_MAX] = {
	"parent", "control", "logger", "monitor"
};

const char *
proc_name(enum vigil_proc p)
{
	if ((unsigned int)p >= PROC_MAX)
		return ("unknown");
	return (proc_names[p]);
}

int
proc_byname(const char *name, enum vigil_proc *p)
{
	unsigned int	 i;

	for (i = 0; i < PROC_MAX; i++) {
		if (strcmp(name, proc_names[i]) == 0) {
			*p = i;
			return (0);
		}
	}
	return (-1);
}

static void
proc_child_sig(int sig, short ev, void *arg)
{
	switch (sig) {
	case SIGTERM:
		log_debug("exiting on signal");
		/*
		 * The parent's last messages may be unread still (it writes
		 * them, closes and signals at once): the helper that answers
		 * others takes them first.
		 */
		if (proc_child_exit_cb != NULL) {
			(void)imsgev_drain(&proc_child_iev);
			proc_child_exit_cb();
		}
		exit(0);
#ifdef VIGIL_TEST_HOOKS
	case SIGUSR2:
		/*
		 * Test hook (test builds, VIGIL_TEST_HOOKS=1 in vigild's
		 * environment): send the parent a message it must reject,
		 * as a compromised helper might.
		 */
		log_info("test hook: sending a bad message to the parent");
		(void)imsgev_compose(&proc_child_iev, IMSG_TEST_GARBAGE, 0, 0,
		    -1, "garbage", 7);
		break;
#endif
	}
}

void
proc_child_init(const struct proc_opts *opts)
{
	log_init(opts->debug, LOG_DAEMON);
	log_setverbose(opts->verbose);
	proc_child_role = opts->role;
	log_procinit(proc_name(opts->role));
	compat_proctitle(proc_name(opts->role));

	/*
	 * The parent handles SIGINT and SIGHUP for the whole daemon (a
	 * ^C in the foreground reaches every process of the group).
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
}

static void
proc_child_closed(struct imsgev *iev, const char *reason)
{
	/* The parent is gone or misbehaves: nothing left to do ... */
	if (proc_child_gone_cb == NULL) {
		log_debug("channel to parent %s, exiting", reason);
		if (proc_child_exit_cb != NULL)
			proc_child_exit_cb();
		exit(0);
	}
	/* ... but for a helper that outlives it (the logger). */
	log_debug("channel to parent %s", reason);
	proc_child_gone_cb();
}

/*
 * cb runs just before the helper exits with its parent (channel closed
 * or SIGTERM): control writes what it still owes its clients.
 */
void
proc_child_on_exit(void (*cb)(void))
{
	proc_child_exit_cb = cb;
}

/* The helper goes on without its parent: cb instead of exit(0). */
void
proc_child_on_parent_gone(void (*cb)(void))
{
	proc_child_gone_cb = cb;
}

/*
 * Every message from the parent: what every helper shares is handled
 * here, the rest by the helper's own dispatch.  A type the helper does
 * not know means the parent and the helper disagree on the protocol
 * (they are one program): fatal.
 */
static int
proc_child_dispatch(struct imsgev *iev, struct imsg *imsg)
{
	struct msg_ping	 ping;
	int		 v, r;

	switch (imsg->hdr.type) {
	case IMSG_PING:
		/* Answered here, so that an answer means the loop runs. */
		if (imsg_get_data(imsg, &ping, sizeof(ping)) == -1)
			return (-1);
		if (imsgev_compose(&proc_child_iev, IMSG_PONG, 0, 0, -1, &ping,
		    sizeof(ping)) == -1)
			fatal("pong");
		return (0);
	case IMSG_VERBOSE:
		if (imsg_get_data(imsg, &v, sizeof(v)) == -1)
			return (-1);
		log_setverbose(v);
		return (0);
	default:
		if ((r = proc_child_cb(iev, imsg)) == PROC_IMSG_UNKNOWN)
			fatalx("%s: unexpected message %s (%u) from the parent",
			    proc_name(proc_child_role),
			    imsg_type_name(imsg->hdr.type), imsg->hdr.type);
		if (r == -1)
			log_warnx("bad %s from the parent",
			    imsg_type_name(imsg->hdr.type));
		return (r);
	}
}

struct imsgev *
proc_child_channel(imsgev_dispatch_cb dispatch, void *data)
{
	struct msg_hello	 hello;
#ifdef VIGIL_TEST_HOOKS
	const char		*hooks;
#endif

	proc_child_cb = dispatch;
	if (imsgev_init(&proc_child_iev, PROC_PARENT_SOCK_FILENO, data,
	    proc_child_dispatch, proc_child_closed) == -1)
		fatal("channel to parent");
	imsgbuf_allow_fdpass(&proc_child_iev.ibuf);

	signal_set(&proc_child_ev_term, SIGTERM, proc_child_sig, NULL);
	signal_add(&proc_child_ev_term, NULL);
	signal(SIGUSR2, SIG_IGN);
#ifdef VIGIL_TEST_HOOKS
	hooks = getenv("VIGIL_TEST_HOOKS");
	if (hooks != NULL && strcmp(hooks, "1") == 0) {
		signal_set(&proc_child_ev_usr2, SIGUSR2, proc_child_sig, NULL);
		signal_add(&proc_child_ev_usr2, NULL);
	}
#endif

	memset(&hello, 0, sizeof(hello));
	hello.version = VIGIL_IMSG_VERSION;
	hello.proc = proc_child_role;
	if (imsgev_compose(&proc_child_iev, IMSG_HELLO, 0, 0, -1, &hello,
	    sizeof(hello)) == -1)
		fatal("hello");
	return (&proc_child_iev);
}

int
proc_child_compose(uint32_t type, uint32_t peerid, int fd, const void *data,
    size_t len)
{
	return (imsgev_compose(&proc_child_iev, type, peerid, 0, fd, data,
	    len));
}
