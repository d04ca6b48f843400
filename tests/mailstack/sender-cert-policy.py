#!/usr/bin/env python3
"""Postfix policy service of the test mail stack (submission and smtps only):
who may send under an address when the client signed in with its TLS client
certificate alone, without SASL.

permit_tls_all_clientcerts lets such a client submit, and Postfix's own
sender check (reject_authenticated_sender_login_mismatch) only knows SASL
logins. Here the certificate's holder (its subject CN, an address: see
add-client-cert.sh) may use its own address as envelope sender, or that of
an organisational mailbox whose delegations table (add-org.sh) lists it, as
with a password or a token. SASL clients, the null sender (bounces, MDNs)
and clients without a certificate are left to the other restrictions.

    sender-cert-policy.py USERS_DB   (spawned by Postfix; policy protocol on stdin/stdout)
"""
import sqlite3
import sys


def decide(request, users_db):
    sender = request.get("sender", "").lower()
    holder = request.get("ccert_subject", "").lower()
    if request.get("sasl_username") or not holder or not sender or sender == holder:
        return "DUNNO"
    db = sqlite3.connect(f"file:{users_db}?mode=ro", uri=True, timeout=30)
    try:
        row = db.execute("SELECT 1 FROM delegations WHERE mailbox = ? AND delegate = ?", (sender, holder)).fetchone()
    finally:
        db.close()
    # The reply Postfix's own login-mismatch check gives, without the address.
    return "DUNNO" if row else "553 5.7.1 Sender address rejected: not owned by the client certificate's holder"


def main(argv):
    users_db = argv[1]
    request = {}
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line:
            name, _, value = line.partition("=")
            request[name] = value
            continue
        sys.stdout.write(f"action={decide(request, users_db)}\n\n")
        sys.stdout.flush()
        request = {}
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
