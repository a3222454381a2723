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
 * vigilctl's supervisorctl name: the socket of a supervisord
 * configuration (-c), and the argument line split again.  The input is
 * the file; its lines are also the arguments.
 */

#include <sys/types.h>
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vigilctl_supconf.h"

#define FUZZ_MAXARGS	64

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 path[64], *buf, *argv[FUZZ_MAXARGS], *p, **nv;
	int	 fd, argc = 0, n;

	if ((fd = memfd_create("supconf", 0)) == -1)
		return (0);
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		(void)vctl_sup_conf_socket(path);
	}
	close(fd);

	if ((buf = malloc(size + 1)) == NULL)
		return (0);
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (p = buf; argc < FUZZ_MAXARGS && p != NULL; argc++)
		argv[argc] = strsep(&p, "\n");
	nv = vctl_sup_resplit(argc, argv, &n);
	free(nv);
	free(buf);
	return (0);
}
