#!/usr/bin/env python3
"""Smoke test of a running test mail stack, with the Python standard library only.

    python3 tests/mailstack/smoke.py DIR

Adds a few users with unique names (so it can run again on the same stack),
then checks IMAP, SMTP, XOAUTH2 with a locally signed JWT, client
certificates (IMAP AUTHENTICATE EXTERNAL, submission without AUTH), shared
(organisational) mailboxes, quota refusals, ManageSieve/Sieve and the no-TLS
ports. Every TLS connection validates the server certificate against the
stack's own CA (through the intermediate the servers send); the CAs' CRLs are
published over HTTP and checked once. Prints one line per check; exits 1 on the first failure.
"""
import base64
import hashlib
import hmac
import imaplib
import json
import os
import secrets
import smtplib
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
import warnings

warnings.filterwarnings("ignore", category=DeprecationWarning)  # the TLS 1.1 probe below

imaplib.Commands.setdefault("GETMETADATA", ("AUTH", "SELECTED"))
imaplib.Commands.setdefault("SETMETADATA", ("AUTH", "SELECTED"))
imaplib.Commands.setdefault("NAMESPACE", ("AUTH", "SELECTED"))


def load_env(d):
    env = {}
    with open(os.path.join(d, "mailstack.env")) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, v = line.split("=", 1)
                env[k] = v
    return env


DIR = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("MAILSTACK_DIR", "")
if not DIR:
    sys.exit("usage: smoke.py DIR")
E = load_env(DIR)
H = E["MAILSTACK_HOST"]
CTX = ssl.create_default_context(cafile=E["CA_CERT"])  # validation ON
TLS_NAME = E["TLS_HOSTNAME"]
RUN = secrets.token_hex(3)
DOMAIN = "chu-test.mssante.fr"
T0 = time.monotonic()


def ok(name, detail=""):
    print(f"OK   [{time.monotonic() - T0:4.1f}s] {name}" + (f": {detail[:300]}" if detail else ""))


def fail(name, detail):
    print(f"FAIL {name}: {detail}")
    sys.exit(1)


def check(cond, name, detail=""):
    (ok if cond else fail)(name, detail)


def add_user(addr, password, quota=None):
    cmd = [E["ADD_USER"], DIR, addr, password] + ([quota] if quota else [])
    subprocess.run(cmd, check=True)


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def jwt(email, lifetime=300, iss=None):
    key = base64.b64decode(open(E["JWT_HS256_KEY_FILE"]).read().strip())
    now = int(time.time())
    header = {"alg": "HS256", "typ": "JWT"}
    claims = {"sub": "psc-" + email, "email": email, "iss": iss or E["JWT_ISSUER"],
              "iat": now - 10 if lifetime > 0 else now - 3600, "exp": now + lifetime}
    signing = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    sig = hmac.new(key, signing.encode(), hashlib.sha256).digest()
    return signing + "." + b64url(sig)


def xoauth2(user, token):
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def imap_starttls(port=None):
    m = imaplib.IMAP4(TLS_NAME, int(port or E["IMAP_PORT"]))
    m.starttls(ssl_context=CTX)
    return m


def imap_login(user, pw):
    m = imap_starttls()
    m.login(user, pw)
    return m


def imap_xoauth2(m, user, token):
    # On refusal Dovecot sends a "+ <base64 JSON>" continuation: answer it empty.
    replies = iter([xoauth2(user, token).encode(), b""])
    return m.authenticate("XOAUTH2", lambda _c: next(replies, b""))


def untagged(m, name):
    return m.untagged_responses.pop(name, [])


