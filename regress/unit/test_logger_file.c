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
 * Unit tests for logger/logger_file.c, in a private temporary directory:
 * file names, sharing, rotation (and a rotation that fails), the undo of
 * an interrupted write, reopening after an outside rename, `clear`, and
 * the refusal to follow a symbolic link.
 */

#include <sys/types.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "logger.h"
#include "unit.h"

static char	 tmpdir[] = "/tmp/vigil-test-logger-file.XXXXXX";
static int	 dirfd_;

/* Append s to the stream's file, as the stream writer does. */
static int
put(struct logger_file *f, const char *s)
{
	size_t	 len = strlen(s);

	if (logger_file_open(f) == -1 || write(f->fd, s, len) != (ssize_t)len)
		return (-1);
	f->size += len;
	return (0);
}

/* The whole content of name in the test directory, "" if none, NULL if
 * it does not exist. */
static const char *
content(const char *name)
{
	static char	 buf[256];
	ssize_t		 n;
	int		 fd;

	if ((fd = openat(dirfd_, name, O_RDONLY)) == -1)
		return (NULL);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n < 0 ? 0 : n] = '\0';
	return (buf);
}

static int
exists(const char *name)
{
	struct stat	 sb;

	return (fstatat(dirfd_, name, &sb, AT_SYMLINK_NOFOLLOW) == 0);
}

