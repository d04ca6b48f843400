#!/usr/bin/env bash
# Adds (or updates) a password user of the running test mail stack. Nothing is
# restarted: Dovecot reads its SQLite users table at each lookup (no cache),
# and Postfix asks Dovecot (quota-status policy) about each recipient. The user can log in
# (IMAP, ManageSieve, SMTP AUTH), send and receive as soon as this returns.
# The mailbox and its special-use folders are created here, as an operator
# provisions an account: left to the first login and the first delivery, an
# imap and an lmtp process creating them at once can hold each other up on the
# mailbox list lock until Dovecot's 60 s lock timeout, and the delivery fails.
#
#   tests/mailstack/add-user.sh DIR ADDRESS PASSWORD [QUOTA]
#
# QUOTA: storage limit like 1M, 20M, 2G (default: the stack's 500M), or a full
# Dovecot quota rule such as "*:storage=1M".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 3 ] && [ $# -le 4 ] || die "usage: $0 DIR ADDRESS PASSWORD [QUOTA]"
DIR="$(cd "$1" && pwd -P)" || die "no such DIR: $1"
ADDRESS="$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')"
PASSWORD="$3"
QUOTA="${4:-}"
USERS_DB="$DIR/dovecot/db/users.sqlite"
[ -f "$USERS_DB" ] || die "$USERS_DB not found: start the stack first (start.sh $DIR)"

[[ "$ADDRESS" =~ ^[a-z0-9._+-]+@[a-z0-9.-]+\.[a-z]+$ ]] \
  || die "not a plain e-mail address (lower-case letters, digits and . _ + - only): $2"
[ -n "$PASSWORD" ] || die "empty password"

RULE=""
if [ -n "$QUOTA" ]; then
  if [[ "$QUOTA" == *[:=]* ]]; then
    RULE="$QUOTA"
  elif [[ "$QUOTA" =~ ^[0-9]+[kKmMgGtT]?$ ]]; then
    RULE="*:storage=$QUOTA"
  else
    die "QUOTA must look like 1M, 500M, 2G or a Dovecot rule like *:storage=1M"
  fi
fi

NEW=yes
if "$PY" "$HERE/users.py" "$USERS_DB" exists "$ADDRESS"; then NEW=; fi

HASH="$(printf '%s' "$PASSWORD" | openssl passwd -6 -stdin)" || die "openssl passwd failed"
"$PY" "$HERE/users.py" "$USERS_DB" add "$ADDRESS" "{SHA512-CRYPT}$HASH" "$RULE"
# (auto = subscribe keeps the special-use folders subscribed; « mailbox status » would not create them on disk.)
if [ -n "$NEW" ]; then
  # « Échanges Patients » too: the operator files patients' mail there (patients.sieve), and add-org.sh shares it.
  command doveadm -c "$DIR/dovecot/dovecot.conf" mailbox create -u "$ADDRESS" INBOX Sent Drafts Trash Junk "Échanges Patients"
fi