def wait_messages(user, pw, mailbox, count, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        m = imap_login(user, pw)
        typ, data = m.status(f'"{mailbox}"', "(MESSAGES)")
        m.logout()
        n = int(data[0].decode().rsplit("MESSAGES", 1)[1].strip(" )"))
        if n >= count or time.monotonic() > deadline:
            return n
        time.sleep(0.1)


def smtp_submission():
    s = smtplib.SMTP(TLS_NAME, int(E["SMTP_SUBMISSION_PORT"]), timeout=20)
    s.ehlo("client.test")
    s.starttls(context=CTX)
    s.ehlo("client.test")
    return s


def message(frm, to, subject, body="Bonjour.\r\n", extra=b""):
    return (f"From: {frm}\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{secrets.token_hex(8)}@client.test>\r\n"
            f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}").encode() + extra


# ----------------------------------------------------------------- users
A, B = f"jean.dupont.{RUN}@{DOMAIN}", f"marie.curie.{RUN}@{DOMAIN}"
DEL, OTHER = f"delegue.{RUN}@{DOMAIN}", f"autre.{RUN}@{DOMAIN}"
SMALL, ORG = f"petit.{RUN}@{DOMAIN}", f"secretariat.{RUN}@{DOMAIN}"
PATIENT = f"1234567890123.{RUN}@patient.mssante.fr"
PW = "Secret-" + RUN
for u in (A, B, DEL, OTHER, PATIENT):
    add_user(u, PW)
add_user(SMALL, PW, "1M")
ok("add-user (6 users added at run time)")

# ----------------------------------------------------------------- IMAP
m = imaplib.IMAP4(TLS_NAME, int(E["IMAP_PORT"]))
pre = m.capabilities
check("STARTTLS" in pre, "IMAP greeting offers STARTTLS", " ".join(pre))
m.starttls(ssl_context=CTX)
check(m.sock.version() in ("TLSv1.2", "TLSv1.3"), "IMAP STARTTLS", m.sock.version())
typ, _ = m.login(A, PW)
typ, cap = m.capability()
caps = cap[0].decode().split()
need = "IDLE MOVE UIDPLUS QUOTA ACL METADATA SPECIAL-USE CONDSTORE NAMESPACE".split()
check(all(c in caps for c in need), "IMAP CAPABILITY after LOGIN", " ".join(caps))
typ, data = m.list()
special = [d.decode() for d in data if b"\\Sent" in d or b"\\Trash" in d or b"\\Drafts" in d or b"\\Junk" in d]
check(len(special) == 4, "LIST special-use", " | ".join(d.decode() for d in data))
typ, data = m.getquotaroot("INBOX")
check("512000" in str(data), "GETQUOTAROOT INBOX", str(data))
typ, data = m._simple_command("SETMETADATA", "INBOX", '(/private/vendor/esante/tag-colors "{\\"urgent\\":\\"#ff0000\\"}")')
check(typ == "OK", "SETMETADATA /private/vendor/esante/tag-colors", str(data))
typ, data = m._simple_command("GETMETADATA", "INBOX", "/private/vendor/esante/tag-colors")
md = untagged(m, "METADATA")
check(typ == "OK" and b"#ff0000" in b"".join(x if isinstance(x, bytes) else b"".join(x) for x in md),
      "GETMETADATA", str(md))
typ, data = m._simple_command("NAMESPACE")
ns = untagged(m, "NAMESPACE")
ok("NAMESPACE", str(ns[0].decode()))
m.logout()

# ----------------------------------------------------------------- SMTP submission
s = smtp_submission()
check(s.sock.version() in ("TLSv1.2", "TLSv1.3"), "submission STARTTLS", s.sock.version() + " EHLO: " + " ".join(sorted(s.esmtp_features)))
code, resp = s.login(A, PW)  # AUTH PLAIN
ok("submission AUTH PLAIN", f"{code} {resp.decode()}")
s.mail(A)
code, resp = s.rcpt(f"personne.{RUN}@{DOMAIN}")
check(500 <= code < 600, "unknown recipient refused at RCPT", f"{code} {resp.decode()}")
code, resp = s.rcpt("someone@example.com")
check(500 <= code < 600, "recipient outside MSSante refused at RCPT", f"{code} {resp.decode()}")
code, resp = s.rcpt(B)
check(code == 250, "runtime-added recipient accepted", f"{code} {resp.decode()}")
code, resp = s.data(message(A, B, "Test submission"))
check(code == 250, "DATA", f"{code} {resp.decode()}")
s.quit()
n = wait_messages(B, PW, "INBOX", 1)
check(n == 1, "message delivered into recipient's INBOX (Postfix -> LMTP -> Dovecot)", f"MESSAGES {n}")

# a user added just now is accepted at once
LATE = f"tardif.{RUN}@{DOMAIN}"
add_user(LATE, PW)
s = smtp_submission()
s.login(A, PW)
s.mail(A)
code, resp = s.rcpt(LATE)
check(code == 250, "user added a moment ago accepted at RCPT", f"{code} {resp.decode()}")
s.rset()
s.quit()

# ----------------------------------------------------------------- XOAUTH2
m = imap_starttls()
typ, data = imap_xoauth2(m, A, jwt(A))
check(typ == "OK", "IMAP XOAUTH2 with HS256 JWT", str(data))
m.logout()
m = imap_starttls()
try:
    typ, data = imap_xoauth2(m, A, jwt(A, lifetime=-60))
    fail("IMAP XOAUTH2 expired token refused", f"{typ} {data}")
except imaplib.IMAP4.error as e:
    ok("IMAP XOAUTH2 expired token refused", str(e))
m.logout()
m = imap_starttls()
try:
    typ, data = imap_xoauth2(m, A, jwt(A, iss="https://evil.example"))
    fail("IMAP XOAUTH2 unknown issuer refused", f"{typ} {data}")
except imaplib.IMAP4.error as e:
    ok("IMAP XOAUTH2 unknown issuer refused", str(e))
m.logout()

s = smtp_submission()
check("XOAUTH2" in s.esmtp_features.get("auth", ""), "submission offers XOAUTH2", s.esmtp_features.get("auth", ""))
code, resp = s.auth("XOAUTH2", lambda c=None: xoauth2(A, jwt(A)))
check(code == 235, "submission AUTH XOAUTH2 with JWT", f"{code} {resp.decode()}")
s.quit()
s = smtp_submission()
try:
    s.auth("XOAUTH2", lambda c=None: xoauth2(A, jwt(A, lifetime=-60)) if c is None else "")
    fail("submission XOAUTH2 expired token refused", "accepted")
except smtplib.SMTPAuthenticationError as e:
    ok("submission XOAUTH2 expired token refused", f"{e.smtp_code} {e.smtp_error.decode()}")
s.close()

# ----------------------------------------------------------------- client certificates
def add_client_cert(addr, *extra):
    out = subprocess.run([E["ADD_CLIENT_CERT"], DIR, addr, *extra], check=True,
                         stdout=subprocess.PIPE, text=True).stdout.split()
    return out[0], out[1]


def cert_ctx(cert=None):
    c = ssl.create_default_context(cafile=E["CA_CERT"])  # server validation still ON
    if cert:
        c.load_cert_chain(*cert)
    return c


def external(m):
    return m.authenticate("EXTERNAL", lambda _c: b"")  # empty response: authzid = the cert's user


def imap_external_refused(name, cert, port=None):
    try:
        m = imaplib.IMAP4(TLS_NAME, int(port or E["IMAP_PORT"]))
        m.starttls(ssl_context=cert_ctx(cert))
        typ, data = external(m)
        fail(name, f"accepted: {typ} {data}")
    except imaplib.IMAP4.error as e:
        ok(name, "at auth: " + str(e))
    except (ssl.SSLError, OSError) as e:
        ok(name, "at TLS: " + type(e).__name__ + " " + str(e)[:120])


CERT_A = add_client_cert(A)
CERT_B = add_client_cert(B)
CERT_GHOST = add_client_cert(f"fantome.{RUN}@{DOMAIN}", "--allow-unknown")
ok("add-client-cert.sh (CN/rfc822Name = address, clientAuth, 1 day)", CERT_A[0])
# The same name, signed by a CA the stack does not know.
FOREIGN = tempfile.mkdtemp(prefix="smoke-foreign-ca-")
ossl = lambda *a: subprocess.run(["openssl", *a], check=True, cwd=FOREIGN,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ossl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
     "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Foreign test CA",
     "-addext", "basicConstraints=critical,CA:TRUE")
ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
     "-keyout", "c.key", "-out", "c.csr", "-subj", f"/CN={A}")
