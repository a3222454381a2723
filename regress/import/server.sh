#!/bin/sh
# A stand-in service for the import samples: prints its arguments and
# environment, then waits to be stopped.
echo "server.sh $* NODE_ENV=${NODE_ENV:-} PORT=${PORT:-}"
trap 'exit 0' INT TERM
while :; do
	sleep 1
done
