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
 * vigild -n as root: the host names the load checks (health and
 * readiness targets) are resolved by a child dropped to the helpers'
 * user, never by root.  DNS answers are network input and NSS modules
 * (dns, mdns, ldap) are code that must not run as root (DESIGN: the
 * parent parses no network input).  The child is started at the first
 * name, once the global keys (user:) are known; the load asks it one
 * name at a time over two pipes of fixed-size records, and its answers
 * become the load's own errors, at their own positions.  The child is
 * less trusted than we are: an answer of the wrong size or for another
 * query ends the check.
 */

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "parent.h"
#include "proc.h"
#include "xmalloc.h"

#define DNS_IN_FILENO	3	/* the child's queries */
#define DNS_OUT_FILENO	4	/* its answers */

struct dns_query {
	uint32_t	 idx;
	char		 host[NI_MAXHOST];	/* NUL-terminated */
};

struct dns_answer {
	uint32_t	 idx;			/* the query's */
	int32_t		 gai;			/* getaddrinfo's result */
};

enum dns_state {
	DNS_IDLE,		/* no name asked yet */
	DNS_RUNNING,
	DNS_NOUSER,		/* the helpers' user does not exist */
	DNS_ROOTUSER,		/* it is root */
	DNS_BROKEN		/* the child failed or lied */
};

static enum dns_state	 dns_state = DNS_IDLE;
static pid_t		 dns_pid = -1;
static int		 dns_qfd = -1, dns_afd = -1;
static uint32_t		 dns_idx;
static char		*dns_user;

/* Reads exactly len bytes: len, less at EOF, or -1. */
static ssize_t
dns_readn(int fd, void *buf, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		if ((n = read(fd, (char *)buf + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		if (n == 0)
			break;
		off += n;
	}
	return (off);
}

static int
dns_writen(int fd, const void *buf, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		if ((n = write(fd, (const char *)buf + off, len - off)) ==
		    -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		off += n;
	}
	return (0);
}

/* The child: drop to user, then answer queries until EOF. */
static __dead void
dns_child(const char *user, uid_t uid, gid_t gid, int in, int out)
{
	struct dns_query	 q;
	struct dns_answer	 a;
	struct addrinfo		 hints, *res;
	uid_t			 ru, eu, su;
	gid_t			 rg, eg, sg;
	ssize_t			 n;

	/* Its two ends at 3 and 4, nothing else open above stderr. */
	if ((in = fcntl(in, F_DUPFD, DNS_OUT_FILENO + 1)) == -1 ||
	    (out = fcntl(out, F_DUPFD, DNS_OUT_FILENO + 1)) == -1 ||
	    dup2(in, DNS_IN_FILENO) == -1 || dup2(out, DNS_OUT_FILENO) == -1)
		fatal("resolver descriptors");
	closefrom(DNS_OUT_FILENO + 1);
	log_procinit("resolver");

	privdrop(user, NULL);	/* setgroups, setresgid, setresuid, nnp */
	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		fatal("getresuid");
	if (ru != uid || eu != uid || su != uid || uid == 0 ||
	    rg != gid || eg != gid || sg != gid)
		fatalx("privilege drop to %s failed: uid %u/%u/%u gid "
		    "%u/%u/%u", user, (unsigned int)ru, (unsigned int)eu,
		    (unsigned int)su, (unsigned int)rg, (unsigned int)eg,
		    (unsigned int)sg);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	for (;;) {
		if ((n = dns_readn(DNS_IN_FILENO, &q, sizeof(q))) == 0)
			_exit(0);
		if (n != (ssize_t)sizeof(q) ||
		    memchr(q.host, '\0', sizeof(q.host)) == NULL)
			fatalx("bad query");
		a.idx = q.idx;
		if ((a.gai = getaddrinfo(q.host, NULL, &hints, &res)) == 0)
			freeaddrinfo(res);
		if (dns_writen(DNS_OUT_FILENO, &a, sizeof(a)) == -1)
			_exit(1);
	}
}

static int
dns_start(const char *user)
{
	struct passwd	*pw;
	int		 q[2], a[2];

	dns_user = xstrdup(user);
	if ((pw = getpwnam(user)) == NULL) {
		dns_state = DNS_NOUSER;
		return (-1);
	}
	if (pw->pw_uid == 0) {
		dns_state = DNS_ROOTUSER;
		return (-1);
	}
	if (pipe(q) == -1 || pipe(a) == -1)
		fatal("resolver pipe");
	/* A child gone at once must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	fflush(NULL);
	switch (dns_pid = fork()) {
	case -1:
		fatal("resolver fork");
	case 0:
		close(q[1]);
		close(a[0]);
		dns_child(user, pw->pw_uid, pw->pw_gid, q[0], a[1]);
	}
	close(q[0]);
	close(a[1]);
	dns_qfd = q[1];
	dns_afd = a[0];
	dns_state = DNS_RUNNING;
	return (0);
}

/* The load's resolver (config_set_resolver). */
static int
dns_resolve(const char *user, const char *host, int *gai)
{
	struct dns_query	 q;
	struct dns_answer	 a;

	if (dns_state == DNS_IDLE && dns_start(user) == -1)
		return (-1);
	if (dns_state != DNS_RUNNING)
		return (-1);
	memset(&q, 0, sizeof(q));
	if (strlcpy(q.host, host, sizeof(q.host)) >= sizeof(q.host)) {
		/* No host name is that long: getaddrinfo's answer. */
		*gai = EAI_NONAME;
		return (0);
	}
	q.idx = ++dns_idx;
	if (dns_writen(dns_qfd, &q, sizeof(q)) == -1 ||
	    dns_readn(dns_afd, &a, sizeof(a)) != (ssize_t)sizeof(a) ||
	    a.idx != q.idx) {
		dns_state = DNS_BROKEN;
		return (-1);
	}
	*gai = a.gai;
	return (0);
}

/* Before the load of vigild -n as root. */
void
parent_conf_dns_init(void)
{
	config_set_resolver(dns_resolve);
}

/*
 * After the load: ends the child.  -1, having said why on stderr, if
 * some names could not be checked.
 */
int
parent_conf_dns_end(const char *path)
{
	int	 status;

	config_set_resolver(NULL);
	if (dns_pid != -1) {
		close(dns_qfd);
		close(dns_afd);
		while (waitpid(dns_pid, &status, 0) == -1)
			if (errno != EINTR)
				fatal("resolver waitpid");
		if ((!WIFEXITED(status) || WEXITSTATUS(status) != 0) &&
		    dns_state == DNS_RUNNING)
			dns_state = DNS_BROKEN;
		dns_pid = -1;
	}
	switch (dns_state) {
	case DNS_IDLE:
	case DNS_RUNNING:
		return (0);
	case DNS_NOUSER:
		/* As a start says it (parent.c). */
		fprintf(stderr, "%s: user %s does not exist; create it with: "
		    "useradd -r -M -d /var/empty -s /usr/sbin/nologin -U %s\n",
		    path, dns_user, dns_user);
		break;
	case DNS_ROOTUSER:
		fprintf(stderr, "%s: user %s is root: the helpers must run "
		    "unprivileged, and host names are not resolved as root\n",
		    path, dns_user);
		break;
	case DNS_BROKEN:
		fprintf(stderr, "%s: host names not checked: their resolver "
		    "(as user %s) failed\n", path, dns_user);
		break;
	}
	return (-1);
}
