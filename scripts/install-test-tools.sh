#!/usr/bin/env bash
# Installs what the tests need that Go can install (versitygw, the real
# S3-compatible server the storage tests start), and the npm packages of
# test/node when npm is present. Debian packages are installed by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x scripts/install-versitygw.sh ]; then
	scripts/install-versitygw.sh
fi
if [ -f test/node/package.json ] && command -v npm >/dev/null 2>&1; then
	# The package itself, not the folder: an empty or half-filled
	# node_modules (an interrupted install) installs again.
	if [ ! -f test/node/node_modules/podcast-partytime/package.json ] || [ test/node/package-lock.json -nt test/node/node_modules ]; then
		(cd test/node && npm ci --no-audit --no-fund --loglevel=error)
	fi
fi
