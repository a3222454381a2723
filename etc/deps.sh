#!/bin/sh
# Install the Debian packages vigil needs to build and test, but only the
# missing ones.  Does nothing (and needs no network) when all are present.
set -eu

# One package (or a few of one purpose) a line.
PKGS="build-essential pkg-config"
PKGS="$PKGS libevent-dev libbsd-dev libyaml-dev"	# the libraries
PKGS="$PKGS libnghttp2-dev"				# grpc: health checks (HTTP/2)
PKGS="$PKGS clang libclang-rt-dev"			# fuzzing, sanitizers
PKGS="$PKGS mandoc"					# man page lint
PKGS="$PKGS procps util-linux netcat-openbsd python3 curl"	# tests
PKGS="$PKGS chromium"					# the web console's browser test
PKGS="$PKGS bash-completion zsh"			# the completion test
PKGS="$PKGS debhelper lintian"				# make deb and its test
PKGS="$PKGS supervisor"					# supervisorctl comparison test (regress/e2e/ctl_supervisorctl.sh)
PKGS="$PKGS python3-grpcio"				# tests: a real gRPC server
PKGS="$PKGS ansible"					# a real Ansible run of community.general.supervisorctl (regress/e2e/ctl_ansible.sh)

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO=sudo
	else
		echo "deps: missing packages:$missing; run this script as root" >&2
		exit 1
	fi
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
# shellcheck disable=SC2086
$SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $missing
