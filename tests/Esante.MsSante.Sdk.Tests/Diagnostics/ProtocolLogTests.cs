using System.Text;
using Esante.MsSante.Diagnostics;

namespace Esante.MsSante.Tests.Diagnostics;

/// <summary>
/// The protocol log for an operator's support desk: known IMAP, SMTP and ManageSieve exchanges go through the redacting
/// logger, byte by byte as well as whole, and what it writes keeps the protocol and loses every secret and health value.
/// </summary>
public class ProtocolLogTests
{
    /// <summary>Values of the exchanges below that must never be written.</summary>
    internal static readonly string[] Secrets =
    [
        "Secret-Pass-1", "claire.roux", "279035121518989", "patient.mssante.fr", "Diagnostic", "confidentiel", "Dupont",
        "Corps du message", "ordonnance", "eyJhbGciOi", "AGNsYWlyZ", "dXNlcj1jbGFpcm", "secretariat", "Absent jusqu",
        "chu-test.mssante.fr", "Roux", "MARTIN",
    ];

    private static readonly string Plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0claire.roux@chu-test.mssante.fr\0Secret-Pass-1"));

    private static readonly string Xoauth2 = Convert.ToBase64String(Encoding.UTF8.GetBytes("user=claire.roux@chu-test.mssante.fr\u0001auth=Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig\u0001\u0001"));

    private const string Message =
        "From: Claire Roux <claire.roux@chu-test.mssante.fr>\r\nTo: 279035121518989@patient.mssante.fr\r\n" +
        "Subject: Diagnostic confidentiel\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nCorps du message\r\n" +
        "--b\r\nContent-Disposition: attachment; filename=ordonnance.pdf\r\n\r\nJVBERi0=\r\n--b--\r\n";

    private const string SieveScript = "require [\"vacation\"];\r\nvacation :addresses [\"secretariat@chu-test.mssante.fr\"] \"Absent jusqu'au 3, écrivez à dupont@chu-test.mssante.fr\";\r\n";

