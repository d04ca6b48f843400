#!/usr/bin/env bash
# Starts a private MSSanté-like mail stack (Dovecot + Postfix) on loopback ports.
#
#   tests/mailstack/start.sh DIR
#
# Everything (configuration, TLS material, mail, queue, logs, pid files) lives
# under DIR. Run as root. When it returns 0, every port answers and
# DIR/mailstack.env describes the stack (see README.md beside this file).
# Stop it with tests/mailstack/stop.sh DIR.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ $# -eq 1 ] || die "usage: $0 DIR"
[ "$(id -u)" -eq 0 ] || die "must run as root (Dovecot and Postfix are started as root and drop privileges)"

T0=$(date +%s.%N)

# ---------------------------------------------------------------- packages
ensure_packages

# ---------------------------------------------------------------- folders
mkdir -p "$1"
DIR="$(cd "$1" && pwd -P)"
ENV_FILE="$DIR/mailstack.env"

# A stack already running from DIR is stopped first (data, users and TLS
# material are kept; ports are picked anew).
if [ -f "$ENV_FILE" ] || [ -f "$DIR/dovecot/run/master.pid" ] || [ -d "$DIR/postfix-queue/pid" ]; then
  "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
fi
rm -f "$ENV_FILE"

MAIL_USER=nobody
MAIL_GROUP="$(id -gn nobody 2>/dev/null || echo nogroup)"
MAIL_UID="$(id -u "$MAIL_USER")"
MAIL_GID="$(getent group "$MAIL_GROUP" | cut -d: -f3)"

mkdir -p "$DIR"/{tls,dovecot,dovecot/keys/default/HS256,logs,postfix,postfix-data,mail,mail-shared}
chmod 0755 "$DIR" "$DIR/dovecot" "$DIR/logs" "$DIR/postfix"
chmod 0700 "$DIR/tls"
# Dovecot's auth process (user dovecot) reads the users file and the JWT key.
chown -R root:dovecot "$DIR/dovecot/keys"
chmod -R u=rwX,g=rX,o= "$DIR/dovecot/keys"
chown "$MAIL_USER:$MAIL_GROUP" "$DIR/mail" "$DIR/mail-shared"
chmod 0770 "$DIR/mail" "$DIR/mail-shared"

# The mail processes run as $MAIL_USER: every parent of DIR must let it through.
if ! setpriv --reuid="$MAIL_USER" --regid="$MAIL_GROUP" --clear-groups test -w "$DIR/mail" 2>/dev/null; then
  die "user $MAIL_USER cannot reach $DIR/mail (a parent folder is not searchable by others, e.g. mode 0700).
Use a DIR whose parents are searchable (mktemp -d under /tmp is fine: start.sh opens DIR itself), or run: chmod o+x <that parent>"
fi

