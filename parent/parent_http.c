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
 * The parent's side of the HTTP API (vigild(8), HTTP API).  At start, as
 * root, it binds http.listen and reads http.token_file; every new
 * control process gets the listening socket and the token
 * (IMSG_CTL_HTTP), and serves the API with evhttp (control/control_http.c):
 * control cannot bind in its chroot, and the parent never parses HTTP.
 * Requests come back as IMSG_CTL_HTTPREQ and are served like vigilctl's
 * (parent_control.c), logged as "http POST /api/v1/services/web/stop
 * from 127.0.0.1: ok".  State and health changes and exits go to control
 * as IMSG_CTL_EVENT for GET /api/v1/events.
 *
 * The http: section is read at start only: a reload does not move the
 * server or change the token.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parent_http_token.h"
#include "ctl_proto.h"
#include "log.h"
#include "msg_ctl.h"
#include "parent.h"
#include "parent_control.h"
#include "svc.h"

#define PHTTP_BACKLOG		128
#define PHTTP_TOKENFILE_MAX	4096

static int			 phttp_fd = -1;
static struct ctl_http_setup	 phttp_setup;

static void	phttp_changed(struct svc *, enum svc_state);

/* Bind HOST:PORT ("*", "" or "0.0.0.0": every IPv4 address). */
static int
phttp_bind(const char *host, uint16_t port)
{
	struct addrinfo	*res, *ai;
	int		 fd = -1, on = 1, e, saved = 0;

	if ((e = svc_bind_addrinfo(host, port, &res)) != 0)
		fatalx("http: listen %s: %s", penv->conf->http_listen,
		    gai_strerror(e));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, PHTTP_BACKLOG) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		errno = saved;
		fatal("http: cannot listen on %s", penv->conf->http_listen);
	}
	return (fd);
}

/*
 * The token, read as root.  A token file others may write is refused
 * (anyone could set the password); one others may read, warned about.
 */
static int
phttp_token(const char *path, struct ctl_http_setup *setup)
{
	struct stat	 sb;
	char		 buf[PHTTP_TOKENFILE_MAX];
	char		 err[PATH_MAX * 2 + 128];
	const char	*why;
	ssize_t		 n;
	int		 fd;

	if ((fd = config_open_checked(path, "token_file", penv->is_root, err,
	    sizeof(err))) == -1) {
		log_warnx("http: token_file %s: %s", path, err);
		return (-1);
	}
	if (fstat(fd, &sb) == -1 || (n = read(fd, buf, sizeof(buf))) == -1) {
		log_warn("http: cannot read token_file %s", path);
		close(fd);
		return (-1);
	}
	close(fd);
	if (sb.st_mode & S_IROTH)
		log_warnx("http: token_file %s is readable by others (mode "
		    "%04o): anyone on this host may control the services",
		    path, (unsigned int)(sb.st_mode & 07777));
	if (n == (ssize_t)sizeof(buf)) {
		log_warnx("http: token_file %s: too long", path);
		return (-1);
	}
	if (parent_http_token_parse(buf, (size_t)n, setup->token,
	    sizeof(setup->token), &why) == -1) {
		explicit_bzero(buf, sizeof(buf));
		log_warnx("http: token_file %s: %s", path, why);
		return (-1);
	}
	explicit_bzero(buf, sizeof(buf));
	setup->has_token = 1;
	return (0);
}

/*
 * Reload: the token read again from the new configuration's token_file
 * (or none), and control told if it changed.  The listening address
 * itself changes only with a restart.  On error the old token stays.
 */
void
parent_http_reload(const struct vigil_conf *nconf)
{
	struct ctl_http_setup	 s;

	if (phttp_fd == -1)
		return;
	memset(&s, 0, sizeof(s));
	if (nconf->http_token_file != NULL &&
	    phttp_token(nconf->http_token_file, &s) == -1) {
		log_warnx("http: reload: keeping the token read before");
		explicit_bzero(&s, sizeof(s));
		return;
	}
	if (s.has_token == phttp_setup.has_token &&
	    strcmp(s.token, phttp_setup.token) == 0) {
		explicit_bzero(&s, sizeof(s));
		return;
	}
	phttp_setup = s;
	explicit_bzero(&s, sizeof(s));
	log_info("http: reload: %s", phttp_setup.has_token ?
	    "the token from token_file is now in use" :
	    "no token_file: the API is read-only");
	if (parent_proc_send(PROC_CONTROL, IMSG_CTL_HTTP, 0, -1, &phttp_setup,
	    sizeof(phttp_setup)) == -1)
		log_warnx("http: cannot pass the new token to control");
}

