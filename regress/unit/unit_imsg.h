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

#ifndef UNIT_IMSG_H
#define UNIT_IMSG_H

/* Helpers shared by the imsg unit tests (unit_imsg.c). */

#include "unit.h"

struct imsg;
struct imsgbuf;

#define PIPE_EOF	0	/* every write end is closed */
#define PIPE_OPEN	1	/* some write end is still open */
#define PIPE_ERR	2

void	 setnonblock(int);
void	 mksockpair(int [2]);
void	 mkpipe(int [2]);
void	 raw_send(int, const void *, size_t, int);
void	 raw_sendfds(int, const void *, size_t, const int *, int);
void	 raw_hdr(unsigned char *, uint32_t, uint32_t, uint32_t);
int	 pipe_state(int);
int	 getmsg(struct imsgbuf *, struct imsg *);
int	 fd_reaches(int, int, const char *);

#endif /* UNIT_IMSG_H */
