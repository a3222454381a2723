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
 * The decoder of what a control client sends: the one place where bytes
 * from an untrusted local user become requests.  Pure: no I/O, so the
 * fuzzer (regress/fuzz/fuzz_ctl.c) drives it directly.
 */

#include <sys/types.h>

#include <signal.h>
#include <string.h>

#include "compat.h"
#include "ctl_proto.h"
#include "msg.h"

static const char *ctl_cmd_names[CTL_CMD_MAX] = {
	"none", "status", "start", "stop", "restart", "signal", "pid",
	"reload", "reread", "add", "remove", "info", "shutdown", "version",
	"tail", "logs", NULL, "reopen", "clear", "upgrade", "maintail"
};

const char *
ctl_cmd_name(uint32_t cmd)
{
	if (cmd >= CTL_CMD_MAX || ctl_cmd_names[cmd] == NULL)
		return ("?");
	return (ctl_cmd_names[cmd]);
}

int
ctl_target_ok(const struct ctl_target *t)
{
	size_t	 i;

	if (!MSG_STR_OK(t->name) || t->name[0] == '\0')
		return (0);
	for (i = 0; t->name[i] != '\0'; i++)
		if (t->name[i] <= ' ' || t->name[i] >= 0x7f)
			return (0);
	return (1);
}

int
ctl_request_ok(const struct ctl_request *req, const char **why)
{
	size_t	 i;

	if (req->cmd == CTL_CMD_NONE || req->cmd >= CTL_CMD_MAX ||
	    ctl_cmd_names[req->cmd] == NULL) {
		*why = "unknown command";
		return (0);
	}
	if (req->flags & ~CTL_F_ALL) {
		*why = "unknown flags";
		return (0);
	}
	if (req->timeout_ms > CTL_TIMEOUT_MAX_MS) {
		*why = "timeout out of range";
		return (0);
	}
	if (req->signo < 0 || req->signo >= NSIG) {
		*why = "bad signal number";
		return (0);
	}
	if (!MSG_STR_OK(req->arg)) {
		*why = "argument not terminated";
		return (0);
	}
	for (i = 0; req->arg[i] != '\0'; i++) {
		if ((unsigned char)req->arg[i] < ' ' ||
		    (unsigned char)req->arg[i] >= 0x7f) {
			*why = "argument not printable";
			return (0);
		}
	}
	return (1);
}

int
ctl_client_decode(struct ctl_cstate *cs, struct imsg *imsg,
    union ctl_cmsg *m, const char **why)
{
	memset(m, 0, sizeof(*m));
	switch (imsg->hdr.type) {
	case IMSG_CTL_HELLO:
		if (cs->hello) {
			*why = "second HELLO";
			return (-1);
		}
		if (imsg->hdr.flags != 0 ||
		    imsg_get_data(imsg, &m->hello, sizeof(m->hello)) == -1) {
			*why = "bad HELLO size";
			return (-1);
		}
		if (!MSG_STR_OK(m->hello.vigil_version)) {
			*why = "HELLO version not terminated";
			return (-1);
		}
		if (m->hello.version == CTL_PROTO_VERSION)
			cs->hello = 1;
		return (IMSG_CTL_HELLO);
	case IMSG_CTL_TARGET:
		if (!cs->hello || cs->busy) {
			*why = cs->hello ? "TARGET while busy" :
			    "TARGET before HELLO";
			return (-1);
		}
		if (imsg->hdr.flags != 0 ||
		    imsg_get_data(imsg, &m->target, sizeof(m->target)) == -1) {
			*why = "bad TARGET size";
			return (-1);
		}
		if (!ctl_target_ok(&m->target)) {
			*why = "bad TARGET name";
			return (-1);
		}
		if (cs->ntargets >= CTL_MAXTARGETS) {
			*why = "too many TARGETs";
			return (-1);
		}
		cs->ntargets++;
		return (IMSG_CTL_TARGET);
	case IMSG_CTL_REQUEST:
		if (!cs->hello || cs->busy) {
			*why = cs->hello ? "REQUEST while busy" :
			    "REQUEST before HELLO";
			return (-1);
		}
		if (imsg->hdr.flags != 0 ||
		    imsg_get_data(imsg, &m->req, sizeof(m->req)) == -1) {
			*why = "bad REQUEST size";
			return (-1);
		}
		if (!ctl_request_ok(&m->req, why))
			return (-1);
		m->req.ntargets = cs->ntargets;
		m->req.uid = m->req.gid = (uint32_t)-1;
		m->req.pid = -1;
		cs->ntargets = 0;
		cs->busy = 1;
		return (IMSG_CTL_REQUEST);
	default:
		*why = "unexpected message type";
		return (-1);
	}
}
