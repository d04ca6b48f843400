"""Reads a message with Python's standard `email` package (no MimeKit) and prints what it finds as JSON.

Usage: python3 parse_mime.py FILE.eml
Output: {"defects": [...], "headers": {name: [values]}, "parts": [{"path", "type", "charset", "disposition",
         "filename", "sha256", "text", "fields"}]} where "fields" holds the headers of a message/disposition-notification
         or message/rfc822 part (the encapsulated message's), "text" the decoded text of a text/* part.
"""
import email
import email.policy
import hashlib
import json
import sys

KEPT = ["from", "to", "cc", "subject", "message-id", "in-reply-to", "references", "date", "mime-version",
        "content-type", "disposition-notification-to", "x-mss-nil", "x-mss-codecda", "x-mss-ins", "x-mss-mes",
        "auto-submitted"]


def headers(message):
    found = {}
    for name in KEPT:
        values = message.get_all(name)
        if values:
            found[name] = [str(v) for v in values]
    return found


def walk(part, path, parts):
    entry = {
        "path": path,
        "type": part.get_content_type(),
        "charset": part.get_content_charset(),
        "disposition": part.get_content_disposition(),
        "filename": part.get_filename(),
        "defects": [type(d).__name__ for d in part.defects],
    }
    parts.append(entry)
    if part.get_content_maintype() == "multipart":
        for index, child in enumerate(part.iter_parts()):
            walk(child, f"{path}.{index}", parts)
    elif part.get_content_maintype() == "message":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) else inner
        entry["fields"] = {k.lower(): str(v) for k, v in inner.items()}
        if part.get_content_type() == "message/rfc822":
            walk(inner, f"{path}.m", parts)
    else:
        payload = part.get_payload(decode=True) or b""
        entry["sha256"] = hashlib.sha256(payload).hexdigest()
        if part.get_content_maintype() == "text":
            entry["text"] = part.get_content()


def main():
    with open(sys.argv[1], "rb") as source:
        message = email.message_from_binary_file(source, policy=email.policy.default)
    parts = []
    walk(message, "0", parts)
    print(json.dumps({"defects": [type(d).__name__ for d in message.defects], "headers": headers(message), "parts": parts}, ensure_ascii=False))


main()