static void
mkfile(const char *name, const char *s)
{
	int	 fd;

	if ((fd = openat(dirfd_, name, O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) == -1 || write(fd, s, strlen(s)) != (ssize_t)strlen(s)) {
		perror(name);
		exit(2);
	}
	close(fd);
}

static int
same(const char *a, const char *b)
{
	return (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
t_path(void)
{
	char	 buf[LOGGER_PATHMAX];

	logger_path("web:2", 0, buf, sizeof(buf));
	check(strcmp(buf, "web-2.log") == 0, "logger_path: instance 2 of web "
	    "is web-2.log (%s)", buf);
	logger_path("web", 1, buf, sizeof(buf));
	check(strcmp(buf, "web.err.log") == 0, "logger_path: stderr of web "
	    "is web.err.log (%s)", buf);
}

static void
t_share_open(void)
{
	struct logger_file	*a, *b;
	struct stat		 sb;
	int			 rv;

	mkfile("old.log", "12345");
	a = logger_file_get("old.log");
	b = logger_file_get("old.log");
	check(a == b && a->refs == 2 && a->fd == -1,
	    "logger_file_get: one object per path, counted, not yet open");
	rv = logger_file_open(a);
	check(rv == 0 && a->fd != -1 && a->size == 5,
	    "logger_file_open: an existing file is appended to, size %llu",
	    (unsigned long long)a->size);
	logger_file_put(b);
	check(a->refs == 1 && a->fd != -1, "logger_file_put: the other "
	    "stream keeps it open");
	logger_file_put(a);

	a = logger_file_get("new.log");
	memset(&sb, 0, sizeof(sb));
	rv = logger_file_open(a) == 0 ? fstat(a->fd, &sb) : -1;
	check(rv == 0 && (sb.st_mode & 0777) == 0640 && a->size == 0,
	    "logger_file_open: a new file is created with mode 0640 (%o)",
	    (unsigned int)(sb.st_mode & 0777));
	logger_file_put(a);
}

static void
t_rotate(void)
{
	struct logger_file	*f;
	const char		*v[] = { "A\n", "B\n", "C\n", "D\n" };
	int			 i, ok = 1;

	f = logger_file_get("r.log");
	for (i = 0; i < 4; i++)
		if (put(f, v[i]) == -1 || logger_file_rotate(f, 3) == -1)
			ok = 0;
	check(ok, "rotate keep 3: four rotations succeed");
	check(same(content("r.log"), "") && f->size == 0 && f->fd != -1,
	    "rotate: writing goes on in a new, empty r.log");
	check(same(content("r.log.1"), "D\n") &&
	    same(content("r.log.2"), "C\n") &&
	    same(content("r.log.3"), "B\n"),
	    "rotate: r.log.1 is the newest, r.log.3 the oldest kept");
	check(!exists("r.log.4"), "rotate: nothing beyond keep (A is gone)");
	check(put(f, "E\n") == 0 && same(content("r.log"), "E\n"),
	    "rotate: the stream writes to the new file");
	logger_file_put(f);

	f = logger_file_get("z.log");
	check(put(f, "X\n") == 0 && logger_file_rotate(f, 0) == 0 &&
	    same(content("z.log"), "") && !exists("z.log.1"),
	    "rotate keep 0: the old content is removed, no z.log.1");
	logger_file_put(f);
}

static void
t_rotate_fails(void)
{
	struct logger_file	*f;

	/* A non-empty directory where r.log.1 must go: rename fails. */
	if (mkdirat(dirfd_, "q.log.1", 0755) == -1 ||
	    mkdirat(dirfd_, "q.log.1/x", 0755) == -1) {
		perror("mkdirat");
		exit(2);
	}
	f = logger_file_get("q.log");
	check(put(f, "1\n") == 0 && logger_file_rotate(f, 1) == -1,
	    "rotate: a rename that fails is reported (-1)");
	check(put(f, "2\n") == 0 && same(content("q.log"), "1\n2\n") &&
	    f->size == 4, "rotate failed: writing goes on in the same file");
	(void)unlinkat(dirfd_, "q.log.1/x", AT_REMOVEDIR);
	(void)unlinkat(dirfd_, "q.log.1", AT_REMOVEDIR);
	check(logger_file_rotate(f, 1) == -1 && same(content("q.log"),
	    "1\n2\n"), "rotate failed: not tried again at once, even when it "
	    "would work");
	f->rotate_failed -= 60;
	check(logger_file_rotate(f, 1) == 0 && same(content("q.log.1"),
	    "1\n2\n") && same(content("q.log"), ""),
	    "rotate failed: tried again later, and done");
	logger_file_put(f);
}

static void
t_undo(void)
{
	struct logger_file	*f;
	uint64_t		 dev, ino;

	f = logger_file_get("u.log");
	if (put(f, "keep") == -1) {
		check(0, "undo: set-up");
		return;
	}
	dev = f->dev;
	ino = f->ino;
	(void)put(f, "half-writ");
	logger_file_undo(f, dev, ino + 1, 4);
	check(same(content("u.log"), "keephalf-writ"),
	    "undo: another file (inode) is left alone");
	logger_file_undo(f, dev, ino, 4);
	check(same(content("u.log"), "keep") && f->size == 4,
	    "undo: the interrupted write is cut back to where it started");
	logger_file_undo(f, dev, ino, 10);
	check(same(content("u.log"), "keep") && f->size == 4,
	    "undo: an offset past the end changes nothing");
	check(put(f, "+more") == 0 && same(content("u.log"), "keep+more"),
	    "undo: appending goes on at the cut");
	logger_file_put(f);
}

static void
t_reopen(void)
{
	struct logger_file	*f;

	f = logger_file_get("o.log");
	(void)put(f, "before\n");
	/* logrotate moves it away, then asks for a reopen. */
	if (renameat(dirfd_, "o.log", dirfd_, "o.log-moved") == -1) {
		perror("renameat");
		exit(2);
	}
	logger_file_reopen_all();
	check(f->fd != -1 && f->size == 0 && put(f, "after\n") == 0 &&
	    same(content("o.log"), "after\n") &&
	    same(content("o.log-moved"), "before\n"),
	    "reopen: a new o.log; the moved file keeps what it had");
	logger_file_put(f);
}

static void
t_clear(void)
{
	struct logger_file	*f;
	int			 n;

	f = logger_file_get("c.log");
	(void)put(f, "open stream\n");
	mkfile("c.err.log", "stderr\n");
	mkfile("c.log.1", "1");
	mkfile("c.log.12", "12");
	mkfile("c.err.log.3", "3");
	mkfile("cc.log.1", "other service");
	mkfile("c.log.1a", "not rotated");
	mkfile("c.log.", "not rotated");
	n = logger_file_clear("c");
	check(n == 5, "clear: 2 files emptied and 3 rotated ones removed (%d)",
	    n);
	check(same(content("c.log"), "") && f->size == 0 &&
	    same(content("c.err.log"), ""), "clear: c.log and c.err.log stay, "
	    "empty");
	check(!exists("c.log.1") && !exists("c.log.12") &&
	    !exists("c.err.log.3"), "clear: the rotated files are gone");
	check(exists("cc.log.1") && exists("c.log.1a") && exists("c.log."),
	    "clear: another service's files and other names stay");
	check(put(f, "x\n") == 0 && same(content("c.log"), "x\n"),
	    "clear: the stream writes on from the start of the file");
	logger_file_put(f);
}

static void
t_symlink(void)
{
	struct logger_file	*f;
	int			 rv;

	mkfile("target", "secret\n");
	if (symlinkat("target", dirfd_, "l.log") == -1) {
		perror("symlinkat");
		exit(2);
	}
	f = logger_file_get("l.log");
	errno = 0;
	rv = logger_file_open(f);
	check(rv == -1 && errno == ELOOP && same(content("target"),
	    "secret\n"), "open: a symbolic link is not followed (%s)",
	    strerror(errno));
	logger_file_put(f);
}

/* Remove the test directory (one level, plus q.log.1 if left). */
static void
cleanup(void)
{
	struct dirent	*de;
	DIR		*d;
	int		 fd;

	if ((fd = dup(dirfd_)) == -1 || (d = fdopendir(fd)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd_, de->d_name, 0) == -1)
			(void)unlinkat(dirfd_, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
	(void)rmdir(tmpdir);
}

int
main(void)
{
	log_init(1, LOG_DAEMON);
	log_procinit("logger");
	umask(022);
	if (mkdtemp(tmpdir) == NULL ||
	    (dirfd_ = open(tmpdir, O_RDONLY | O_DIRECTORY)) == -1) {
		perror(tmpdir);
		return (2);
	}
	logger_file_setdir(dup(dirfd_));

	t_path();
	t_share_open();
	t_rotate();
	t_rotate_fails();
	t_undo();
	t_reopen();
	t_clear();
	t_symlink();

	cleanup();
	if (nfail)
		printf("%d check(s) failed\n", nfail);
	return (nfail ? 1 : 0);
}
