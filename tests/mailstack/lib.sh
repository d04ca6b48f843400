# Helpers shared by the mail stack scripts (sourced, not run).

MAILSTACK_PACKAGES="dovecot-imapd dovecot-lmtpd dovecot-managesieved dovecot-sieve dovecot-sqlite postfix openssl python3"

# Debian's own interpreter (installed with the packages), whatever PATH says.
PY=/usr/bin/python3

die() {
  echo "mailstack: ERROR: $*" >&2
  exit 1
}

# Installs the Debian packages the stack needs, when one is missing.
ensure_packages() {
  local missing="" p
  for p in $MAILSTACK_PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing="$missing $p"
    fi
  done
  [ -z "$missing" ] && return 0
  echo "mailstack: installing$missing" >&2
  if ! { apt-get update -qq >&2 &&
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2; }; then
    die "could not install$missing. Fix with:
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $MAILSTACK_PACKAGES"
  fi
  # The packages' own services are not used (and may be refused here).
}

# free_ports N M: prints N free TCP ports on 127.0.0.1 then M on 127.0.0.2,
# all different, on one line. The kernel picks them (bind to port 0).
free_ports() {
  "$PY" - "$1" "$2" <<'PY'
import socket, sys
n, m = int(sys.argv[1]), int(sys.argv[2])
held, ports = [], []
for host, count in (("127.0.0.1", n), ("127.0.0.2", m)):
    got = 0
    while got < count:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((host, 0))
        p = s.getsockname()[1]
        held.append(s)
        if p in ports:
            continue
        ports.append(p)
        got += 1
print(" ".join(map(str, ports)))
for s in held:
    s.close()
PY
}

# render TEMPLATE OUT: replaces every @NAME@ with the value of the shell
# variable NAME (which must be set).
render() {
  local names name
  names=$(grep -o '@[A-Z][A-Z0-9_]*@' "$1" | sort -u | tr -d '@') || true
  for name in $names; do
    [ -n "${!name+x}" ] || die "template $1 uses @$name@, which is not set"
    export "${name?}"
  done
  perl -pe 's/@([A-Z][A-Z0-9_]*)@/$ENV{$1}/ge' "$1" > "$2.tmp"
  mv "$2.tmp" "$2"
}

# wait_ports SECONDS HOST:PORT...: waits until each port accepts a connection.
wait_ports() {
  "$PY" - "$@" <<'PY'
import socket, sys, time
deadline = time.monotonic() + float(sys.argv[1])
pending = list(sys.argv[2:])
while pending and time.monotonic() < deadline:
    still = []
    for hp in pending:
        host, port = hp.rsplit(":", 1)
        try:
            socket.create_connection((host, int(port)), timeout=1).close()
        except OSError:
            still.append(hp)
    pending = still
    if pending:
        time.sleep(0.05)
if pending:
    print("mailstack: not answering: " + " ".join(pending), file=sys.stderr)
    sys.exit(1)
PY
}

# pid_alive PIDFILE NAME: true when the pid file names a live process whose
# command line contains NAME.
pid_alive() {
  local pid
  [ -s "$1" ] || return 1
  pid=$(tr -dc '0-9' < "$1")
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "$2"
}
