#!/usr/bin/env bash
# Stops the Dovecot, Postfix and CRL web server started by start.sh from DIR (by their pid
# files only; nothing else is touched). Mail, users and TLS material stay.
#
#   tests/mailstack/stop.sh DIR
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || die "usage: $0 DIR"
[ -d "$1" ] || { echo "mailstack: $1 does not exist, nothing to stop"; exit 0; }
DIR="$(cd "$1" && pwd -P)"

# stop_pid PIDFILE NAME: TERM, wait up to 10 s, then KILL.
stop_pid() {
  local pidfile=$1 name=$2 pid i
  pid_alive "$pidfile" "$name" || return 0
  pid=$(tr -dc '0-9' < "$pidfile")
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 200); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.05
  done
  echo "mailstack: $name ($pid) still running after 10 s, sending KILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

# Postfix's master stops its children on TERM; Dovecot's master too.
stop_pid "$DIR/postfix-queue/pid/master.pid" "master"
stop_pid "$DIR/dovecot/run/master.pid" "dovecot"
stop_pid "$DIR/crl-http.pid" "http.server"
rm -f "$DIR/crl-http.pid"

rm -f "$DIR/mailstack.env"
# Short socket folders outside DIR (long DIR paths) go with the stack.
for link in "$DIR/dovecot/run" "$DIR/postfix-queue"; do
  if [ -L "$link" ]; then
    target=$(readlink "$link")
    case "$target" in /run/mailstack-*/*) rm -rf "$(dirname "$target")" ;; esac
    rm -f "$link"
  fi
done
echo "mailstack: stopped $DIR"
