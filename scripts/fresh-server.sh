# Sourced by the scripts that test a fresh `runlocalai serve` on loopback (attack.sh, api-fuzz.sh): the binary
# (BIN, or a release build), a free port, a temporary data folder. Sets BIN, PORT, DATA and BASE.
if [[ -z "${BIN:-}" ]]; then
  nice -n 19 swift build -c release --product runlocalai >/tmp/runlocalai-release-build.log 2>&1 \
    || { tail -30 /tmp/runlocalai-release-build.log >&2; echo "release build failed" >&2; exit 1; }
  BIN="$(swift build -c release --show-bin-path)/runlocalai"
fi
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
DATA="$(mktemp -d)"
BASE="http://127.0.0.1:$PORT"
