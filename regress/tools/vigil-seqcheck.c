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
 * vigil-seqcheck: did every numbered line arrive exactly once, in order?
 *
 *	vigil-seqcheck [-st] count file ...
 *
 * Reads the files in the order given (oldest rotated file first), takes
 * the number that starts each line (after the timestamp with -t: the
 * first 30 bytes), and prints
 *	lines L first F missing M duplicate D reordered R bad B
 * Exit 0 when every number 0 .. count-1 (with -s: from the first one
 * seen, for rotated logs that lost their oldest files) was seen exactly
 * once, in order, and nothing else; 1 otherwise.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TSLEN	30

int
main(int argc, char *argv[])
{
	unsigned char	*seen;
	unsigned long	 count, v, lines = 0, missing = 0, dup = 0;
	unsigned long	 reordered = 0, bad = 0, next = 0, i, first = 0;
	char		*line = NULL, *p;
	size_t		 cap = 0;
	ssize_t		 len;
	FILE		*fp;
	int		 ch, ts = 0, f, anystart = 0;

	while ((ch = getopt(argc, argv, "st")) != -1) {
		switch (ch) {
		case 's':
			anystart = 1;
			break;
		case 't':
			ts = 1;
			break;
		default:
			goto usage;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		goto usage;
	count = strtoul(argv[0], NULL, 10);
	if ((seen = calloc(count + 1, 1)) == NULL) {
		perror("calloc");
		return (2);
	}
	for (f = 1; f < argc; f++) {
		if ((fp = fopen(argv[f], "r")) == NULL) {
			perror(argv[f]);
			return (2);
		}
		while ((len = getline(&line, &cap, fp)) != -1) {
			lines++;
			p = line;
			if (ts) {
				if (len < TSLEN || line[TSLEN - 1] != ' ') {
					bad++;
					continue;
				}
				p += TSLEN;
			}
			if (!isdigit((unsigned char)*p)) {
				bad++;
				continue;
			}
			v = strtoul(p, &p, 10);
			if ((*p != '\n' && *p != ' ' && *p != '\0') ||
			    v >= count) {
				bad++;
				continue;
			}
			if (anystart && lines == 1)
				first = next = v;
			if (seen[v] < 255)
				seen[v]++;
			if (v != next)
				reordered++;
			next = v + 1;
		}
		fclose(fp);
	}
	for (i = first; i < count; i++) {
		if (seen[i] == 0)
			missing++;
		else if (seen[i] > 1)
			dup += seen[i] - 1;
	}
	free(line);
	free(seen);
	printf("lines %lu first %lu missing %lu duplicate %lu reordered %lu "
	    "bad %lu\n", lines, first, missing, dup, reordered, bad);
	return (lines == count - first && missing == 0 && dup == 0 &&
	    reordered == 0 && bad == 0 ? 0 : 1);
 usage:
	fprintf(stderr, "usage: vigil-seqcheck [-st] count file ...\n");
	return (2);
}
