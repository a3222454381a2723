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
 * The instance id: 128 random bits, in hex, that name one vigild instance
 * for its whole life -- across crashes, re-executions and upgrades -- and
 * key everything it leaves on the host (its cgroups, its state file).  A
 * pid cannot do that: it is reused, and it means another process in
 * another pid namespace.
 *
 * It lives in state_dir/instance (one line, mode 0600, owned by vigild's
 * user), created once and never rewritten.  Whoever starts on the same
 * state_dir is the same instance; while one runs, it holds a lock on the
 * file, so a second vigild on that state_dir refuses to start instead of
 * sharing (and sweeping) the first one's groups.
 */

#include <sys/types.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "parent.h"

#define INSTANCE_FILE	"instance"
#define INSTANCE_BYTES	16			/* 128 bits */
#define INSTANCE_HEXLEN	(INSTANCE_BYTES * 2)

static char	 instance_id[INSTANCE_HEXLEN + 1];
static int	 instance_fd = -1;		/* open and locked */

/* Is buf (len bytes) an id as we write it: 32 lowercase hex digits, '\n'? */
static int
instance_valid(const char *buf, size_t len)
{
	size_t	 i;

	if (len != INSTANCE_HEXLEN + 1 || buf[INSTANCE_HEXLEN] != '\n')
		return (0);
	for (i = 0; i < INSTANCE_HEXLEN; i++)
		if (!((buf[i] >= '0' && buf[i] <= '9') ||
		    (buf[i] >= 'a' && buf[i] <= 'f')))
			return (0);
	return (1);
}

/*
 * Read and check an existing file.  0: the id is in instance_id and fd
 * is kept; -1 with errno ENOENT: there is none; -1 with why set: it is
 * there but not to be trusted.
 */
static int
instance_read(const char *path, const char **why)
{
	struct stat	 sb;
	char		 buf[INSTANCE_HEXLEN + 2];
	ssize_t		 n;
	int		 fd;

	*why = NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		if (errno != ENOENT)
			*why = strerror(errno);
		return (-1);
	}
	if (fstat(fd, &sb) == -1)
		*why = strerror(errno);
	else if (!S_ISREG(sb.st_mode))
		*why = "not a regular file";
	else if (sb.st_uid != geteuid())
		*why = "owned by another user";
	else if ((sb.st_mode & 077) != 0)
		*why = "readable or writable by others (mode is not 0600)";
	else if ((n = read(fd, buf, sizeof(buf))) == -1)
		*why = strerror(errno);
	else if (!instance_valid(buf, (size_t)n))
		*why = "not one line of 32 hexadecimal digits";
	if (*why != NULL) {
		close(fd);
		errno = EINVAL;
		return (-1);
	}
	memcpy(instance_id, buf, INSTANCE_HEXLEN);
	instance_id[INSTANCE_HEXLEN] = '\0';
	instance_fd = fd;
	return (0);
}

/*
 * Write a new id to a temporary file and link it into place: link fails
 * if another vigild created one meanwhile, and then that one wins.
 * 0: created; 1: someone else's is there now; -1: error.
 */
static int
instance_create(const char *dir, const char *path)
{
	unsigned char	 rnd[INSTANCE_BYTES];
	char		 tmp[PATH_MAX], buf[INSTANCE_HEXLEN + 1];
	size_t		 i;
	int		 fd, dfd, rv = 0, saved;

	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, INSTANCE_FILE) >=
	    (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	arc4random_buf(rnd, sizeof(rnd));
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(buf + 2 * i, 3, "%02x", rnd[i]);
	buf[INSTANCE_HEXLEN] = '\n';
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1)
		return (-1);
	if (fchmod(fd, 0600) == -1 ||
	    write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf) ||
	    fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		errno = saved;
		return (-1);
	}
	close(fd);
	if (link(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		if (saved == EEXIST)
			return (1);
		errno = saved;
		return (-1);
	}
	unlink(tmp);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (fsync(dfd) == -1)
			rv = -1;
		close(dfd);
	}
	return (rv);
}

/* Find or make the id; -1 (errno set, message logged) if impossible. */
static int
instance_init(const char *dir)
{
	char		 path[PATH_MAX], bad[PATH_MAX];
	const char	*why;
	int		 tries, r;

	if (snprintf(path, sizeof(path), "%s/%s", dir, INSTANCE_FILE) >=
	    (int)sizeof(path) || snprintf(bad, sizeof(bad), "%s/%s.invalid",
	    dir, INSTANCE_FILE) >= (int)sizeof(bad)) {
		log_warnx("state_dir %s: path too long", dir);
		errno = ENAMETOOLONG;
		return (-1);
	}
	for (tries = 0; tries < 3; tries++) {
		if (instance_read(path, &why) == 0)
			break;
		if (why != NULL) {
			/*
			 * Not trusted: keep it for whoever wants to look, and
			 * become a new instance.  Groups keyed by the old id
			 * are then someone else's and are left alone.
			 */
			log_warnx("%s: %s; moved to %s, this vigild is a new "
			    "instance", path, why, bad);
			if (rename(path, bad) == -1) {
				log_warn("%s: rename to %s", path, bad);
				return (-1);
			}
		}
		if ((r = instance_create(dir, path)) == -1) {
			log_warn("%s: cannot create the instance id", path);
			return (-1);
		}
		if (r == 0)
			log_info("created a new instance id in %s", path);
	}
	if (instance_fd == -1) {
		log_warnx("%s: cannot read back the instance id", path);
		errno = EINVAL;
		return (-1);
	}
	if (flock(instance_fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK)
			log_warnx("state_dir %s is in use by another vigild "
			    "(%s is locked)", dir, path);
		else
			log_warn("%s: lock", path);
		close(instance_fd);
		instance_fd = -1;
		instance_id[0] = '\0';
		return (-1);
	}
	return (0);
}

/*
 * Read or create the id, early in main while errors still reach the
 * terminal; vigild cannot run without one.
 */
int
parent_instance_init(void)
{
	if (instance_id[0] != '\0')
		return (0);
	return (instance_init(penv->conf->state_dir));
}

/* The id of this vigild instance. */
const char *
parent_instance_id(void)
{
	if (parent_instance_init() == -1)
		fatalx("no instance id in state_dir %s",
		    penv->conf->state_dir);
	return (instance_id);
}
