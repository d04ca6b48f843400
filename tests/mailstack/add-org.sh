#!/usr/bin/env bash
# Creates (if needed) an organisational mailbox (BAL ORG) in the running test
# mail stack and shares every one of its folders with each DELEGATE by IMAP ACL
# (RFC 4314). A delegate then sees it in the shared namespace (RFC 2342):
#   shared/<ORG_ADDRESS>/INBOX, shared/<ORG_ADDRESS>/Sent, ...
#
#   tests/mailstack/add-org.sh DIR ORG_ADDRESS [--name NAME] [--rights RIGHTS] DELEGATE...
#
# NAME is the structure's name shown for the mailbox (« Secrétariat de
# cardiologie »): its INBOX's /shared/comment (METADATA, RFC 5464), which
# delegates read through the shared namespace.
# RIGHTS are IMAP ACL letters (default "lrwstipekx": Zimbra's "Manager",
# everything but administering the ACL; "lrs" is a viewer, "lrwstipekxa"
# an administrator). "--rights none" removes the delegates' access.
# The organisational account itself gets a random password unless it already
# exists or ORG_PASSWORD is set; DELEGATEs must already exist (add-user.sh).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"

[ $# -ge 2 ] || die "usage: $0 DIR ORG_ADDRESS [--name NAME] [--rights RIGHTS] DELEGATE..."
DIR="$(cd "$1" && pwd -P)" || die "no such DIR: $1"
ORG="$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')"
shift 2
RIGHTS="lrwstipekx"
NAME=""
while [ "${1:-}" = "--rights" ] || [ "${1:-}" = "--name" ]; do
  [ $# -ge 2 ] || die "$1 needs a value"
  case "$1" in --rights) RIGHTS="$2" ;; --name) NAME="$2" ;; esac
  shift 2
done
CONF="$DIR/dovecot/dovecot.conf"
USERS_DB="$DIR/dovecot/db/users.sqlite"
[ -f "$CONF" ] || die "$CONF not found: start the stack first (start.sh $DIR)"

# IMAP ACL letters -> Dovecot right names (doveadm takes names only).
NAMES=()
if [ "$RIGHTS" != "none" ]; then
  for ((i = 0; i < ${#RIGHTS}; i++)); do
    case "${RIGHTS:i:1}" in
      l) NAMES+=(lookup) ;;  r) NAMES+=(read) ;;   w) NAMES+=(write) ;;
      s) NAMES+=(write-seen) ;; t) NAMES+=(write-deleted) ;; i) NAMES+=(insert) ;;
      p) NAMES+=(post) ;;    e) NAMES+=(expunge) ;; k) NAMES+=(create) ;;
      x) NAMES+=(delete) ;;  a) NAMES+=(admin) ;;
      c) NAMES+=(create delete) ;; d) NAMES+=(write-deleted expunge delete) ;;
      *) die "unknown IMAP ACL right '${RIGHTS:i:1}' in $RIGHTS (use letters from lrswipkxtea)" ;;
    esac
  done
fi

if ! "$PY" "$HERE/users.py" "$USERS_DB" exists "$ORG"; then
  "$HERE/add-user.sh" "$DIR" "$ORG" "${ORG_PASSWORD:-$(openssl rand -hex 16)}"
fi
for d in "$@"; do
  "$PY" "$HERE/users.py" "$USERS_DB" exists "$d" || die "delegate $d does not exist: add it first with add-user.sh"
done

doveadm() { command doveadm -c "$CONF" "$@"; }

# (add-user.sh created the mailbox and its special-use folders.) Delegates
# cannot create folders at the top of someone else's mailbox (Dovecot's ACL:
# the top level is the owner's), only inside folders they hold "k" on: the
# contact folders' root (the SDK's "Contacts") is provisioned here for them.
if ! doveadm mailbox status -u "$ORG" messages Contacts >/dev/null 2>&1; then
  doveadm mailbox create -u "$ORG" Contacts
fi
if [ -n "$NAME" ]; then
  doveadm mailbox metadata set -u "$ORG" INBOX /shared/comment "$NAME"
fi

mapfile -t FOLDERS < <(doveadm mailbox list -u "$ORG" | grep -v '^shared/' || true)
for d in "$@"; do
  d="$(printf '%s' "$d" | tr '[:upper:]' '[:lower:]')"
  for f in "${FOLDERS[@]}"; do
    if [ ${#NAMES[@]} -eq 0 ]; then
      doveadm acl delete -u "$ORG" "$f" "user=$d"
    else
      doveadm acl set -u "$ORG" "$f" "user=$d" "${NAMES[@]}"
    fi
  done
done
# The delegations table: who may sign in for the mailbox (SASL authorization identity).
for d in "$@"; do
  "$PY" "$HERE/users.py" "$USERS_DB" delegate "$ORG" "$d" "$RIGHTS"
done
# Make sure the delegates' shared-mailbox index (acl_shared_dict) is current.
doveadm acl recalc -u "$ORG"
echo "mailstack: $ORG shared with: $* (rights $RIGHTS) as shared/$ORG/..."