with open(os.path.join(FOREIGN, "c.ext"), "w") as f:
    f.write(f"extendedKeyUsage = clientAuth\nsubjectAltName = email:{A}\n")
ossl("x509", "-req", "-in", "c.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "7",
     "-days", "1", "-extfile", "c.ext", "-out", "c.pem")
CERT_FOREIGN = (os.path.join(FOREIGN, "c.pem"), os.path.join(FOREIGN, "c.key"))

# IMAP STARTTLS + EXTERNAL: logged in as the certificate's user (proved by
# an APPEND that A then finds with a password login; in Drafts, so that the
# INBOX counts checked further down do not change).
m = imaplib.IMAP4(TLS_NAME, int(E["IMAP_PORT"]))
check("AUTH=EXTERNAL" in m.capabilities, "IMAP offers AUTH=EXTERNAL", " ".join(m.capabilities))
m.starttls(ssl_context=cert_ctx(CERT_A))
typ, data = external(m)
check(typ == "OK", "IMAP STARTTLS + AUTHENTICATE EXTERNAL with a client certificate", f"{typ} {data[0].decode()}")
mark = f"cert-login-{RUN}"
typ, data = m.append("Drafts", None, None, message(A, A, mark))
check(typ == "OK", "APPEND in the EXTERNAL session", f"{typ} {data[0].decode()}")
m.logout()
m = imap_login(A, PW)
m.select("Drafts")
typ, data = m.search(None, "SUBJECT", mark)
check(bool(data[0]), "EXTERNAL session was the certificate's user (password login finds its APPEND)", f"SEARCH {data[0].decode()}")
m.logout()
imap_external_refused("IMAP EXTERNAL without a client certificate refused", None)
imap_external_refused("IMAP EXTERNAL with a certificate for an unknown address refused", CERT_GHOST)
imap_external_refused("IMAP EXTERNAL with a certificate from another CA refused", CERT_FOREIGN)
m = imap_starttls()
typ, _ = m.login(A, PW)
check(typ == "OK", "IMAP LOGIN without a certificate still works (certificate asked, not required)")
m.logout()

