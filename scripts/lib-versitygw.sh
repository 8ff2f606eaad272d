# Sourced by the bench scripts (bash): start_versitygw DIR starts versitygw
# on a free loopback port, serving the buckets that are folders of DIR,
# with its log in DIR.log; it sets $endpoint and $vgw_pid (the caller
# kills it on exit) and exports the bench credentials as the only ones
# the AWS chain will find.
start_versitygw() {
	local root=$1 vgw=${VGW:-$(command -v versitygw || echo "$(go env GOPATH)/bin/versitygw")}
	local port=17070
	while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
	endpoint="http://127.0.0.1:$port"
	ROOT_ACCESS_KEY=bench-access ROOT_SECRET_KEY=bench-secret-key \
		"$vgw" --port "127.0.0.1:$port" --quiet posix "$root" >"$root.log" 2>&1 &
	vgw_pid=$!
	for _ in $(seq 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
	export AWS_ACCESS_KEY_ID=bench-access AWS_SECRET_ACCESS_KEY=bench-secret-key
	export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
	export AWS_CONFIG_FILE=/dev/null/none AWS_SHARED_CREDENTIALS_FILE=/dev/null/none
	unset AWS_PROFILE AWS_SESSION_TOKEN
}