# Dovecot's base_dir and Postfix's queue hold UNIX sockets, whose paths are
# limited to 107 bytes: with a long DIR they go to a short folder in /run
# (symlinked from DIR, removed by stop.sh).
DOVECOT_BASE="$DIR/dovecot/run"
POSTFIX_QUEUE="$DIR/postfix-queue"
rm -f "$DOVECOT_BASE" 2>/dev/null || true   # a symlink left by an earlier run
if [ ${#DIR} -gt 60 ]; then
  SHORT="/run/mailstack-$(printf '%s' "$DIR" | sha1sum | cut -c1-12)"
  mkdir -p "$SHORT/dovecot-run"
  chmod 0755 "$SHORT"
  ln -sfn "$SHORT/dovecot-run" "$DIR/dovecot/run"
  DOVECOT_BASE="$SHORT/dovecot-run"
  [ -L "$DIR/postfix-queue" ] || rm -rf "$DIR/postfix-queue"
  ln -sfn "$SHORT/postfix-queue" "$DIR/postfix-queue"
  POSTFIX_QUEUE="$SHORT/postfix-queue"
fi
mkdir -p "$DOVECOT_BASE"

# ---------------------------------------------------------------- ports
# name order matters: read below in the same order.
read -r IMAP_PORT IMAPS_PORT MANAGESIEVE_PORT LMTP_PORT AUTH_PORT QUOTA_STATUS_PORT \
        SMTP_SUBMISSION_PORT SMTPS_PORT SMTP_PLAIN_PORT CRL_PORT IMAP_PLAIN_PORT < <(free_ports 10 1)
HOST=127.0.0.1
PLAIN_IMAP_HOST=127.0.0.2

# ---------------------------------------------------------------- TLS
# A root CA (kept with the data: client certificates are signed by it), and at
# every start an intermediate CA, the servers' certificates it signs and both
# CAs' revocation lists (CRLs), published over HTTP on a loopback port: the
# certificates name that port, which changes at each start. Clients check
# revocation as they would against IGC Santé. Names carry a random part: .NET
# caches CRLs on disk by issuer name and URL, and stacks must not share them.
TLS="$DIR/tls"
CRL_DIR="$DIR/crl"
CRL_URL="http://$HOST:$CRL_PORT"
mkdir -p "$CRL_DIR"
chmod 0755 "$CRL_DIR"
if [ ! -s "$TLS/ca.pem" ] || [ ! -s "$TLS/ca.key" ]; then
  (
    cd "$TLS"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout ca.key -out ca.pem -days 3650 -sha256 \
      -subj "/O=MSSante SDK tests/CN=Mail stack test CA $(openssl rand -hex 4)" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" >/dev/null 2>&1
  ) || die "openssl could not create the test CA under $TLS"
fi
(
  set -e
  cd "$TLS"
  rm -rf ca-db && mkdir -p ca-db/root ca-db/intermediate
  # ca_config NAME CERT KEY: a minimal "openssl ca" configuration (for revoking and CRLs only).
  ca_config() {
    : > "ca-db/$1/index.txt"
    echo 01 > "ca-db/$1/crlnumber"
    printf '%s\n' "[ ca ]" "default_ca = this" "[ this ]" \
      "database = $TLS/ca-db/$1/index.txt" "certificate = $TLS/$2" "private_key = $TLS/$3" \
      "default_md = sha256" "default_crl_days = 30" "crlnumber = $TLS/ca-db/$1/crlnumber" > "ca-db/$1/ca.cnf"
  }
  ca_config root ca.pem ca.key
  ca_config intermediate intermediate.pem intermediate.key
  printf '%s\n' "basicConstraints = critical,CA:TRUE,pathlen:0" "keyUsage = critical,keyCertSign,cRLSign" \
    "crlDistributionPoints = URI:$CRL_URL/root.crl" > intermediate.ext
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout intermediate.key -out intermediate.csr \
    -subj "/O=MSSante SDK tests/CN=Mail stack test intermediate CA $(openssl rand -hex 4)" >/dev/null 2>&1
  openssl x509 -req -in intermediate.csr -CA ca.pem -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
    -out intermediate.pem -days 825 -sha256 -extfile intermediate.ext >/dev/null 2>&1
  # server_cert NAME EKU CDP: a certificate for localhost signed by the intermediate.
  server_cert() {
    printf '%s\n' "basicConstraints = critical,CA:FALSE" "keyUsage = critical,digitalSignature,keyEncipherment" \
      "extendedKeyUsage = $2" "subjectAltName = DNS:localhost,IP:127.0.0.1,IP:127.0.0.2" \
      "crlDistributionPoints = URI:$3" > "$1.ext"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
      -keyout "$1.key" -out "$1.csr" -subj "/O=MSSante SDK tests/CN=localhost" >/dev/null 2>&1
    openssl x509 -req -in "$1.csr" -CA intermediate.pem -CAkey intermediate.key -set_serial "0x$(openssl rand -hex 16)" \
      -out "$1.pem" -days 825 -sha256 -extfile "$1.ext" >/dev/null 2>&1
    rm -f "$1.csr" "$1.ext"
  }
  # The servers' own; then, for refusal tests (served by the tests themselves):
  # a revoked one, one without the serverAuth usage, one whose CRL cannot be had.
  server_cert server serverAuth "$CRL_URL/intermediate.crl"
  server_cert revoked serverAuth "$CRL_URL/intermediate.crl"
  server_cert no-server-auth clientAuth "$CRL_URL/intermediate.crl"
  server_cert unknown-status serverAuth "http://$HOST:1/nowhere.crl"
  openssl ca -config ca-db/intermediate/ca.cnf -revoke revoked.pem -crl_reason keyCompromise >/dev/null 2>&1
  openssl ca -config ca-db/root/ca.cnf -gencrl -out ca-db/root.crl.pem >/dev/null 2>&1
  openssl ca -config ca-db/intermediate/ca.cnf -gencrl -out ca-db/intermediate.crl.pem >/dev/null 2>&1
  openssl crl -in ca-db/root.crl.pem -outform DER -out "$CRL_DIR/root.crl"
  openssl crl -in ca-db/intermediate.crl.pem -outform DER -out "$CRL_DIR/intermediate.crl"
  # What the servers send: their certificate and the intermediate (never the root).
  cat server.pem intermediate.pem > server-chain.pem
  rm -f intermediate.csr intermediate.ext
  # The last word (set -e does not hold here): the chain verifies with its CRLs, and the revoked one does not.
  cat ca-db/root.crl.pem ca-db/intermediate.crl.pem > ca-db/crls.pem
  openssl verify -crl_check_all -CAfile ca.pem -untrusted intermediate.pem -CRLfile ca-db/crls.pem server.pem >/dev/null 2>&1 &&
    ! openssl verify -crl_check_all -CAfile ca.pem -untrusted intermediate.pem -CRLfile ca-db/crls.pem revoked.pem >/dev/null 2>&1
) || die "openssl could not create the test certificates and CRLs under $TLS"
chmod 0600 "$TLS"/*.key
chmod 0644 "$TLS"/*.pem "$CRL_DIR"/*.crl

# ---------------------------------------------------------------- JWT key (HS256)
JWT_KEY_FILE="$DIR/jwt-hs256.key.b64"
if [ ! -s "$JWT_KEY_FILE" ]; then
  openssl rand -base64 32 | tr -d '\n' > "$JWT_KEY_FILE"
  chmod 0644 "$JWT_KEY_FILE"
fi
# Dovecot looks the key up as shared/<azp|default>/<alg>/<kid|default>; the fs
# dict drops "shared/". The value is the base64 of the secret.
install -m 0640 -o root -g dovecot "$JWT_KEY_FILE" "$DIR/dovecot/keys/default/HS256/default"
JWT_ISSUER="https://psc.test.local"

# ---------------------------------------------------------------- users
# Dovecot's auth process (user dovecot) reads the table; SQLite may need to
# write next to it (locks, journal), hence group-writable.
USERS_DB="$DIR/dovecot/db/users.sqlite"
mkdir -p "$DIR/dovecot/db"
"$PY" "$HERE/users.py" "$USERS_DB" init
chown -R root:dovecot "$DIR/dovecot/db"
chmod 0770 "$DIR/dovecot/db"
chmod 0660 "$USERS_DB"

# ---------------------------------------------------------------- Dovecot
DOVECOT_CONF="$DIR/dovecot/dovecot.conf"
DOVECOT_LOG="$DIR/logs/dovecot.log"
render "$HERE/dovecot.conf.in" "$DOVECOT_CONF"
render "$HERE/dovecot-oauth2.conf.ext.in" "$DIR/dovecot/oauth2.conf.ext"
render "$HERE/dovecot-sql.conf.ext.in" "$DIR/dovecot/sql.conf.ext"
render "$HERE/dovecot-sql-external.conf.ext.in" "$DIR/dovecot/sql-external.conf.ext"
install -m 0755 "$HERE/token-delegate.py" "$DIR/dovecot/token-delegate.py"
mkdir -p "$DIR/dovecot/sieve-before"
install -m 0644 "$HERE/patients.sieve" "$DIR/dovecot/sieve-before/patients.sieve"
render "$HERE/dovecot-sql-master.conf.ext.in" "$DIR/dovecot/sql-master.conf.ext"
render "$HERE/dovecot-sql-master-external.conf.ext.in" "$DIR/dovecot/sql-master-external.conf.ext"
: > "$DOVECOT_LOG"

# ---------------------------------------------------------------- Postfix
POSTFIX_DIR="$DIR/postfix"
POSTFIX_LOG="$DIR/logs/postfix.log"
render "$HERE/postfix-main.cf.in" "$POSTFIX_DIR/main.cf"
render "$HERE/postfix-master.cf.in" "$POSTFIX_DIR/master.cf"
cp "$HERE/postfix-domains.regexp" "$POSTFIX_DIR/domains.regexp"
cp "$HERE/postfix-sender-login.regexp" "$POSTFIX_DIR/sender-login.regexp"
install -m 0755 "$HERE/sender-cert-policy.py" "$POSTFIX_DIR/sender-cert-policy.py"
# Postfix waits (~2 s) until a configuration file younger than a second or two
# has "settled": these were written by us just now, so date them back.
touch -d '-1 minute' "$POSTFIX_DIR/main.cf" "$POSTFIX_DIR/master.cf" "$POSTFIX_DIR/domains.regexp" "$POSTFIX_DIR/sender-login.regexp"
: > "$POSTFIX_LOG"

# The queue layout of /etc/postfix/postfix-files, made here: "postfix check"
# (post-install create-missing) would take ~2 s. quick-start tells
# postfix-script to skip its own checks at start.
install -d -o root -g root -m 0755 "$POSTFIX_QUEUE" "$POSTFIX_QUEUE/pid"
for q in active bounce corrupt defer deferred flush hold incoming private saved trace; do
  install -d -o postfix -m 0700 "$POSTFIX_QUEUE/$q"
done
install -d -o postfix -g postdrop -m 0730 "$POSTFIX_QUEUE/maildrop"
install -d -o postfix -g postdrop -m 0710 "$POSTFIX_QUEUE/public"
install -d -o postfix -m 0700 "$DIR/postfix-data"
touch "$POSTFIX_QUEUE/quick-start"
postconf -c "$POSTFIX_DIR" -n >/dev/null 2>"$DIR/logs/postfix-config.err" \
  || { cat "$DIR/logs/postfix-config.err" >&2; die "postconf rejected $POSTFIX_DIR/main.cf (see above)"; }
dovecot -c "$DOVECOT_CONF" -n >/dev/null 2>"$DIR/logs/dovecot-config.err" \
  || { cat "$DIR/logs/dovecot-config.err" >&2; die "dovecot rejected $DOVECOT_CONF (see above)"; }
# Compiled here: the delivery processes (nobody) may not write beside it.
sievec -c "$DOVECOT_CONF" "$DIR/dovecot/sieve-before/patients.sieve" \
  || die "sievec rejected $DIR/dovecot/sieve-before/patients.sieve"

# ---------------------------------------------------------------- start
# Detached from the caller's standard streams, so that a caller reading our
# output (a test runner) sees it end when start.sh ends.
dovecot -c "$DOVECOT_CONF" </dev/null >>"$DOVECOT_LOG" 2>&1 \
  || { tail -n 30 "$DOVECOT_LOG" >&2; die "dovecot did not start (log: $DOVECOT_LOG)"; }

# The CAs' revocation lists, over HTTP as IGC Santé publishes them.
setsid "$PY" -m http.server "$CRL_PORT" --bind "$HOST" --directory "$CRL_DIR" </dev/null >>"$DIR/logs/crl-http.log" 2>&1 &
echo $! > "$DIR/crl-http.pid"

# start-fg keeps the master in the foreground, logging to its standard output
# (maillog_file = /dev/stdout); it is detached here and stopped by its pid file.
setsid postfix -c "$POSTFIX_DIR" start-fg </dev/null >>"$POSTFIX_LOG" 2>&1 &

# ---------------------------------------------------------------- wait
wait_ports 20 \
  "$HOST:$IMAP_PORT" "$HOST:$IMAPS_PORT" "$PLAIN_IMAP_HOST:$IMAP_PLAIN_PORT" \
  "$HOST:$MANAGESIEVE_PORT" "$HOST:$LMTP_PORT" "$HOST:$AUTH_PORT" "$HOST:$QUOTA_STATUS_PORT" \
  "$HOST:$SMTP_SUBMISSION_PORT" "$HOST:$SMTPS_PORT" "$HOST:$SMTP_PLAIN_PORT" "$HOST:$CRL_PORT" \
  || {
    echo "---- tail of $DOVECOT_LOG" >&2; tail -n 30 "$DOVECOT_LOG" >&2 || true
    echo "---- tail of $POSTFIX_LOG" >&2; tail -n 30 "$POSTFIX_LOG" >&2 || true
    "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true
    die "the mail stack did not answer on every port (see the logs above)"
  }

# Both masters must have written their pid files (stop.sh relies on them).
for i in $(seq 1 200); do
  pid_alive "$DIR/dovecot/run/master.pid" dovecot && pid_alive "$POSTFIX_QUEUE/pid/master.pid" master && break
  sleep 0.05
done
pid_alive "$DIR/dovecot/run/master.pid" dovecot && pid_alive "$POSTFIX_QUEUE/pid/master.pid" master \
  || { "$HERE/stop.sh" "$DIR" >/dev/null 2>&1 || true; die "a master process did not write its pid file (logs: $DIR/logs)"; }

# ---------------------------------------------------------------- env file
cat > "$ENV_FILE.tmp" <<EOF
MAILSTACK_DIR=$DIR
MAILSTACK_HOST=$HOST
IMAP_PORT=$IMAP_PORT
IMAPS_PORT=$IMAPS_PORT
IMAP_PLAIN_HOST=$PLAIN_IMAP_HOST
IMAP_PLAIN_PORT=$IMAP_PLAIN_PORT
MANAGESIEVE_PORT=$MANAGESIEVE_PORT
LMTP_PORT=$LMTP_PORT
SMTP_SUBMISSION_PORT=$SMTP_SUBMISSION_PORT
SMTPS_PORT=$SMTPS_PORT
SMTP_PLAIN_PORT=$SMTP_PLAIN_PORT
DOVECOT_AUTH_PORT=$AUTH_PORT
QUOTA_STATUS_PORT=$QUOTA_STATUS_PORT
TLS_HOSTNAME=localhost
CA_CERT=$TLS/ca.pem
SERVER_CERT=$TLS/server.pem
INTERMEDIATE_CERT=$TLS/intermediate.pem
REVOKED_CERT=$TLS/revoked.pem
NO_SERVER_AUTH_CERT=$TLS/no-server-auth.pem
UNKNOWN_STATUS_CERT=$TLS/unknown-status.pem
CRL_PORT=$CRL_PORT
CRL_URL=$CRL_URL
JWT_HS256_KEY_FILE=$JWT_KEY_FILE
JWT_ISSUER=$JWT_ISSUER
DEFAULT_QUOTA_KB=512000
ADD_USER=$HERE/add-user.sh
ADD_ORG=$HERE/add-org.sh
ADD_CLIENT_CERT=$HERE/add-client-cert.sh
CLIENT_CERT_DIR=$TLS/clients
STOP=$HERE/stop.sh
USERS_DB=$USERS_DB
MAIL_ROOT=$DIR/mail
DOVECOT_CONF=$DOVECOT_CONF
POSTFIX_CONFIG_DIR=$POSTFIX_DIR
DOVECOT_LOG=$DOVECOT_LOG
POSTFIX_LOG=$POSTFIX_LOG
EOF
mv "$ENV_FILE.tmp" "$ENV_FILE"

T1=$(date +%s.%N)
awk -v a="$T0" -v b="$T1" -v f="$ENV_FILE" 'BEGIN { printf "mail stack up in %.1fs: %s\n", b - a, f }'