# Submission with a client certificate and no AUTH.
s = smtplib.SMTP(TLS_NAME, int(E["SMTP_SUBMISSION_PORT"]), timeout=20)
s.ehlo("client.test")
s.starttls(context=cert_ctx(CERT_A))
s.ehlo("client.test")
s.mail(A)
code, resp = s.rcpt(f"personne.{RUN}@{DOMAIN}")
check(code == 550, "submission with certificate: unknown recipient still refused at RCPT", f"{code} {resp.decode()}")
code, resp = s.rcpt(B)
check(code == 250, "submission STARTTLS with client certificate, no AUTH: RCPT", f"{code} {resp.decode()}")
cert_subject = f"Sent with a client certificate {RUN}"
code, resp = s.data(message(A, B, cert_subject))
check(code == 250, "submission with client certificate, no AUTH: DATA", f"{code} {resp.decode()}")
s.quit()
s = smtplib.SMTP_SSL(TLS_NAME, int(E["SMTPS_PORT"]), context=cert_ctx(CERT_A), timeout=20)
s.ehlo("client.test")
s.mail(A)
code, resp = s.rcpt(B)
check(code == 250, "SMTPS with client certificate, no AUTH: RCPT", f"{code} {resp.decode()}")
s.rset()
s.quit()
for name, cert in (("without certificate", None), ("with a certificate from another CA", CERT_FOREIGN)):
    s = smtplib.SMTP(TLS_NAME, int(E["SMTP_SUBMISSION_PORT"]), timeout=20)
    s.ehlo("client.test")
    s.starttls(context=cert_ctx(cert))
    s.ehlo("client.test")
    s.mail(A)
    code, resp = s.rcpt(B)
    check(500 <= code < 600, f"submission {name} and without AUTH refused", f"{code} {resp.decode()}")
    s.quit()
# B, by IMAPS + EXTERNAL, finds the message sent with A's certificate.
deadline = time.monotonic() + 10
while True:
    m = imaplib.IMAP4_SSL(TLS_NAME, int(E["IMAPS_PORT"]), ssl_context=cert_ctx(CERT_B))
    typ, login = external(m)
    m.select("INBOX")
    typ, data = m.search(None, "SUBJECT", f'"{cert_subject}"')
    m.logout()
    if data[0] or time.monotonic() > deadline:
        break
    time.sleep(0.1)
