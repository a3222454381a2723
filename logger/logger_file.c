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
 * Log files, relative to log_dir (a directory fd: "/" of the chroot).
 * A file object is shared by every stream that writes that path (an
 * instance being drained and its successor with the same name).
 * Rotation is rename and reopen, never copy-and-truncate:
 *	NAME.log.(keep-1) -> NAME.log.keep, ..., NAME.log -> NAME.log.1
 * and a new NAME.log; keep 0 just removes the old file.  A rotation that
 * fails is logged and retried later; writing goes on meanwhile.
 */

#include <sys/types.h>
#include <sys/queue.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "logger.h"
#include "proc.h"

#define FILE_MODE		0640
#define FILE_RETRY_SEC		10

static TAILQ_HEAD(, logger_file) file_list = TAILQ_HEAD_INITIALIZER(file_list);
static int			 file_dirfd = -1;

void
logger_file_setdir(int fd)
{
	if (file_dirfd != -1)
		close(file_dirfd);
	file_dirfd = fd;
	logger_file_reopen_all();
}

int
logger_file_dirfd(void)
{
	return (file_dirfd);
}

/* open(2) in log_dir, for readers (tail) and writers alike. */
int
logger_file_openat(const char *path, int flags)
{
	if (file_dirfd == -1) {
		errno = EBADF;
		return (-1);
	}
	/* Beneath log_dir only: no "..", no symlink out. */
	return (compat_openat_beneath(file_dirfd, path, flags | O_NOFOLLOW,
	    FILE_MODE));
}

/* The file of an instance's stream: "web:2" -> "web-2.log", "web-2.err.log". */
void
logger_path(const char *id, int err, char *buf, size_t len)
{
	char	 base[VIGIL_IDNAMEMAX], *p;

	strlcpy(base, id, sizeof(base));
	if ((p = strchr(base, ':')) != NULL)
		*p = '-';
	snprintf(buf, len, "%s%s.log", base, err ? ".err" : "");
}

int
logger_file_statat(const char *path, struct stat *sb)
{
	if (file_dirfd == -1) {
		errno = EBADF;
		return (-1);
	}
	return (fstatat(file_dirfd, path, sb, AT_SYMLINK_NOFOLLOW));
}

struct logger_file *
logger_file_get(const char *path)
{
	struct logger_file	*f;

	TAILQ_FOREACH(f, &file_list, entry) {
		if (strcmp(f->path, path) == 0) {
			f->refs++;
			return (f);
		}
	}
	if ((f = calloc(1, sizeof(*f))) == NULL)
		fatal(NULL);
	if (strlcpy(f->path, path, sizeof(f->path)) >= sizeof(f->path))
		fatalx("%s: path too long", __func__);
	f->fd = -1;
	f->refs = 1;
	TAILQ_INSERT_TAIL(&file_list, f, entry);
	return (f);
}

void
logger_file_put(struct logger_file *f)
{
	if (f == NULL || --f->refs > 0)
		return;
	if (f->fd != -1)
		close(f->fd);
	TAILQ_REMOVE(&file_list, f, entry);
	free(f);
}

int
logger_file_open(struct logger_file *f)
{
	struct stat	 sb;

	if (f->fd != -1)
		return (0);
	if ((f->fd = logger_file_openat(f->path, O_WRONLY | O_APPEND |
	    O_CREAT)) == -1) {
		log_warn("%s", f->path);
		return (-1);
	}
	if (fstat(f->fd, &sb) == -1) {
		log_warn("%s: fstat", f->path);
		close(f->fd);
		f->fd = -1;
		return (-1);
	}
	f->size = sb.st_size;
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	return (0);
}

static void
file_close(struct logger_file *f)
{
	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
}

static int
file_rename(const char *from, const char *to)
{
	if (renameat(file_dirfd, from, file_dirfd, to) == -1 &&
	    errno != ENOENT) {
		log_warn("rotate: rename %s to %s", from, to);
		return (-1);
	}
	return (0);
}