    private static (string Side, string Text)[] ImapExchange()
    {
        var body = Encoding.UTF8.GetByteCount(Message);
        return
        [
            ("S", "* OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ AUTH=PLAIN AUTH=OAUTHBEARER] Dovecot ready.\r\n"),
            ("C", $"A0001 AUTHENTICATE PLAIN {Plain}\r\n"),
            ("S", "A0001 OK [CAPABILITY IMAP4rev1 IDLE METADATA] Logged in\r\n"),
            ("C", "A0002 LOGIN claire.roux Secret-Pass-1\r\n"),
            ("S", "A0002 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
            ("C", "A0003 AUTHENTICATE XOAUTH2\r\n"),
            ("S", "+ \r\n"),
            ("C", Xoauth2 + "\r\n"),
            ("S", "+ eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIn0=\r\n"),
            ("C", "\r\n"),
            ("S", "A0003 NO [AUTHENTICATIONFAILED] Authentication failed.\r\n"),
            ("C", "A0004 LIST \"\" \"*\" RETURN (SUBSCRIBED)\r\n"),
            ("S", "* LIST (\\HasNoChildren \\Sent) \"/\" Sent\r\n"),
            ("S", "* LIST (\\HasNoChildren) \"/\" \"Patients/Dupont Jean\"\r\n"),
            ("S", "* LIST (\\Noselect) \"/\" \"shared/secretariat@chu-test.mssante.fr\"\r\n"),
            ("S", "A0004 OK List completed (0.001 + 0.000 secs).\r\n"),
            ("C", "A0005 SELECT \"Patients/Dupont Jean\" (CONDSTORE)\r\n"),
            ("S", "A0005 NO [NONEXISTENT] Mailbox doesn't exist: Patients/Dupont Jean\r\n"),
            ("C", "A0006 UID SEARCH RETURN (ALL) SUBJECT \"Diagnostic\" FROM 279035121518989@patient.mssante.fr\r\n"),
            ("S", "* ESEARCH (TAG \"A0006\") UID ALL 4:7\r\n"),
            ("S", "A0006 OK Search completed.\r\n"),
            ("C", $"A0007 APPEND Sent (\\Seen) \"07-Dec-2026 02:00:00 +0000\" {{{body}+}}\r\n{Message}\r\n"),
            ("S", "A0007 OK [APPENDUID 1700000000 12] Append completed.\r\n"),
            ("C", "A0008 UID FETCH 12 (UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])\r\n"),
            ("S", "* 1 FETCH (UID 12 FLAGS (\\Seen $MDNSent dupont MARTIN) ENVELOPE (\"Mon, 7 Dec 2026\" \"Diagnostic confidentiel\" ((\"Claire Roux\" NIL \"claire.roux\" \"chu-test.mssante.fr\")) NIL NIL ((NIL NIL \"279035121518989\" \"patient.mssante.fr\")) NIL NIL NIL \"<m1@chu>\") " +
                $"BODYSTRUCTURE ((\"text\" \"plain\" NIL NIL NIL \"7bit\" 16 1) (\"application\" \"pdf\" (\"name\" \"ordonnance.pdf\") NIL NIL \"base64\" 8) \"mixed\") BODY[] {{{body}}}\r\n{Message})\r\n"),
            ("S", "A0008 OK Fetch completed.\r\n"),
            ("C", "A0009 SETMETADATA INBOX (/shared/vendor/esante-mssante/contacts \"Dupont Jean <279035121518989@patient.mssante.fr>\")\r\n"),
            ("S", "A0009 OK Setmetadata completed.\r\n"),
            ("C", "A0010 IDLE\r\n"),
            ("S", "+ idling\r\n"),
            ("S", "* 5 EXISTS\r\n"),
            ("C", "DONE\r\n"),
            ("S", "A0010 OK Idle completed.\r\n"),
        ];
    }

    private static (string Side, string Text)[] SmtpExchange()
    {
        return
        [
            ("S", "220 mx.operateur.fr ESMTP Postfix\r\n"),
            ("C", "EHLO [127.0.0.1]\r\n"),
            ("S", "250-mx.operateur.fr\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-AUTH PLAIN OAUTHBEARER\r\n250 DSN\r\n"),
            ("C", $"AUTH PLAIN {Plain}\r\n"),
            ("S", "535 5.7.8 Error: authentication failed: claire.roux@chu-test.mssante.fr\r\n"),
            ("C", "AUTH XOAUTH2\r\n"),
            ("S", "334 \r\n"),
            ("C", Xoauth2 + "\r\n"),
            ("S", "235 2.7.0 Authentication successful\r\n"),
            ("C", "MAIL FROM:<claire.roux@chu-test.mssante.fr> SIZE=400 BODY=8BITMIME ENVID=m1@chu AUTH=<claire.roux@chu-test.mssante.fr>\r\n"),
            ("S", "250 2.1.0 Ok\r\n"),
            ("C", "RCPT TO:<279035121518989@patient.mssante.fr> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;279035121518989@patient.mssante.fr\r\n"),
            ("S", "250 2.1.5 Ok\r\n"),
            ("C", "RCPT TO:<dupont@chu-test.mssante.fr>\r\n"),
            ("S", "550 5.1.1 <dupont@chu-test.mssante.fr>: Recipient address rejected: User unknown\r\n"),
            ("C", "DATA\r\n"),
            ("S", "354 End data with <CR><LF>.<CR><LF>\r\n"),
            ("C", Message + ".\r\n"),
            ("S", "250 2.0.0 Ok: queued as 4Fq2Z\r\n"),
            ("C", "DATA\r\n"),
            ("S", "554 5.5.1 Error: no valid recipients\r\n"),
            ("C", "RSET\r\n"),
            ("S", "250 2.0.0 Ok\r\n"),
            ("C", "QUIT\r\n"),
            ("S", "221 2.0.0 Bye\r\n"),
        ];
    }

    private static (string Side, string Text)[] SieveExchange()
    {
        const string script = SieveScript;
        var size = Encoding.UTF8.GetByteCount(script);
        var plainSize = Encoding.UTF8.GetByteCount(Plain);
        return
        [
            ("S", "\"IMPLEMENTATION\" \"Dovecot (Debian) Pigeonhole\"\r\n\"SASL\" \"PLAIN OAUTHBEARER\"\r\n\"SIEVE\" \"fileinto vacation enotify\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n"),
            ("C", $"AUTHENTICATE \"PLAIN\" {{{plainSize}+}}\r\n{Plain}\r\n"),
            ("S", "OK \"Logged in.\"\r\n"),
            ("S", "\"OWNER\" \"claire.roux@chu-test.mssante.fr\"\r\nOK\r\n"),
            ("C", "LISTSCRIPTS\r\n"),
            ("S", "\"esante-mssante\" ACTIVE\r\n\"Dupont perso\"\r\nOK \"Listscripts completed.\"\r\n"),
            ("C", "GETSCRIPT \"esante-mssante\"\r\n"),
            ("S", $"{{{size}}}\r\n{script}\r\nOK \"Getscript completed.\"\r\n"),
            ("C", $"PUTSCRIPT \"esante-mssante\" {{{size}+}}\r\n{script}\r\n"),
            ("S", "NO \"line 2: error: invalid address 'secretariat@chu-test.mssante.fr' Absent jusqu'au 3\"\r\n"),
            ("C", "AUTHENTICATE \"OAUTHBEARER\" {4+}\r\nAGNs\r\n"),
            ("S", "{8}\r\neyJhbGci\r\n"),
            ("C", "\"*\"\r\n"),
            ("S", "NO (SASL) \"Authentication failed.\"\r\n"),
            ("C", "LOGOUT\r\n"),
            ("S", "OK (QUOTA/MAXSIZE) \"Logout completed.\"\r\n"),
        ];
    }

    private static string Log(MailProtocol protocol, (string Side, string Text)[] exchange, bool byteByByte)
    {
        var writer = new StringWriter();
        using (var logger = new RedactingProtocolLogger(writer, protocol, TimeProvider.System))
        {
            logger.LogConnect(new Uri("imap://127.0.0.1:143"));
            foreach (var (side, text) in exchange)
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                // Byte by byte: MailKit hands the logger whatever its reads and writes hold, cut anywhere.
                for (var offset = 0; offset < bytes.Length; offset += byteByByte ? 1 : bytes.Length)
                {
                    var count = byteByByte ? 1 : bytes.Length;
                    if (side == "C")
                    {
                        logger.LogClient(bytes, offset, count);
                    }
                    else
                    {
                        logger.LogServer(bytes, offset, count);
                    }
                }
            }
        }
        // Timestamps aside.
        return string.Join('\n', writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]));
    }

    private static (string Side, string Text)[] Exchange(MailProtocol protocol) => protocol switch
    {
        MailProtocol.Imap => ImapExchange(),
        MailProtocol.Smtp => SmtpExchange(),
        _ => SieveExchange(),
    };

    [Theory]
    [InlineData("Imap", false)]
    [InlineData("Imap", true)]
    [InlineData("Smtp", false)]
    [InlineData("Smtp", true)]
    [InlineData("ManageSieve", false)]
    [InlineData("ManageSieve", true)]
    public void No_secret_address_or_health_value_is_written(string name, bool byteByByte)
    {
        var protocol = Enum.Parse<MailProtocol>(name);
        var log = Log(protocol, Exchange(protocol), byteByByte);

        Assert.NotEmpty(log);
        foreach (var secret in Secrets)
        {
            Assert.DoesNotContain(secret, log, StringComparison.OrdinalIgnoreCase);
        }
        Assert.DoesNotContain("@", log, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_imap_log_keeps_tags_commands_statuses_codes_capabilities_numbers_and_standard_folders(bool byteByByte)
    {
        var log = Log(MailProtocol.Imap, ImapExchange(), byteByByte).Split('\n');
        var body = Encoding.UTF8.GetByteCount(Message);

        Assert.Equal("Connected to imap://127.0.0.1:143", log[0]);
        Assert.Equal("S: * OK [CAPABILITY IMAP4rev1 SASL-IR LITERAL+ AUTH=PLAIN AUTH=OAUTHBEARER] Dovecot ready.", log[1]);
        Assert.Equal($"C: A0001 AUTHENTICATE PLAIN [redacted {Plain.Length} bytes]", log[2]);
        Assert.Equal("S: A0001 OK [CAPABILITY IMAP4rev1 IDLE METADATA] Logged in", log[3]);
        Assert.Matches(@"^C: A0002 LOGIN \[redacted [0-9]+ bytes\]$", log[4]);
        Assert.Contains("S: A0002 NO [AUTHENTICATIONFAILED] Authentication failed.", log);
        Assert.Contains("C: A0003 AUTHENTICATE XOAUTH2", log);
        Assert.Contains($"C: [redacted {Xoauth2.Length} bytes]", log);
        Assert.Contains("C: A0004 LIST \"\" \"*\" RETURN (SUBSCRIBED)", log);
        Assert.Contains("S: * LIST (\\HasNoChildren \\Sent) \"/\" Sent", log);
        Assert.Contains("S: * LIST (\\HasNoChildren) \"/\" \"[redacted 8 bytes]/[redacted 11 bytes]\"", log);
        Assert.Contains("S: * LIST (\\Noselect) \"/\" \"shared/[redacted 31 bytes]\"", log);
        Assert.Contains("C: A0005 SELECT \"[redacted 8 bytes]/[redacted 11 bytes]\" (CONDSTORE)", log);
        Assert.Contains("S: A0005 NO [NONEXISTENT] Mailbox doesn't exist: [redacted 20 bytes]", log);
        Assert.Matches(@"^C: A0006 UID SEARCH \[redacted [0-9]+ bytes\]$", log.Single(l => l.Contains("A0006 UID", StringComparison.Ordinal)));
        Assert.Contains("S: * ESEARCH (TAG [redacted 5 bytes]) UID ALL 4:7", log);
        Assert.Contains($"C: A0007 APPEND Sent (\\Seen) [redacted 26 bytes] [redacted {body} bytes]", log);
        Assert.Contains("S: A0007 OK [APPENDUID 1700000000 12] Append completed.", log);
        Assert.Contains("C: A0008 UID FETCH 12 (UID FLAGS ENVELOPE BODYSTRUCTURE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])", log);
        var fetch = log.Single(l => l.StartsWith("S: * 1 FETCH", StringComparison.Ordinal));
        Assert.StartsWith("S: * 1 FETCH (UID 12 FLAGS (\\Seen $MDNSent [redacted 6 bytes] [redacted 6 bytes]) ENVELOPE (", fetch, StringComparison.Ordinal);
        Assert.Contains(" 16 1) ", fetch, StringComparison.Ordinal);
        Assert.EndsWith($"BODY[] [redacted {body} bytes])", fetch, StringComparison.Ordinal);
        Assert.Contains("C: A0009 SETMETADATA INBOX (/shared/vendor/esante-mssante/contacts [redacted 48 bytes])", log);
        Assert.Equal(["C: A0010 IDLE", "S: + idling", "S: * 5 EXISTS", "C: DONE", "S: A0010 OK Idle completed."], log[^5..]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_smtp_log_keeps_commands_replies_and_parameters_without_addresses_or_content(bool byteByByte)
    {
        var log = Log(MailProtocol.Smtp, SmtpExchange(), byteByByte).Split('\n');

        Assert.Contains("S: 220 mx.operateur.fr ESMTP Postfix", log);
        Assert.Contains("C: EHLO [127.0.0.1]", log);
        Assert.Contains("S: 250-SIZE 10240000", log);
        Assert.Contains("S: 250-AUTH PLAIN OAUTHBEARER", log);
        Assert.Contains($"C: AUTH PLAIN [redacted {Plain.Length} bytes]", log);
        Assert.Contains("S: 535 5.7.8 Error: authentication failed: [address]", log);
        Assert.Contains("S: 334 [redacted 0 bytes]", log);
        Assert.Contains($"C: [redacted {Xoauth2.Length} bytes]", log);
        Assert.Contains("C: MAIL FROM:<[redacted 31 bytes]> SIZE=400 BODY=8BITMIME ENVID=[redacted 6 bytes] AUTH=[redacted 33 bytes]", log);
        Assert.Contains("C: RCPT TO:<[redacted 34 bytes]> NOTIFY=SUCCESS,FAILURE ORCPT=[redacted 41 bytes]", log);
        Assert.Contains("S: 550 5.1.1 <[address]>: Recipient address rejected: User unknown", log);
        Assert.Equal(["C: DATA", "S: 354 End data with <CR><LF>.<CR><LF>", $"C: [redacted {Encoding.UTF8.GetByteCount(Message)} bytes]", "C: .", "S: 250 2.0.0 Ok: queued as 4Fq2Z"],
            log.SkipWhile(l => l != "C: DATA").Take(5));
        // A refused DATA is followed by commands, not content.
        Assert.Equal(["C: DATA", "S: 554 5.5.1 Error: no valid recipients", "C: RSET", "S: 250 2.0.0 Ok", "C: QUIT", "S: 221 2.0.0 Bye"], log[^6..]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_managesieve_log_keeps_capabilities_and_statuses_without_scripts_credentials_or_the_owner(bool byteByByte)
    {
        var log = Log(MailProtocol.ManageSieve, SieveExchange(), byteByByte).Split('\n');

        Assert.Contains("S: \"IMPLEMENTATION\" \"Dovecot (Debian) Pigeonhole\"", log);
        Assert.Contains("S: \"SIEVE\" \"fileinto vacation enotify\"", log);
        Assert.Contains("S: \"STARTTLS\"", log);
        Assert.Contains($"C: AUTHENTICATE \"PLAIN\" [redacted {Plain.Length} bytes]", log);
        Assert.Contains("S: OK \"Logged in.\"", log);
        Assert.Contains("S: \"OWNER\" [redacted 31 bytes]", log);
        Assert.Contains("S: \"esante-mssante\" ACTIVE", log);
        Assert.Contains("S: [redacted 12 bytes]", log);
        Assert.Contains($"S: [redacted {Encoding.UTF8.GetByteCount(SieveScript)} bytes]", log);
        Assert.Contains("C: GETSCRIPT \"esante-mssante\"", log);
        Assert.Single(log, l => l.StartsWith("C: PUTSCRIPT \"esante-mssante\" [redacted ", StringComparison.Ordinal));
        Assert.Single(log, l => l.StartsWith("S: NO [redacted ", StringComparison.Ordinal));
        Assert.Contains("C: AUTHENTICATE \"OAUTHBEARER\" [redacted 4 bytes]", log);
        Assert.Contains("S: [redacted 8 bytes]", log);
        Assert.Contains("C: [redacted 3 bytes]", log);
        Assert.Contains("S: NO (SASL) \"Authentication failed.\"", log);
        Assert.Contains("S: OK (QUOTA/MAXSIZE) \"Logout completed.\"", log);
    }

    [Fact]
    public void Mailkits_secret_detector_masks_sign_in_bytes_before_the_whitelist_sees_them()
    {
        var writer = new StringWriter();
        using (var logger = new RedactingProtocolLogger(writer, MailProtocol.Imap, TimeProvider.System))
        {
            logger.AuthenticationSecretDetector = new EverythingSecret();
            var bytes = Encoding.ASCII.GetBytes("A0001 CAPABILITY\r\n");
            logger.LogClient(bytes, 0, bytes.Length);
        }

        Assert.EndsWith("C: [redacted 16 bytes]\n", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_line_too_long_to_read_is_only_counted()
    {
        var writer = new StringWriter();
        using (var logger = new RedactingProtocolLogger(writer, MailProtocol.Imap, TimeProvider.System))
        {
            var bytes = Encoding.ASCII.GetBytes("* SEARCH " + string.Concat(Enumerable.Repeat("Dupont ", 20_000)) + "\r\n");
            logger.LogServer(bytes, 0, bytes.Length);
        }

        Assert.EndsWith("S: [redacted 140011 bytes] (a line too long to read)\n", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_log_is_off_by_default_and_a_file_per_connection_when_a_directory_is_set()
    {
        var logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Assert.IsType<MailKit.NullProtocolLogger>(ProtocolLogs.Create(new ImapOperatorOptions { ImapHost = "imap" }, MailProtocol.Imap, TimeProvider.System, logger));

        var directory = Path.Combine(Path.GetTempPath(), "mssante-protocol-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new ImapOperatorOptions { ImapHost = "imap", ProtocolLogDirectory = directory };
            using (var first = ProtocolLogs.Create(options, MailProtocol.Imap, TimeProvider.System, logger))
            using (var second = ProtocolLogs.Create(options, MailProtocol.Smtp, TimeProvider.System, logger))
            {
                first.LogConnect(new Uri("imap://127.0.0.1:143"));
                second.LogConnect(new Uri("smtp://127.0.0.1:587"));
            }
            var files = System.IO.Directory.GetFiles(directory).Select(Path.GetFileName).Order().ToList();
            Assert.Equal(2, files.Count);
            Assert.Matches(@"^imap-[0-9]{8}-[0-9]{6}\.[0-9]{3}-[0-9]{4}-[0-9]+\.log$", files[0]);
            Assert.StartsWith("smtp-", files[1], StringComparison.Ordinal);
            Assert.Contains("Connected to imap://127.0.0.1:143", File.ReadAllText(Path.Combine(directory, files[0]!)), StringComparison.Ordinal);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class EverythingSecret : MailKit.IAuthenticationSecretDetector
    {
        public IList<MailKit.AuthenticationSecret> DetectSecrets(byte[] buffer, int offset, int count) =>
            [new MailKit.AuthenticationSecret(offset, count - 2)];
    }
}