check(bool(data[0]), "IMAPS + EXTERNAL as the recipient: the certificate-sent message is in its INBOX",
      f"{login[0].decode()}; SEARCH {data[0].decode()}")
subprocess.run(["rm", "-rf", FOREIGN], check=False)

# ----------------------------------------------------------------- organisational mailbox
subprocess.run([E["ADD_ORG"], DIR, ORG, DEL], check=True, stdout=subprocess.DEVNULL)
s = smtp_submission()
s.login(A, PW)
s.sendmail(A, [ORG], message(A, ORG, "Pour le secretariat"))
s.quit()
m = imap_login(DEL, PW)
typ, data = m.list('""', "shared/*")
listing = [d.decode() for d in data if d]
# Dovecot 2.3 lists the owner's INBOX as the selectable node shared/<org>
# (and its other folders below it); shared/<org>/INBOX opens the same INBOX.
check(any(d.endswith(f'"/" shared/{ORG}') and "Noselect" not in d for d in listing)
      and any(d.endswith(f"shared/{ORG}/Sent") for d in listing),
      "delegate LISTs the organisational mailbox", " | ".join(listing))
deadline = time.monotonic() + 10
while True:
    typ, data = m.select(f'"shared/{ORG}/INBOX"')
    if typ != "OK" or int(data[0]) >= 1 or time.monotonic() > deadline:
        break
    m.close()
    time.sleep(0.1)
check(typ == "OK" and int(data[0]) >= 1, "delegate SELECTs shared/<org>/INBOX and sees the mail", f"{typ} EXISTS={data[0].decode()}")
typ, data = m.myrights(f'"shared/{ORG}/INBOX"')
ok("MYRIGHTS of the delegate", str(data))
m.logout()
m = imap_login(OTHER, PW)
typ, data = m.list('""', "shared/*")
check(not any(d for d in data if d), "non-delegate LISTs nothing under shared/", str(data))
typ, data = m.select(f'"shared/{ORG}/INBOX"')
check(typ == "NO", "non-delegate cannot SELECT the organisational mailbox", f"{typ} {data}")
m.logout()


def plain_as(org, user, pw):
    """AUTHENTICATE PLAIN with the organisational mailbox as authorization identity: (typ, the session or the error)."""
    m = imap_starttls()
    try:
        m.authenticate("PLAIN", lambda _: f"{org}\0{user}\0{pw}".encode())
        return "OK", m
    except imaplib.IMAP4.error as e:
        return "NO", str(e)


typ, m = plain_as(ORG, DEL, PW)
check(typ == "OK", "delegate signs in for the organisational mailbox (PLAIN authzid)", str(m))
if typ == "OK":
    typ, data = m.getquotaroot("INBOX")
    check(typ == "OK" and "512000" in str(data), "delegate signed in for it reads its quota", str(data))
    m.logout()
typ, err = plain_as(ORG, OTHER, PW)
check(typ == "NO", "non-delegate refused when signing in for the organisational mailbox", str(err))
s = smtp_submission()
s.login(OTHER, PW)
s.mail(ORG)
code, resp = s.rcpt(A)
check(code == 553, "non-delegate may not send under the organisational address", f"{code} {resp.decode()}")
s.quit()

