#!/usr/bin/env python3
"""The users table of the test mail stack (SQLite, read by Dovecot at each lookup).

    users.py DB init
    users.py DB add ADDRESS PASSWORD_HASH [QUOTA_RULE]   (insert or replace)
    users.py DB exists ADDRESS                           (exit 0 / 1)
    users.py DB list
    users.py DB delegate MAILBOX DELEGATE RIGHTS          (RIGHTS "none" removes)
    users.py DB delegates MAILBOX
"""
import sqlite3
import sys


def connect(path):
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA busy_timeout = 30000")
    return db


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    path, cmd, args = argv[1], argv[2], argv[3:]
    db = connect(path)
    if cmd == "init":
        db.execute("CREATE TABLE IF NOT EXISTS users ("
                   " username TEXT PRIMARY KEY NOT NULL,"
                   " password TEXT NOT NULL,"
                   " quota_rule TEXT)")
        # Who may act for an organisational mailbox (SASL authorization identity, see dovecot.conf.in), with the ACL
        # rights add-org.sh gave them.
        db.execute("CREATE TABLE IF NOT EXISTS delegations ("
                   " mailbox TEXT NOT NULL,"
                   " delegate TEXT NOT NULL,"
                   " rights TEXT NOT NULL,"
                   " PRIMARY KEY (mailbox, delegate))")
    elif cmd == "add" and len(args) in (2, 3):
        rule = args[2] if len(args) == 3 and args[2] else None
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR REPLACE INTO users (username, password, quota_rule) VALUES (?, ?, ?)",
                   (args[0].lower(), args[1], rule))
        db.execute("COMMIT")
    elif cmd == "exists" and len(args) == 1:
        row = db.execute("SELECT 1 FROM users WHERE username = ?", (args[0].lower(),)).fetchone()
        return 0 if row else 1
    elif cmd == "delegate" and len(args) == 3:
        db.execute("BEGIN IMMEDIATE")
        if args[2] == "none":
            db.execute("DELETE FROM delegations WHERE mailbox = ? AND delegate = ?", (args[0].lower(), args[1].lower()))
        else:
            db.execute("INSERT OR REPLACE INTO delegations (mailbox, delegate, rights) VALUES (?, ?, ?)",
                       (args[0].lower(), args[1].lower(), args[2]))
        db.execute("COMMIT")
    elif cmd == "delegates" and len(args) == 1:
        for (d, r) in db.execute("SELECT delegate, rights FROM delegations WHERE mailbox = ? ORDER BY delegate", (args[0].lower(),)):
            print(d, r)
    elif cmd == "list":
        for (u,) in db.execute("SELECT username FROM users ORDER BY username"):
            print(u)
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
