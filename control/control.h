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

/* vigild: control -- what its files share. */

#ifndef VIGIL_CONTROL_H
#define VIGIL_CONTROL_H

#include <sys/types.h>

#include <stdint.h>

/* control/control.c: how many control socket clients may be served */
unsigned int	control_clients_max(void);

/* control/control_linux.c: the pid of a unix socket's peer (SO_PEERCRED) */
int	control_peer_pid(int, pid_t *);

/* control/control_logs.c: skip log lines for a client too slow to read */
struct imsg;
struct imsgev;
int	control_logs_skip(struct imsgev *, struct imsg *, uint64_t *);

/* control/control_http.c: the HTTP API */
int	control_http_setup(struct imsg *);	/* IMSG_CTL_HTTP */
int	control_http_event(struct imsg *);	/* IMSG_CTL_EVENT */
void	control_http_answer(struct imsg *);	/* peerid & CTL_HTTP_PEERBIT */

#endif /* VIGIL_CONTROL_H */
