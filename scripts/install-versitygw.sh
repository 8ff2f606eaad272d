#!/bin/sh
# Installs versitygw, the S3-compatible server the storage tests and the S3
# benchmark run against, into $(go env GOPATH)/bin when it is not there yet.
# Needs only Go. Usage: scripts/install-versitygw.sh
set -eu

VERSION=v1.8.0
GOBIN_DIR="$(go env GOPATH)/bin"

if command -v versitygw >/dev/null 2>&1 || [ -x "$GOBIN_DIR/versitygw" ]; then
	exit 0
fi
echo "installing versitygw $VERSION into $GOBIN_DIR" >&2
# GOFLAGS is cleared so that a project-wide -mod or -buildvcs setting cannot
# get in the way of installing a module from outside the project.
GOFLAGS= go install "github.com/versity/versitygw/cmd/versitygw@$VERSION"