void
parent_http_init(void)
{
	struct vigil_conf	*conf = penv->conf;

	if (!conf->http_enabled)
		return;
	memset(&phttp_setup, 0, sizeof(phttp_setup));
	if (conf->http_token_file != NULL &&
	    phttp_token(conf->http_token_file, &phttp_setup) == -1)
		fatalx("http: cannot use token_file %s", conf->http_token_file);
	phttp_fd = phttp_bind(conf->http_host, conf->http_port);
	svc_add_listener(phttp_changed);
	log_info("http: API on %s%s", conf->http_listen,
	    phttp_setup.has_token ? "" : " (read-only: no token_file)");
}

/* A new control process: the socket and the token again. */
void
parent_http_ready(void)
{
	int	 fd;

	if (phttp_fd == -1)
		return;
	if ((fd = fcntl(phttp_fd, F_DUPFD_CLOEXEC, 0)) == -1) {
		log_warn("http: dup");
		return;
	}
	if (parent_proc_send(PROC_CONTROL, IMSG_CTL_HTTP, 0, fd, &phttp_setup,
	    sizeof(phttp_setup)) == -1)
		log_warnx("http: cannot pass the socket to control");
}

void
parent_http_shutdown(void)
{
	if (phttp_fd != -1)
		close(phttp_fd);
	phttp_fd = -1;
	explicit_bzero(&phttp_setup, sizeof(phttp_setup));
}

static int
phttp_printable(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < 0x20 || *s > 0x7e)
			return (0);
	return (1);
}

/*
 * A request control turned from HTTP: well formed, and only what the API
 * offers (PCTL_HTTP in the command table); one that changes something
 * only with a token set.  -1: control misbehaves.
 */
int
parent_http_request_ok(const struct ctl_httpreq *h)
{
	const char	*why;
	int		 flags;

	if (phttp_fd == -1 || !MSG_STR_OK(h->method) || !MSG_STR_OK(h->path) ||
	    !MSG_STR_OK(h->peer) || !phttp_printable(h->method) ||
	    !phttp_printable(h->path) || !phttp_printable(h->peer) ||
	    !ctl_request_ok(&h->req, &why))
		return (-1);
	if ((flags = pctl_cmd_flags(h->req.cmd)) == -1 ||
	    !(flags & PCTL_HTTP))
		return (-1);
	/* The log endpoint: tail -n of one process, bounded, maybe -f. */
	if (h->req.cmd == CTL_CMD_TAIL && (h->req.count > CTL_HTTP_LOGMAX ||
	    h->req.ntargets != 1 ||
	    (h->req.flags & ~(CTL_F_FOLLOW | CTL_F_STDERR)) != 0))
		return (-1);
	if (!(flags & PCTL_READONLY) && !phttp_setup.has_token)
		return (-1);
	return (0);
}

static void
phttp_event(struct svc *s, const char *type, enum svc_state from)
{
	struct ctl_event	 ev;
	const struct svc_exit	*e;

	memset(&ev, 0, sizeof(ev));
	strlcpy(ev.type, type, sizeof(ev.type));
	strlcpy(ev.id, s->id, sizeof(ev.id));
	strlcpy(ev.group, s->grp->conf->name, sizeof(ev.group));
	strlcpy(ev.from, svc_state_name(from), sizeof(ev.from));
	strlcpy(ev.to, svc_state_name(s->state), sizeof(ev.to));
	strlcpy(ev.health, svc_health_name(s->health), sizeof(ev.health));
	strlcpy(ev.reason, svc_reason(s), sizeof(ev.reason));
	ev.instance = s->instance;
	ev.pid = s->pid;
	ev.status = 0;
	ev.time = (int64_t)time(NULL);
	if (strcmp(type, "exit") == 0 && (e = svc_last_exit(s)) != NULL) {
		ev.pid = e->pid;
		ev.status = e->status;
	}
	(void)parent_proc_send(PROC_CONTROL, IMSG_CTL_EVENT, 0, -1, &ev,
	    sizeof(ev));
}

static int
phttp_has_process(enum svc_state st)
{
	return (st == SVC_STARTING || st == SVC_RUNNING ||
	    st == SVC_STOPPING);
}

/* svc listener: every transition, and health changes (old == state). */
static void
phttp_changed(struct svc *s, enum svc_state old)
{
	if (s == NULL || penv->shutting_down)
		return;
	if (old == s->state) {
		phttp_event(s, "health", old);
		return;
	}
	phttp_event(s, "state", old);
	if (phttp_has_process(old) && !phttp_has_process(s->state) &&
	    s->pid == 0 && s->nhistory > 0)
		phttp_event(s, "exit", old);
}
