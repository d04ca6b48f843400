#!/usr/bin/env bash
# Issues a TLS client certificate for a user of the test mail stack, signed by
# the stack's test CA (DIR/tls/ca.pem, key DIR/tls/ca.key, made by start.sh),
# like the IGC Santé certificate of an MSSanté applicative mailbox.
#
#   tests/mailstack/add-client-cert.sh DIR ADDRESS [--allow-unknown]
#
# Subject CN=ADDRESS, SAN rfc822Name ADDRESS, extendedKeyUsage clientAuth,
# valid 1 day, EC P-256 key (CLIENT_CERT_KEY=rsa for RSA 2048). Writes
#   DIR/tls/clients/ADDRESS.pem   (certificate)
#   DIR/tls/clients/ADDRESS.key   (private key, unencrypted PKCS#8, mode 0600)
# and prints the two paths, one a line. Nothing is restarted: with it, IMAP
# accepts AUTHENTICATE EXTERNAL as ADDRESS and submission/smtps accept mail
# without AUTH. ADDRESS must be a user (add-user.sh) unless --allow-unknown
# is given (for refusal tests: Dovecot then refuses the login).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 2 ] && [ $# -le 3 ] || die "usage: $0 DIR ADDRESS [--allow-unknown]"
ALLOW_UNKNOWN=no
if [ $# -eq 3 ]; then
  [ "$3" = "--allow-unknown" ] || die "usage: $0 DIR ADDRESS [--allow-unknown]"
  ALLOW_UNKNOWN=yes
fi
DIR="$(cd "$1" && pwd -P)" || die "no such DIR: $1"
ADDRESS="$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')"
TLS="$DIR/tls"
USERS_DB="$DIR/dovecot/db/users.sqlite"
[ -s "$TLS/ca.pem" ] && [ -s "$TLS/ca.key" ] || die "$TLS/ca.pem or ca.key not found: start the stack first (start.sh $DIR)"

[[ "$ADDRESS" =~ ^[a-z0-9._+-]+@[a-z0-9.-]+\.[a-z]+$ ]] \
  || die "not a plain e-mail address (lower-case letters, digits and . _ + - only): $2"
if [ "$ALLOW_UNKNOWN" = no ]; then
  [ -f "$USERS_DB" ] || die "$USERS_DB not found: start the stack first (start.sh $DIR)"
  "$PY" "$HERE/users.py" "$USERS_DB" exists "$ADDRESS" \
    || die "$ADDRESS is not a user of this stack (add-user.sh first, or --allow-unknown)"
fi

OUT="$TLS/clients"
mkdir -p "$OUT"
chmod 0700 "$OUT"
WORK="$(mktemp -d "$OUT/.new-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

case "${CLIENT_CERT_KEY:-ec}" in
  ec)  KEYGEN=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256) ;;
  rsa) KEYGEN=(-algorithm RSA -pkeyopt rsa_keygen_bits:2048) ;;
  *)   die "CLIENT_CERT_KEY must be ec or rsa" ;;
esac
cat > "$WORK/ext" <<EOF
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = email:$ADDRESS
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
(
  umask 077
  # genpkey writes PKCS#8 ("BEGIN PRIVATE KEY"), unencrypted without -cipher.
  openssl genpkey "${KEYGEN[@]}" -out "$WORK/key" 2>/dev/null
  openssl req -new -key "$WORK/key" -subj "/CN=$ADDRESS" -out "$WORK/csr" 2>/dev/null
  openssl x509 -req -in "$WORK/csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days 1 -sha256 \
    -extfile "$WORK/ext" -out "$WORK/pem" 2>/dev/null
) || die "openssl could not issue the client certificate of $ADDRESS"
chmod 0600 "$WORK/key"
chmod 0644 "$WORK/pem"
mv -f "$WORK/key" "$OUT/$ADDRESS.key"
mv -f "$WORK/pem" "$OUT/$ADDRESS.pem"
echo "$OUT/$ADDRESS.pem"
echo "$OUT/$ADDRESS.key"
