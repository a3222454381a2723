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
 * Sockets vigild binds for a service (`listen:`) and passes to each of its
 * instances as fds 3.. with LISTEN_FDS and LISTEN_PID, as systemd's socket
 * activation does; and the ports of `port: auto:LO-HI`.
 * Both are done by the parent, which may bind privileged ports.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"
#include "svc.h"

/*
 * The addresses to bind HOST:PORT to, without a resolver: the root
 * parent parses no network input.  The configuration allows "*" (every
 * address), "localhost" (127.0.0.1) and numeric addresses only
 * (config_bind_host_ok()), and AI_NUMERICHOST keeps it so.  Returns
 * getaddrinfo's error.
 */
int
svc_bind_addrinfo(const char *host, uint16_t port, struct addrinfo **res)
{
	struct addrinfo	 hints;
	char		 serv[8];

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(serv, sizeof(serv), "%u", (unsigned int)port);
	if (host == NULL || host[0] == '\0' || strcmp(host, "*") == 0)
		host = NULL;
	else if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	return (getaddrinfo(host, serv, &hints, res));
}

static int
svc_listen_tcp(const struct config_listen *cl, char *err, size_t errlen)
{
	struct addrinfo	*res, *ai;
	int		 fd = -1, on = 1, gai, saved = 0;

	if ((gai = svc_bind_addrinfo(cl->host, cl->port, &res)) != 0) {
		snprintf(err, errlen, "listen %s: %s", cl->url,
		    gai_strerror(gai));
		return (-1);
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd == -1) {
			saved = errno;
			continue;
		}
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on,
		    sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, SOMAXCONN) == 0)
			break;
		saved = errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		snprintf(err, errlen, "listen %s: %s", cl->url,
		    strerror(saved));
	return (fd);
}

static int
svc_listen_unix(const struct config_listen *cl, uid_t uid, gid_t gid, char *err,
    size_t errlen)
{
	struct sockaddr_un	 sun;
	int			 fd;
	mode_t			 old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlcpy(sun.sun_path, cl->path, sizeof(sun.sun_path)) >=
	    sizeof(sun.sun_path)) {
		snprintf(err, errlen, "listen %s: path too long", cl->url);
		return (-1);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1) {
		snprintf(err, errlen, "listen %s: %s", cl->url,
		    strerror(errno));
		return (-1);
	}
	if (unlink(cl->path) == -1 && errno != ENOENT)
		log_debug("unlink %s: %s", cl->path, strerror(errno));
	old = umask(0111);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    listen(fd, SOMAXCONN) == -1) {
		snprintf(err, errlen, "listen %s: %s", cl->url,
		    strerror(errno));
		umask(old);
		close(fd);
		return (-1);
	}
	umask(old);
	/* The service's user owns its socket. */
	if (uid != (uid_t)-1 && chown(cl->path, uid, gid) == -1)
		log_warn("listen %s: chown", cl->url);
	return (fd);
}

/* Bind every `listen:` socket of the group once; instances share them. */
int
svc_listen_open(struct svc_group *g, char *err, size_t errlen)
{
	struct config_svc	*sc = g->conf;
	size_t		 i;
	int		 fd;

	if (sc->nlisten == 0 || g->listen_fds != NULL)
		return (0);
	if ((g->listen_fds = calloc(sc->nlisten, sizeof(int))) == NULL)
		fatal(NULL);
	for (i = 0; i < sc->nlisten; i++)
		g->listen_fds[i] = -1;
	g->nlisten_fds = sc->nlisten;
	for (i = 0; i < sc->nlisten; i++) {
		if (sc->listen[i].type == LISTEN_TCP)
			fd = svc_listen_tcp(&sc->listen[i], err, errlen);
		else
			fd = svc_listen_unix(&sc->listen[i], sc->uid,
			    sc->gid, err, errlen);
		if (fd == -1) {
			svc_listen_close(g);
			return (-1);
		}
		g->listen_fds[i] = fd;
	}
	return (0);
}

void
svc_listen_close(struct svc_group *g)
{
	size_t	 i;

	for (i = 0; i < g->nlisten_fds; i++)
		if (g->listen_fds[i] != -1)
			close(g->listen_fds[i]);
	free(g->listen_fds);
	g->listen_fds = NULL;
	g->nlisten_fds = 0;
}

static int
svc_port_taken(const struct svc *self, int port)
{
	struct svc	*s;

	TAILQ_FOREACH(s, &svc_all, entry)
		if (s != self && s->port == port)
			return (1);
	return (0);
}

static int
svc_port_free(int port)
{
	struct sockaddr_in	 sin;
	int			 fd, ok;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return (0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_ANY);
	ok = bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	close(fd);
	return (ok);
}

/*
 * `port: auto:LO-HI`: the first port of the range that no other instance
 * holds and that nothing listens on; kept across restarts.
 */
int
svc_port_pick(struct svc *s, char *err, size_t errlen)
{
	const struct config_port	*cp = &s->grp->conf->port;
	int			 p;

	if (cp->type != PORT_AUTO || s->port > 0)
		return (0);
	for (p = cp->lo; p <= cp->hi; p++) {
		if (svc_port_taken(s, p) || !svc_port_free(p))
			continue;
		s->port = p;
		return (0);
	}
	snprintf(err, errlen, "port: no free port in %u-%u", cp->lo, cp->hi);
	return (-1);
}
