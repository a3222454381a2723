/*
 * Unit tests for compat_openat_beneath() (common/compat_linux.c): from a
 * held directory, nothing above it is reached: "..", an absolute path, a
 * symlink out, a /proc magic link.  What is below opens.
 */

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compat.h"
#include "proc.h"
#include "unit.h"

static int
refused(int dirfd, const char *path)
{
	int	 fd;

	if ((fd = compat_openat_beneath(dirfd, path, O_RDONLY, 0)) != -1) {
		close(fd);
		return (0);
	}
	return (1);
}

int
main(void)
{
	char	 tmpl[] = "/tmp/vigil-beneath.XXXXXX", path[256];
	int	 dfd, pfd, fd;

	if (mkdtemp(tmpl) == NULL) {
		perror("mkdtemp");
		return (1);
	}
	snprintf(path, sizeof(path), "%s/sub", tmpl);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sub/file", tmpl);
	if ((fd = open(path, O_WRONLY | O_CREAT, 0644)) != -1)
		close(fd);
	snprintf(path, sizeof(path), "%s/sub/out", tmpl);
	(void)symlink("/etc/passwd", path);
	snprintf(path, sizeof(path), "%s/sub", tmpl);
	dfd = open(path, O_RDONLY | O_DIRECTORY);
	check(dfd != -1, "the test directory opens");

	fd = compat_openat_beneath(dfd, "file", O_RDONLY, 0);
	check(fd != -1, "a file below opens");
	if (fd != -1)
		close(fd);
	check(refused(dfd, "../sub/file"), "\"..\" is refused");
	check(refused(dfd, "../../../../etc/passwd"), "\"../..\" is refused");
	check(refused(dfd, "/etc/passwd"), "an absolute path is refused");
	check(refused(dfd, "out"), "a symlink out is refused");

	pfd = open("/proc", O_RDONLY | O_DIRECTORY);
	check(pfd != -1, "/proc opens");
	fd = compat_openat_beneath(pfd, "1/stat", O_RDONLY, 0);
	check(fd != -1, "/proc/1/stat opens below /proc");
	if (fd != -1)
		close(fd);
	check(refused(pfd, "../etc/passwd"), "/proc/../etc/passwd is refused");
	check(refused(pfd, "self/root/etc/passwd"),
	    "the magic link /proc/self/root is refused");
	check(refused(pfd, "self/cwd/x"), "the magic link /proc/self/cwd is "
	    "refused");

	snprintf(path, sizeof(path), "%s/sub/out", tmpl);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub/file", tmpl);
	unlink(path);
	snprintf(path, sizeof(path), "%s/sub", tmpl);
	rmdir(path);
	rmdir(tmpl);
	return (nfail != 0);
}