# ----------------------------------------------------------------- quota
big = b"X-Filler: " + b"A" * 76 + b"\r\n"
two_mb = message(SMALL, SMALL, "Deux Mo", extra=big * (2 * 1024 * 1024 // len(big)))
m = imap_login(SMALL, PW)
typ, data = m.getquotaroot("INBOX")
check("1024" in str(data), "1 MB user GETQUOTAROOT", str(data))
typ, data = m.append("INBOX", None, None, two_mb)
check(typ == "NO" and b"OVERQUOTA" in data[0], "APPEND of 2 MB over a 1 MB quota refused", f"{typ} {data[0].decode()}")
m.logout()
s = smtp_submission()
s.login(A, PW)
try:
    s.sendmail(A, [SMALL], two_mb)  # smtplib declares SIZE=
    fail("delivery over quota refused at RCPT (SIZE declared)", "accepted")
except smtplib.SMTPRecipientsRefused as e:
    code, resp = e.recipients[SMALL]
    check(code == 552, "delivery over quota refused at RCPT (SIZE declared)", f"{code} {resp.decode()}")
# Without SIZE the RCPT passes; LMTP refuses at DATA and Postfix bounces to the sender.
s.mail(A)
s.rcpt(SMALL)
code, resp = s.data(two_mb)
s.quit()
n = wait_messages(A, PW, "INBOX", 1)
m = imap_login(A, PW)
m.select("INBOX")
typ, data = m.search(None, "FROM", "MAILER-DAEMON")
bounce = b""
if data[0]:
    typ, msg = m.fetch(data[0].split()[-1], "(BODY.PEEK[TEXT])")
    bounce = msg[0][1]
m.logout()
line = next((l for l in bounce.decode(errors="replace").splitlines() if "quota" in l.lower()), "")
check(b"5.2.2" in bounce, "delivery over quota without SIZE bounces with 5.2.2", line.strip())

# ----------------------------------------------------------------- ManageSieve
def sieve_read(f):
    lines = []
    while True:
        line = f.readline().decode().rstrip("\r\n")
        lines.append(line)
        if line.startswith(("OK", "NO", "BYE")):
            return lines


raw = socket.create_connection((H, int(E["MANAGESIEVE_PORT"])), timeout=10)
f = raw.makefile("rb")
greet = sieve_read(f)
raw.sendall(b"STARTTLS\r\n")
sieve_read(f)
tls = CTX.wrap_socket(raw, server_hostname=TLS_NAME)
f = tls.makefile("rb")
caps = sieve_read(f)
sieve_line = next(l for l in caps if l.startswith('"SIEVE"'))
check("vacation" in sieve_line and "enotify" in sieve_line and "fileinto" in sieve_line and "imap4flags" in sieve_line,
      "ManageSieve CAPABILITY after STARTTLS", " ".join(caps))
auth = base64.b64encode(f"\0{B}\0{PW}".encode()).decode()
tls.sendall(f'AUTHENTICATE "PLAIN" "{auth}"\r\n'.encode())
check(sieve_read(f)[-1].startswith("OK"), "ManageSieve AUTHENTICATE PLAIN")
script = ('require ["vacation", "fileinto", "mailbox", "enotify", "imap4flags"];\r\n'
          'if address :domain "from" "patient.mssante.fr" { fileinto :create "Échanges Patients"; stop; }\r\n'
          f'notify :message "Nouveau message" "mailto:{A}";\r\n'
          'vacation :days 1 :subject "Absent" "Je suis absent.";\r\n').encode()
tls.sendall(b'PUTSCRIPT "mss" {%d+}\r\n' % len(script) + script + b"\r\n")
r = sieve_read(f)
check(r[-1].startswith("OK"), "PUTSCRIPT (vacation, enotify mailto, fileinto)", " ".join(r))
tls.sendall(b'SETACTIVE "mss"\r\n')
check(sieve_read(f)[-1].startswith("OK"), "SETACTIVE")
tls.sendall(b"LOGOUT\r\n")
tls.close()
# Plain port (like an MX): a patient's message is filed into "Échanges Patients".
s = smtplib.SMTP(H, int(E["SMTP_PLAIN_PORT"]), timeout=20)
s.sendmail(PATIENT, [B], message(PATIENT, B, "Message patient"))
s.sendmail(A, [B], message(A, B, "Pendant les vacances"))
s.quit()
n = wait_messages(B, PW, "&AMk-changes Patients", 1)
check(n == 1, "Sieve fileinto: patient message in 'Échanges Patients'", f"MESSAGES {n}")
deadline = time.monotonic() + 10
subjects = []
while time.monotonic() < deadline:
    m = imap_login(A, PW)
    m.select("INBOX")
    typ, data = m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT FROM)])")
    subjects = [x[1].decode().strip().replace("\r\n", " ") for x in data if isinstance(x, tuple)]
    m.logout()
    if any("Absent" in x for x in subjects) and any("Nouveau message" in x or "notification" in x.lower() or B in x for x in subjects if "Absent" not in x and "Delivery" not in x):
        break
    time.sleep(0.2)
