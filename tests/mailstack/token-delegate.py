#!/usr/bin/env python3
"""Dovecot checkpassword passdb of the test mail stack: a bearer-token sign-in
(XOAUTH2 / OAUTHBEARER) for an organisational mailbox.

The sign-in name (XOAUTH2's user=, OAUTHBEARER's a=) is the mailbox; the token
(the "password" Dovecot hands over) names the person in its e-mail claim. The
oauth2 passdb before this one accepts a token only for its holder's own
account; here it is accepted when the token is valid (HS256 with the stack's
key, the stack's issuer, not expired) and the delegations table (add-org.sh)
lists its holder for that mailbox. Anything else: exit 1 (refused).

    token-delegate.py USERS_DB KEY_FILE ISSUER REPLY_PROGRAM   (run by Dovecot)
"""
import base64
import hashlib
import hmac
import json
import os
import sqlite3
import sys
import time


def b64(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def holder(token, key, issuer):
    """The token's e-mail claim when it is valid, else None."""
    try:
        header, payload, signature = token.split(".")
        if json.loads(b64(header)).get("alg") != "HS256":
            return None
        expected = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, b64(signature)):
            return None
        claims = json.loads(b64(payload))
        if claims.get("iss") != issuer or not isinstance(claims.get("exp"), (int, float)) or claims["exp"] <= time.time():
            return None
        email = claims.get("email")
        return email.lower() if isinstance(email, str) else None
    except (ValueError, TypeError, UnicodeDecodeError):
        return None


def main(argv):
    users_db, key_file, issuer, reply = argv[1:5]
    with os.fdopen(3, "rb") as fd:
        fields = fd.read(8192).split(b"\0")
    if len(fields) < 2:
        return 1
    mailbox, token = fields[0].decode("utf-8", "replace").lower(), fields[1].decode("utf-8", "replace")
    with open(key_file) as f:
        key = base64.b64decode(f.read().strip())
    person = holder(token, key, issuer)
    if person is None or person == mailbox:
        return 1
    db = sqlite3.connect(f"file:{users_db}?mode=ro", uri=True, timeout=30)
    row = db.execute("SELECT d.rights FROM delegations d JOIN users u ON u.username = d.mailbox WHERE d.mailbox = ? AND d.delegate = ?",
                     (mailbox, person)).fetchone()
    # The mailbox's rules (ManageSieve) need the write right, as with a password (dovecot-sql-master.conf.ext.in).
    if row is None or (os.environ.get("SERVICE") == "sieve" and "w" not in row[0]):
        return 1
    os.environ["USER"] = mailbox
    # Their ACL rights apply, not the owner's (as for a master-user sign-in with a password).
    os.environ["userdb_acl_user"] = person
    os.environ["EXTRA"] = "userdb_acl_user"
    os.execv(reply, [reply])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
