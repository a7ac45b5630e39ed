# Sourced by buildspec.yml (bash). Exports the CodeBuild service role's
# temporary credentials as AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
# AWS_SESSION_TOKEN, so that `dagger call --aws-… env:AWS_…` can hand them to
# the module as secrets. The Dagger CLI cannot reach the container credentials
# endpoint from inside its engine, hence this step on the build host.
#
# Nothing here prints a credential: tracing is switched off, the endpoint's
# answer stays in a shell variable, and every message names only what failed.
# AWS_CONTAINER_CREDENTIALS_HOST replaces the link-local endpoint host (tests).

set +x

__ecsbg_fail() {
	printf 'container-credentials: %s\n' "$1" >&2
	unset __ecsbg_doc
	return 1
}

if [ -z "${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI:-}" ]; then
	__ecsbg_fail "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is not set: run inside CodeBuild with a service role" || return 1
fi
for __ecsbg_tool in curl jq; do
	command -v "$__ecsbg_tool" >/dev/null 2>&1 || { __ecsbg_fail "$__ecsbg_tool is required" || return 1; }
done
unset __ecsbg_tool

if ! __ecsbg_doc="$(curl -fsS --max-time 10 --retry 3 --retry-delay 1 \
	"http://${AWS_CONTAINER_CREDENTIALS_HOST:-169.254.170.2}${AWS_CONTAINER_CREDENTIALS_RELATIVE_URI}" 2>/dev/null)"; then
	__ecsbg_fail "the container credentials endpoint did not answer" || return 1
fi

# jq -e fails on a missing or null field; its output goes only into variables.
if ! AWS_ACCESS_KEY_ID="$(printf '%s' "$__ecsbg_doc" | jq -er '.AccessKeyId' 2>/dev/null)" ||
	! AWS_SECRET_ACCESS_KEY="$(printf '%s' "$__ecsbg_doc" | jq -er '.SecretAccessKey' 2>/dev/null)" ||
	! AWS_SESSION_TOKEN="$(printf '%s' "$__ecsbg_doc" | jq -er '.Token' 2>/dev/null)"; then
	unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
	__ecsbg_fail "the credentials endpoint answered without AccessKeyId, SecretAccessKey and Token" || return 1
fi
unset __ecsbg_doc
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
unset -f __ecsbg_fail
