#!/usr/bin/env python3
"""The users table of the test mail stack (SQLite, read by Dovecot at each lookup).

    users.py DB init
    users.py DB add ADDRESS PASSWORD_HASH [QUOTA_RULE]   (insert or replace)
    users.py DB exists ADDRESS                           (exit 0 / 1)
    users.py DB list
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
    elif cmd == "add" and len(args) in (2, 3):
        rule = args[2] if len(args) == 3 and args[2] else None
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR REPLACE INTO users (username, password, quota_rule) VALUES (?, ?, ?)",
                   (args[0].lower(), args[1], rule))
        db.execute("COMMIT")
    elif cmd == "exists" and len(args) == 1:
        row = db.execute("SELECT 1 FROM users WHERE username = ?", (args[0].lower(),)).fetchone()
        return 0 if row else 1
    elif cmd == "list":
        for (u,) in db.execute("SELECT username FROM users ORDER BY username"):
            print(u)
    else:
        sys.exit(__doc__)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
