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
 * What the HTTP API makes of the network's bytes before anything else
 * sees them: the route of a request line (method, URI) and the bearer
 * token of an Authorization header; and the token file's contents.  No
 * I/O here: control/control_http.c, parent/parent_http.c and the fuzzer
 * (regress/fuzz/fuzz_http_api.c) share it.
 */

#ifndef VIGIL_CONTROL_HTTP_ROUTE_H
#define VIGIL_CONTROL_HTTP_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "msg_ctl.h"

#define CTL_HTTP_URIMAX		1024	/* longer: 404 */
#define CTL_HTTP_LOGLINES	100	/* GET .../log: lines by default */

enum control_http_kind {
	CTL_HTTP_NONE = 0,		/* no such resource: 404 */
	CTL_HTTP_INDEX,			/* GET / */
	CTL_HTTP_SERVICES,		/* GET /api/v1/services */
	CTL_HTTP_SERVICE,		/* GET /api/v1/services/NAME */
	CTL_HTTP_ACTION,		/* POST /api/v1/services/NAME/ACTION */
	CTL_HTTP_RELOAD,		/* POST /api/v1/reload */
	CTL_HTTP_EVENTS,		/* GET /api/v1/events */
	CTL_HTTP_METRICS,		/* GET /metrics */
	CTL_HTTP_INFO,			/* GET /api/v1/services/NAME/info */
	CTL_HTTP_LOG,			/* GET /api/v1/services/NAME/log */
	CTL_HTTP_PAGE,			/* GET /service/NAME: the console */
	CTL_HTTP_ASSET			/* GET /console.js, /console.css */
};

enum control_http_asset {
	CTL_HTTP_ASSET_JS = 1,
	CTL_HTTP_ASSET_CSS
};

struct control_http_route {
	enum control_http_kind	 kind;
	int			 status;	/* 0: go on; else 400, 404,
						   405 */
	const char		*allow;		/* 405: the methods allowed */
	uint32_t		 cmd;		/* ACTION: CTL_CMD_START... */
	int			 post;		/* needs the token (POST, log) */
	int			 wait;		/* ?wait=1 */
	int			 signo;		/* signal: ?signal=; 0: the
						   service's reload_signal */
	uint32_t		 lines;		/* log: ?lines= */
	int			 err;		/* log: ?stream=stderr */
	int			 follow;	/* log: ?follow=1 */
	int			 asset;		/* ASSET: CTL_HTTP_ASSET_* */
	char			 name[CTL_TARGETMAX];	/* "web", "web:2" */
	char			 path[CTL_HTTP_PATHMAX];	/* canonical */
};

/*
 * Route a request: method "GET", "HEAD", "POST", ... and the URI as
 * sent (path, maybe a query).  Always fills r; r->status tells whether
 * to go on.  A NAME that is not a valid service or instance name is 404
 * (globs are not accepted here, and `all' only for an action); a query
 * parameter with a bad value is 400.
 */
void	control_http_route(const char *, const char *, struct control_http_route *);

/*
 * 1 if the Authorization header value (NULL: none) is "Bearer TOKEN"
 * with this token, in time independent of where they differ.
 */
int	control_http_bearer_ok(const char *, const char *);

#endif /* VIGIL_CONTROL_HTTP_ROUTE_H */