/* 0: rotated (f is open on a new, empty file), -1: not now. */
int
logger_file_rotate(struct logger_file *f, unsigned int keep)
{
	char		 from[LOGGER_PATHMAX + 16], to[LOGGER_PATHMAX + 16];
	unsigned int	 i;
	time_t		 now = time(NULL);

	if (f->rotate_failed != 0 && now - f->rotate_failed < FILE_RETRY_SEC &&
	    now >= f->rotate_failed)
		return (-1);
	f->rotate_failed = 0;
	if (keep == 0) {
		if (unlinkat(file_dirfd, f->path, 0) == -1 && errno != ENOENT) {
			log_warn("rotate: remove %s", f->path);
			goto fail;
		}
	} else {
		snprintf(to, sizeof(to), "%s.%u", f->path, keep);
		if (unlinkat(file_dirfd, to, 0) == -1 && errno != ENOENT) {
			log_warn("rotate: remove %s", to);
			goto fail;
		}
		for (i = keep - 1; i >= 1; i--) {
			snprintf(from, sizeof(from), "%s.%u", f->path, i);
			snprintf(to, sizeof(to), "%s.%u", f->path, i + 1);
			if (file_rename(from, to) == -1)
				goto fail;
		}
		snprintf(to, sizeof(to), "%s.1", f->path);
		if (file_rename(f->path, to) == -1)
			goto fail;
	}
	file_close(f);
	if (logger_file_open(f) == -1)
		goto fail;
	log_debug("rotated %s", f->path);
	return (0);
 fail:
	f->rotate_failed = now;
	return (-1);
}

/* IMSG_REOPEN: logrotate or newsyslog moved the files away. */
void
logger_file_reopen_all(void)
{
	struct logger_file	*f;

	TAILQ_FOREACH(f, &file_list, entry) {
		if (f->fd == -1)
			continue;
		file_close(f);
		(void)logger_file_open(f);
	}
}

/*
 * Cut a file back to where a write that was killed half-way started, if
 * it is still the file that write went to.
 */
void
logger_file_undo(struct logger_file *f, uint64_t dev, uint64_t ino,
    uint64_t off)
{
	struct stat	 sb;

	if (logger_file_open(f) == -1 || fstat(f->fd, &sb) == -1)
		return;
	if ((uint64_t)sb.st_dev != dev || (uint64_t)sb.st_ino != ino ||
	    (uint64_t)sb.st_size <= off)
		return;
	log_debug("%s: cutting an interrupted write (%llu bytes)", f->path,
	    (unsigned long long)(sb.st_size - off));
	if (ftruncate(f->fd, off) == -1) {
		log_warn("%s: ftruncate", f->path);
		return;
	}
	f->size = off;
}

/* NAME.log.N or NAME.err.log.N: a rotated file of base. */
static int
file_is_rotated(const char *name, const char *base)
{
	size_t		 n = strlen(base);
	const char	*p;

	if (strncmp(name, base, n) != 0)
		return (0);
	p = name + n;
	if (strncmp(p, ".err", 4) == 0)
		p += 4;
	if (strncmp(p, ".log.", 5) != 0)
		return (0);
	p += 5;
	if (*p == '\0')
		return (0);
	for (; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return (0);
	return (1);
}

/*
 * vigilctl clear: empty base.log and base.err.log (truncate: the files
 * stay, every stream keeps writing to them) and remove their rotated
 * files.  Returns the number of files touched, or -1.
 */
int
logger_file_clear(const char *base)
{
	struct logger_file	*f;
	struct dirent		*de;
	DIR			*d;
	char			 path[LOGGER_PATHMAX];
	int			 i, fd, dfd, n = 0;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s%s.log", base,
		    i == 0 ? "" : ".err");
		TAILQ_FOREACH(f, &file_list, entry)
			if (strcmp(f->path, path) == 0)
				break;
		if (f != NULL && f->fd != -1) {
			if (ftruncate(f->fd, 0) == -1) {
				log_warn("clear %s", path);
				return (-1);
			}
			f->size = 0;
			n++;
			continue;
		}
		if ((fd = logger_file_openat(path, O_WRONLY | O_TRUNC)) == -1) {
			if (errno == ENOENT)
				continue;
			log_warn("clear %s", path);
			return (-1);
		}
		close(fd);
		n++;
	}

	if ((dfd = openat(file_dirfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || (d = fdopendir(dfd)) == NULL) {
		log_warn("clear: log_dir");
		if (dfd != -1)
			close(dfd);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (!file_is_rotated(de->d_name, base))
			continue;
		if (unlinkat(file_dirfd, de->d_name, 0) == -1)
			log_warn("clear: remove %s", de->d_name);
		else
			n++;
	}
	closedir(d);
	return (n);
}