check(any("Absent" in x for x in subjects), "Sieve vacation reply received by the sender", " || ".join(subjects))
ok("Sieve enotify mailto (messages in notified INBOX)", " || ".join(subjects))

# ----------------------------------------------------------------- implicit TLS
m = imaplib.IMAP4_SSL(TLS_NAME, int(E["IMAPS_PORT"]), ssl_context=CTX)
m.login(A, PW)
check(True, "IMAPS (implicit TLS) LOGIN", m.sock.version())
m.logout()
s = smtplib.SMTP_SSL(TLS_NAME, int(E["SMTPS_PORT"]), context=CTX, timeout=20)
s.ehlo("client.test")
code, resp = s.login(A, PW)
check(code == 235, "SMTPS (implicit TLS) AUTH", f"{s.sock.version()} {code} {resp.decode()}")
s.quit()
try:
    ctx12 = ssl.create_default_context(cafile=E["CA_CERT"])
    ctx12.maximum_version = ssl.TLSVersion.TLSv1_1
    ctx12.minimum_version = ssl.TLSVersion.TLSv1
    ctx12.set_ciphers("ALL:@SECLEVEL=0")
    imaplib.IMAP4_SSL(TLS_NAME, int(E["IMAPS_PORT"]), ssl_context=ctx12)
    fail("TLS 1.1 refused", "handshake succeeded")
except (ssl.SSLError, OSError) as e:
    ok("TLS <= 1.1 refused on IMAPS", type(e).__name__ + " " + str(e)[:80])

# ----------------------------------------------------------------- revocation (CRLs over HTTP)
def crl_ctx():
    """Validation with the CAs' CRLs, fetched from the stack's CRL server, checked for the whole chain."""
    c = ssl.create_default_context(cafile=E["CA_CERT"])
    with tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False) as f:
        for name in ("root.crl", "intermediate.crl"):
            der = urllib.request.urlopen(f"{E['CRL_URL']}/{name}", timeout=10).read()
            f.write("-----BEGIN X509 CRL-----\n" + base64.encodebytes(der).decode() + "-----END X509 CRL-----\n")
    c.load_verify_locations(cafile=f.name)
    os.unlink(f.name)
    c.verify_flags |= ssl.VERIFY_CRL_CHECK_CHAIN
    return c


m = imaplib.IMAP4_SSL(TLS_NAME, int(E["IMAPS_PORT"]), ssl_context=crl_ctx())
check(True, "IMAPS certificate and intermediate verified with the published CRLs", m.sock.version())
m.logout()
revoked = subprocess.run(["openssl", "verify", "-crl_check_all", "-crl_download", "-CAfile", E["CA_CERT"],
                          "-untrusted", E["INTERMEDIATE_CERT"], E["REVOKED_CERT"]], capture_output=True, text=True)
check(revoked.returncode != 0 and "revoked" in (revoked.stdout + revoked.stderr), "the revoked test certificate is in the published CRL",
      (revoked.stdout + revoked.stderr).strip())

# ----------------------------------------------------------------- no-TLS ports
m = imaplib.IMAP4(E["IMAP_PLAIN_HOST"], int(E["IMAP_PLAIN_PORT"]))
caps = m.capabilities
check("STARTTLS" not in caps and "LOGINDISABLED" not in caps, "plain IMAP offers no STARTTLS", " ".join(caps))
m.logout()
s = smtplib.SMTP(H, int(E["SMTP_PLAIN_PORT"]), timeout=20)
s.ehlo("client.test")
check("starttls" not in s.esmtp_features, "plain SMTP offers no STARTTLS", " ".join(sorted(s.esmtp_features)))
s.quit()
s = smtplib.SMTP(H, int(E["SMTP_SUBMISSION_PORT"]), timeout=20)
s.ehlo("client.test")
check("auth" not in s.esmtp_features and "starttls" in s.esmtp_features, "submission offers no AUTH before STARTTLS",
      " ".join(sorted(s.esmtp_features)))
s.quit()

print(f"all checks passed in {time.monotonic() - T0:.1f}s")
