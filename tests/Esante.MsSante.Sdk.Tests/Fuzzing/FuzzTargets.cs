using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Esante.MsSante.Directory;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Xdm;
using Esante.MsSante.Operators;
using Esante.MsSante.Operators.Imap;
using Esante.MsSante.Tests.Messages;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MimeKit;

namespace Esante.MsSante.Tests.Fuzzing;

/// <summary>What one input did to a reader.</summary>
internal enum FuzzOutcome
{
    /// <summary>A result.</summary>
    Result,

    /// <summary>One of the reader's documented exceptions.</summary>
    Refused,

    /// <summary>Any other exception: a bug.</summary>
    Crash,
}

/// <summary>
/// One reader of remote or file input under fuzzing: its valid seeds, how an input reaches it, and which exceptions its
/// documentation promises (anything else is a bug).
/// </summary>
/// <param name="Name">The reader.</param>
/// <param name="Seeds">Valid inputs the mutations start from.</param>
/// <param name="Run">Feeds one input to the reader, as the SDK does with what it receives.</param>
/// <param name="IsDocumented">Whether an exception is one the reader documents.</param>
/// <param name="Structured">Rebuilds a mutated inner part into the container the reader expects (zip, signed token), or null.</param>
internal sealed record FuzzTarget(string Name, IReadOnlyList<byte[]> Seeds, Func<byte[], Task> Run, Func<Exception, bool> IsDocumented, Func<byte[], byte[]>? Structured = null)
{
    /// <summary>Runs one input and says what came of it, with the exception when there was one.</summary>
    public async Task<(FuzzOutcome Outcome, Exception? Error)> ClassifyAsync(byte[] input)
    {
        try
        {
            await Run(input).ConfigureAwait(false);
            return (FuzzOutcome.Result, null);
        }
        catch (Exception e)
        {
            return (IsDocumented(e) ? FuzzOutcome.Refused : FuzzOutcome.Crash, e);
        }
    }

    public override string ToString() => Name;
}

/// <summary>The readers fuzzed: every reader of bytes that come from a server, another party or a file.</summary>
internal static class FuzzTargets
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Every target; built on first use, after the keys and seeds they need.</summary>
    public static IReadOnlyList<FuzzTarget> All => Targets.Value;

    public static FuzzTarget Named(string name) => All.Single(t => t.Name == name);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // ---- Directory extraction file (text and zip) ----

    private static FuzzTarget Extraction()
    {
        var generator = new ExtractionFileGenerator { RowCount = 12, Seed = 3 };
        using var text = new MemoryStream();
        generator.WriteText(text);
        using var zip = new MemoryStream();
        generator.WriteZip(zip);
        var header = ExtractionColumns.HeaderLine + "\n";
        return new("ExtractionFile", [text.ToArray(), zip.ToArray(), Utf8(header), Utf8(header + string.Join('|', Enumerable.Repeat("x", ExtractionColumns.Count)) + "\n")],
            async input =>
            {
                var result = await ExtractionFileLoader.ReadAsync(new MemoryStream(input, writable: false)).ConfigureAwait(false);
                if (Environment.GetEnvironmentVariable("FUZZ_EXTRACTION_BUILD") == "1")
                {
                    _ = ExtractionDirectoryIndex.Build(result);
                }
            },
            e => e is InvalidDataException);
    }

    // ---- Mailbox import (mbox and zip of .eml) ----

    private const string Message = "From: Jean Dupont <jean.dupont@chu-angers.mssante.fr>\nTo: <a@b.mssante.fr>\nSubject: =?utf-8?q?R=C3=A9sultat?=\nDate: Thu, 06 Nov 2026 09:05:00 +0000\nMessage-ID: <1@chu>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nRésultat\n\n>From here\nFin\n";

    private static FuzzTarget MboxImport()
    {
        var mbox = $"From jean.dupont@chu-angers.mssante.fr Thu Nov  6 09:05:00 2026\n{Message}\nFrom MAILER-DAEMON Thu Nov  6 09:06:00 2026\n{Message}\n";
        return new("MboxImport", [Utf8(mbox), Utf8("From x\n\n"), Utf8("From a Thu Nov  6 09:05:00 2026\r\nSubject: x\r\n\r\nbody\r\n\r\nFrom b\r\n")],
            input => ImportAsync(MailboxExportFormat.Mbox, input), e => e is InvalidDataException);
    }

    private static FuzzTarget ZipImport()
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "0001.eml", "dossier/", "0002.eml", "lisez-moi.txt" })
            {
                var entry = archive.CreateEntry(name);
                entry.LastWriteTime = new DateTimeOffset(2026, 11, 6, 9, 5, 0, TimeSpan.Zero);
                if (!name.EndsWith('/'))
                {
                    using var stream = entry.Open();
                    stream.Write(Utf8(Message));
                }
            }
        }
        return new("ZipImport", [zip.ToArray()], input => ImportAsync(MailboxExportFormat.EmlZip, input), e => e is InvalidDataException);
    }

    /// <summary>Reads every member as the import does: the archive's reader, then each member's bytes parsed as a message.</summary>
    private static async Task ImportAsync(MailboxExportFormat format, byte[] input)
    {
        using var reader = await MailboxImportReader.OpenAsync(format, new MemoryStream(input, writable: false), 256 * 1024, CancellationToken.None).ConfigureAwait(false);
        for (var i = 0; i < 10_000; i++)
        {
            using var member = await reader.NextAsync(CancellationToken.None).ConfigureAwait(false);
            if (member is null)
            {
                return;
            }
            if (member.Content is { } content)
            {
                try
                {
                    using var message = new MimeParser(content, MimeFormat.Entity, persistent: true).ParseMessage();
                    _ = new ReceivedMessage(new MessageInfo { Ref = new MessageRef("INBOX", 1, 1) }, message);
                }
                catch (FormatException)
                {
                    // Skipped by the import as « not a message ».
                }
            }
        }
        throw new InvalidOperationException("More than 10,000 members read from a small input: the reader does not end.");
    }

    // ---- XDM archive and its METADATA.XML ----

    private static FuzzTarget XdmArchiveReader()
    {
        var seeds = new[] { XdmTests.Package().ToZip(Now), XdmTests.Package(withCda: false).ToZip(Now) };
        return new("XdmArchive", seeds, input => { ReadXdm(input); return Task.CompletedTask; }, e => e is InvalidDataException);
    }

    private static void ReadXdm(byte[] zip)
    {
        var archive = XdmArchive.Read(new MemoryStream(zip, writable: false), 4 * 1024 * 1024);
        foreach (var document in archive.Documents)
        {
            _ = document.ToString();
        }
    }

    /// <summary>METADATA.XML mutated as text, put back in an otherwise valid archive: the XML reader, not the zip reader, is fuzzed.</summary>
    private static FuzzTarget XdmMetadata()
    {
        // The archive's entries, read once: the generator rebuilds archives from several threads.
        var entries = new List<(string Name, byte[] Content)>();
        using (var archive = new ZipArchive(new MemoryStream(XdmTests.Package().ToZip(Now))))
        {
            foreach (var entry in archive.Entries)
            {
                using var stream = new MemoryStream();
                using (var from = entry.Open())
                {
                    from.CopyTo(stream);
                }
                entries.Add((entry.FullName, stream.ToArray()));
            }
        }
        var metadata = entries.Single(e => e.Name.EndsWith("METADATA.XML", StringComparison.Ordinal)).Content;
        byte[] Rezip(byte[] xml)
        {
            using var output = new MemoryStream();
            using (var copy = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var (name, content) in entries)
                {
                    var target = copy.CreateEntry(name, CompressionLevel.NoCompression);
                    using var to = target.Open();
                    to.Write(name.EndsWith("METADATA.XML", StringComparison.Ordinal) ? xml : content);
                }
            }
            return output.ToArray();
        }
        return new("XdmMetadata", [metadata], input => { ReadXdm(input); return Task.CompletedTask; }, e => e is InvalidDataException, Rezip);
    }

    // ---- MDN and DSN reading: a received message's report ----

    private static FuzzTarget ReceivedMessageReports()
    {
        var original = new MimeMessage();
        original.From.Add(new MailboxAddress("Jean", "jean.dupont@chu-angers.mssante.fr"));
        original.To.Add(new MailboxAddress("Claire", "claire.martin@hopital.mssante.fr"));
        original.MessageId = "original@chu-angers";
        original.Subject = "Compte rendu";
        original.Body = new TextPart("plain") { Text = "x" };
        var from = MssanteAddress.Parse("claire.martin@hopital.mssante.fr");
        var to = MssanteAddress.Parse("jean.dupont@chu-angers.mssante.fr");
        byte[] Bytes(MimeMessage m)
        {
            using var stream = new MemoryStream();
            m.WriteTo(stream);
            return stream.ToArray();
        }
        var dsn = "From: MAILER-DAEMON@chu.mssante.fr\r\nTo: jean.dupont@chu-angers.mssante.fr\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nNot delivered.\r\n--b\r\n" +
            "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.chu.mssante.fr\r\n\r\nFinal-Recipient: rfc822; x@y.mssante.fr\r\nAction: failed\r\nStatus: 5.1.1\r\n" +
            "Diagnostic-Code: smtp; 550 5.1.1 unknown\r\n\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <original@chu-angers>\r\n--b--\r\n";
        var legacy = "From: a@b.mssante.fr\r\nMIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b\r\n\r\n--b\r\n" +
            "Content-Type: message/disposition-notification\r\n\r\nOriginal-Message-ID: <original@chu-angers>\r\nFinal-Recipient: rfc822;a@b.mssante.fr\r\n" +
            "Disposition: automatic-action/MDN-sent-automatically; processed/Error: 902^Identifiant de patient inconnu\r\n--b--\r\n";
        var seeds = new[]
        {
            Bytes(ReadReceiptComposer.Compose(original, ReadReceipt.Displayed, from, "Claire", to, "NIL", Now)),
            Bytes(ReadReceiptComposer.Compose(original, ReadReceipt.IntegrationFailed("902^Identifiant de patient inconnu^applicationErrorCondition"), from, null, to, "NIL", Now)),
            Utf8(dsn), Utf8(legacy),
        };
        return new("MdnDsnReading", seeds, input =>
        {
            MimeMessage message;
            try
            {
                message = new MimeParser(new MemoryStream(input, writable: false), MimeFormat.Entity).ParseMessage();
            }
            catch (FormatException)
            {
                return Task.CompletedTask; // not a message: MailKit refuses it before the SDK sees it
            }
            using (message)
            {
                var received = new ReceivedMessage(new MessageInfo { Ref = new MessageRef("INBOX", 1, 1) }, message);
                if (received.DispositionReport is { } report)
                {
                    _ = (report.OriginalMessageId, report.FinalRecipient, report.DispositionType, report.IsError, report.ErrorCode);
                }
                _ = received.ReadXdmArchive();
            }
            return Task.CompletedTask;
        }, e => e is InvalidDataException);
    }

    // ---- vCard ----

    private static FuzzTarget VCardReader()
    {
        var contact = new Contact("Jean Dupont; Dr, « cardiologue »")
        {
            Email = "jean.dupont@chu-angers.mssante.fr", Phone = "+33 2 41 00 00 00", Organisation = "CHU d'Angers", Title = "PH",
            NationalId = "810001234567", Note = "Ligne 1\nLigne 2, avec ; et \\",
        };
        return new("VCard", [Utf8(VCard.Write(contact)), Utf8("BEGIN:VCARD\r\nVERSION:4.0\r\nitem1.FN;CHARSET=UTF-8:A\r\n  B\r\nEND:VCARD\r\n")],
            input =>
            {
                _ = VCard.Read(Encoding.UTF8.GetString(input));
                return Task.CompletedTask;
            },
            e => e is FormatException);
    }

    // ---- Whitelist ----

    private static FuzzTarget Whitelist()
    {
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <ListeBlanche xmlns="https://listeblanche.mssante.fr/schema">
              <Domaine><Nom>hopital-partenaire.fr</Nom></Domaine>
              <Domaine><Nom> clinique-des-érables.fr </Nom></Domaine>
              <Domaine><Nom>labo.example.org</Nom><Nom>b.example.org</Nom></Domaine>
            </ListeBlanche>
            """;
        return new("Whitelist", [Utf8(xml), Utf8("<ListeBlanche><Domaine><Nom>a.fr</Nom></Domaine></ListeBlanche>")],
            async input => await TrustSpace.ParseWhitelistAsync(new MemoryStream(input, writable: false)).ConfigureAwait(false), e => e is FormatException);
    }

    // ---- ManageSieve responses ----

    private static FuzzTarget ManageSieve()
    {
        const string greeting = "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto reject envelope vacation include\"\r\n\"NOTIFY\" \"mailto\"\r\n" +
            "\"SASL\" \"PLAIN OAUTHBEARER\"\r\n\"STARTTLS\"\r\n\"VERSION\" \"1.0\"\r\nOK \"Dovecot ready.\"\r\n";
        const string commands = "\"mssante\" ACTIVE\r\n\"autre\"\r\nOK \"Listscripts completed.\"\r\n" +
            "{23}\r\nrequire [\"fileinto\"];\r\n\r\nOK \"Getscript completed.\"\r\n" +
            "NO (NONEXISTENT) \"There is no script by that name\"\r\nNO \"line 1: error\"\r\nOK (WARNINGS) \"ok\"\r\nBYE (REFERRAL \"sieve://x\") \"bye\"\r\n";
        return new("ManageSieve", [Utf8(greeting + commands), Utf8("\"SASL\" {5}\r\nPLAIN\r\n\"SASL\" \"X\"\r\nOK\r\n" + commands)], async input =>
        {
            // The server's bytes arrive in chunks of varying size, as TCP gives them.
            var client = new ManageSieveClient(new ServerStream(input), TimeSpan.FromSeconds(30));
            await using (client.ConfigureAwait(false))
            {
                await client.ReadGreetingAsync(CancellationToken.None).ConfigureAwait(false);
                _ = client.SieveExtensions;
                _ = await client.ListScriptsAsync(CancellationToken.None).ConfigureAwait(false);
                _ = await client.GetScriptAsync("mssante", CancellationToken.None).ConfigureAwait(false);
                _ = await client.GetScriptAsync("mssante", CancellationToken.None).ConfigureAwait(false);
                await client.PutScriptAsync("mssante", "keep;", CancellationToken.None).ConfigureAwait(false);
                await client.SetActiveAsync("mssante", CancellationToken.None).ConfigureAwait(false);
            }
        },
        // The greeting's IOException and InvalidDataException become MssanteConnectionException in ConnectAsync, which
        // this target calls past; InvalidOperationException is PUTSCRIPT's documented refusal.
        e => e is MssanteException or InvalidDataException or IOException || (e is InvalidOperationException && e.Message.StartsWith("The operator refused the rules script", StringComparison.Ordinal)));
    }

    /// <summary>A server's side of a connection: reads give its bytes in chunks of 1 to 97 bytes; what the client writes is dropped.</summary>
    private sealed class ServerStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(Math.Min(count, bytes.Length - _position), 1 + (_position * 31 % 97));
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = Math.Min(Math.Min(buffer.Length, bytes.Length - _position), 1 + (_position * 31 % 97));
            bytes.AsMemory(_position, n).CopyTo(buffer);
            _position += n;
            return ValueTask.FromResult(n);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public override void Flush()
        {
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    // ---- Sieve script read back from the server ----

    private static FuzzTarget SieveScript()
    {
        var rules = new MailboxRules
        {
            AutoReply = new AutoReply("Absent", "Je suis absent.\nRetour lundi.") { FirstDay = new DateOnly(2026, 12, 1), LastDay = new DateOnly(2026, 12, 24) },
            NotificationAddress = "jean@example.fr", ForwardTo = "secretariat@chu-angers.mssante.fr", KeepForwardedCopy = false,
        };
        return new("SieveRulesScript", [Utf8(SieveRulesScript.Compose(rules, "jean.dupont@chu-angers.mssante.fr", "Patients", "roundcube"))], input =>
        {
            _ = SieveRulesScript.Read(Encoding.UTF8.GetString(input));
            return Task.CompletedTask;
        }, _ => false);
    }

    // ---- Mailbox settings the SDK stores at the operator (signatures, retention, tags), read back ----

    private static FuzzTarget MailboxSettingsJson()
    {
        var store = SettingsStore.Create(null);
        var settings = new MailboxSettings(store, TimeProvider.System, new KeyedGate<string>());
        settings.SetSignaturesAsync(new MailboxSignatures { Signatures = [new MailboxSignature("Dr Dupont", "Dr Jean Dupont\nCHU"), new MailboxSignature("Court", "JD")], DefaultName = "Court" }, CancellationToken.None).GetAwaiter().GetResult();
        settings.SetRetentionAsync("INBOX", RetentionPeriod.Months(6), CancellationToken.None).GetAwaiter().GetResult();
        settings.SetRetentionAsync("Patients/Dupont", RetentionPeriod.Days(30), CancellationToken.None).GetAwaiter().GetResult();
        settings.SaveTagsAsync([new MessageTag("Urgent labo", "#ff0000"), new MessageTag("À lire", "blue")], CancellationToken.None).GetAwaiter().GetResult();
        var written = ((SettingsStore)(object)store).Values;
        return new("MailboxSettings", written.Values.Select(Utf8).ToList(), async input =>
        {
            // Every setting answers with the input: each reader gets it, and refuses it or reads it on its own.
            var reader = new MailboxSettings(SettingsStore.Create(Encoding.UTF8.GetString(input)), TimeProvider.System, new KeyedGate<string>());
            var refusals = new List<InvalidDataException>();
            async Task Read(Func<Task> read)
            {
                try
                {
                    await read().ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    refusals.Add(e);
                }
            }
            await Read(async () => _ = (await reader.GetSignaturesAsync(CancellationToken.None).ConfigureAwait(false)) is { } s ? s.Find(s.DefaultName) : null).ConfigureAwait(false);
            await Read(async () => _ = await reader.GetRetentionAsync(CancellationToken.None).ConfigureAwait(false)).ConfigureAwait(false);
            await Read(async () =>
            {
                foreach (var tag in await reader.GetTagsAsync(CancellationToken.None).ConfigureAwait(false))
                {
                    _ = tag.Keyword;
                }
            }).ConfigureAwait(false);
            if (refusals.Count == 3)
            {
                throw refusals[0];
            }
        }, e => e is InvalidDataException);
    }

    /// <summary>An operator mailbox that only keeps settings: what it was given, or one fixed answer for every name.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1852", Justification = "DispatchProxy derives from it at run time.")]
    public class SettingsStore : System.Reflection.DispatchProxy
    {
        public Dictionary<string, string> Values { get; } = [];

        private string? _answer;

        public static IOperatorMailbox Create(string? answer)
        {
            var proxy = Create<IOperatorMailbox, SettingsStore>();
            ((SettingsStore)(object)proxy)._answer = answer;
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => targetMethod?.Name switch
        {
            nameof(IOperatorMailbox.GetSettingAsync) => Task.FromResult(_answer ?? Values.GetValueOrDefault((string)args![0]!)),
            nameof(IOperatorMailbox.SetSettingAsync) => Set((string)args![0]!, (string?)args[1]),
            _ => throw new NotSupportedException(targetMethod?.Name),
        };

        private Task Set(string name, string? value)
        {
            if (value is null)
            {
                Values.Remove(name);
            }
            else
            {
                Values[name] = value;
            }
            return Task.CompletedTask;
        }
    }

    // ---- Pro Santé Connect: token, userinfo, JWKS and ID token ----

    private static readonly ECDsaSecurityKey PscKey = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "fuzz-key" };

    private static readonly string Jwks = JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["keys"] = new object[]
        {
            JwkOf(PscKey),
            new Dictionary<string, object> { ["kid"] = "rsa", ["kty"] = "RSA", ["alg"] = "RS256", ["use"] = "sig", ["n"] = "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw", ["e"] = "AQAB" },
        },
    });

    private static Dictionary<string, object> JwkOf(ECDsaSecurityKey key)
    {
        var p = key.ECDsa.ExportParameters(false);
        return new() { ["kid"] = key.KeyId, ["kty"] = "EC", ["crv"] = "P-256", ["alg"] = "ES256", ["use"] = "sig", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
    }

    private static readonly FakeTimeProvider PscTime = new(Now);

    private static Dictionary<string, object?> IdTokenClaims() => new()
    {
        ["iss"] = ProSanteConnectEndpoints.IntegrationIssuer, ["aud"] = "fuzz-client", ["azp"] = "fuzz-client", ["sub"] = "f:550e8400:810003456125",
        ["exp"] = Now.AddMinutes(2).ToUnixTimeSeconds(), ["iat"] = Now.ToUnixTimeSeconds(), ["nbf"] = Now.ToUnixTimeSeconds(), ["nonce"] = "n-0S6_WzA2Mj",
        ["acr"] = "eidas1", ["SubjectNameID"] = "810003456125",
    };

    private static string Sign(string claimsJson) =>
        new JsonWebTokenHandler().CreateToken(claimsJson, new SigningCredentials(PscKey, SecurityAlgorithms.EcdsaSha256));

    private static readonly string ValidIdToken = Sign(JsonSerializer.Serialize(IdTokenClaims()));

    /// <summary>A provider whose every request is answered by <paramref name="answer"/> (the certs endpoint by <paramref name="jwks"/>).</summary>
    private static ProSanteConnectProvider Provider(Func<HttpRequestMessage, HttpResponseMessage> answer, string? jwks = null)
    {
        var options = new ProSanteConnectOptions
        {
            Environment = ProSanteConnectEnvironment.Integration,
            ClientId = "fuzz-client",
            ClientSecret = "fuzz-secret-0123456789",
            RedirectUri = new Uri("https://dpi.example.fr/psc/callback"),
            TimeProvider = PscTime,
        };
        var endpoints = ResolvedEndpoints.From(options);
        var handler = new AnswerHandler(request => request.RequestUri == endpoints.Certs
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(jwks ?? Jwks, Encoding.UTF8, "application/json") }
            : answer(request));
        return new ProSanteConnectProvider(() => new HttpClient(handler, disposeHandler: false), options, PscTime);
    }

    private sealed class AnswerHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Task.FromResult(answer(request));
    }

    /// <summary>The body as bytes, so invalid UTF-8 reaches the SDK as a server would send it; the status from the input's length.</summary>
    private static HttpResponseMessage Answer(byte[] body, string mediaType, HttpStatusCode status = HttpStatusCode.OK)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };
        return new HttpResponseMessage(status) { Content = content };
    }

    private static bool IsPscDocumented(Exception e) => e is ProSanteConnectException;

    private static FuzzTarget PscTokenResponse()
    {
        var seeds = new[]
        {
            Utf8(JsonSerializer.Serialize(new { access_token = "opaque-access", token_type = "Bearer", expires_in = 120, refresh_token = "r", refresh_expires_in = 1800, id_token = ValidIdToken })),
            Utf8(JsonSerializer.Serialize(new { access_token = ValidIdToken, token_type = "bearer", refresh_token = "r" })),
            Utf8("{\"error\":\"invalid_grant\",\"error_description\":\"Code not valid\"}"),
        };
        return new("PscTokenResponse", seeds, async input =>
        {
            var status = input.Length % 7 == 0 ? HttpStatusCode.BadRequest : input.Length % 11 == 0 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK;
            var provider = Provider(_ => Answer(input, "application/json", status));
            var tokens = await provider.RedeemCodeAsync("code", "verifier", CancellationToken.None).ConfigureAwait(false);
            if (tokens.IdToken is { } idToken)
            {
                await provider.ValidateIdTokenAsync(idToken, null, checkLevel: true, CancellationToken.None).ConfigureAwait(false);
            }
        }, IsPscDocumented);
    }

    private static FuzzTarget PscUserInfo()
    {
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = ProSanteConnectEndpoints.IntegrationIssuer, ["aud"] = "fuzz-client", ["sub"] = "f:1:810003456125", ["SubjectNameID"] = "810003456125",
            ["given_name"] = "Jeanne", ["family_name"] = "DUPONT", ["email"] = "jeanne.dupont@chu.mssante.fr",
            ["SubjectRefPro"] = new { exercices = new[] { new { codeProfession = "10", activities = new[] { new { raisonSocialeSite = "CHU" } } } } },
        };
        var json = JsonSerializer.Serialize(claims);
        return new("PscUserInfo", [Utf8(json), Utf8(Sign(json))], async input =>
        {
            var asJwt = input.Length > 0 && input[0] == (byte)'e';
            var provider = Provider(_ => Answer(input, asJwt ? "application/jwt" : "application/json"));
            using var document = await provider.GetUserInfoAsync("access", CancellationToken.None).ConfigureAwait(false);
            _ = ProSanteConnectUserInfo.FromClaims(document.RootElement);
        }, IsPscDocumented);
    }

    private static FuzzTarget PscJwks() =>
        new("PscJwks", [Utf8(Jwks)], async input =>
        {
            var provider = Provider(_ => throw new InvalidOperationException("Only the keys are asked for."), Encoding.UTF8.GetString(input));
            await provider.ValidateIdTokenAsync(ValidIdToken, "n-0S6_WzA2Mj", checkLevel: true, CancellationToken.None).ConfigureAwait(false);
        }, IsPscDocumented);

    private static FuzzTarget PscIdToken()
    {
        var parts = ValidIdToken.Split('.');
        var fiveParts = string.Join('.', parts[0], "ZW5jcnlwdGVkLWtleQ", "aXY", parts[1], parts[2]);
        return new("PscIdToken", [Utf8(ValidIdToken), Utf8(fiveParts)], async input =>
        {
            var provider = Provider(_ => throw new InvalidOperationException("Only the keys are asked for."));
            await provider.ValidateIdTokenAsync(Encoding.UTF8.GetString(input), "n-0S6_WzA2Mj", checkLevel: true, CancellationToken.None).ConfigureAwait(false);
        }, IsPscDocumented);
    }

    /// <summary>The ID token's claims mutated as JSON and signed with the published key: the checks after the signature are fuzzed.</summary>
    private static FuzzTarget PscIdTokenClaims()
    {
        // Keys fetched once for all inputs: this target is about the claims.
        var provider = Provider(_ => throw new InvalidOperationException("Only the keys are asked for."));
        return new("PscIdTokenClaims", [Utf8(JsonSerializer.Serialize(IdTokenClaims()))],
            input => provider.ValidateIdTokenAsync(Encoding.UTF8.GetString(input), "n-0S6_WzA2Mj", checkLevel: true, CancellationToken.None),
            IsPscDocumented,
            claims =>
            {
                try
                {
                    return Utf8(Sign(Encoding.UTF8.GetString(claims)));
                }
                catch (Exception e) when (e is ArgumentException or JsonException or InvalidOperationException or FormatException)
                {
                    return claims; // not JSON the signer takes: the raw text is the token
                }
            });
    }

    // ---- Annuaire Santé FHIR bundles ----

    private static FuzzTarget FhirBundle()
    {
        var dataset = File.ReadAllBytes(Tests.Directory.Fhir.FakeAnnuaireSante.DataPath("annuaire-dataset.json"));
        var searchset = Utf8("""{"resourceType":"Bundle","type":"searchset","total":1,"link":[{"relation":"next","url":"https://fhir.example.fr/fhir/v2/Practitioner?page=2"}],"entry":[{"search":{"mode":"match"},"resource":{"resourceType":"PractitionerRole","id":"r1","practitioner":{"reference":"Practitioner/p1"},"organization":{"reference":"Organization/o1"},"telecom":[{"system":"email","value":"jean.dupont@chu.mssante.fr","extension":[{"url":"https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type","valueCoding":{"code":"MSSANTE"}}]}]}}]}""");
        return new("FhirBundle", [dataset, searchset], async input =>
        {
            var directory = new AnnuaireSanteFhirDirectory(new HttpClient(new AnswerHandler(_ => Answer(input, "application/fhir+json"))),
                new AnnuaireSanteFhirOptions { ApiKey = "fuzz-key", BaseUri = new Uri("https://fhir.example.fr/fhir/v2/"), MaxPages = 3 });
            foreach (var query in FhirQueries)
            {
                _ = await directory.SearchAsync(query).ConfigureAwait(false);
            }
        }, e => e is DirectorySourceException);
    }

    private static readonly DirectoryQuery[] FhirQueries = [new() { Email = "mssante" }, new() { LastName = "Dupont" }];

    private static readonly Lazy<IReadOnlyList<FuzzTarget>> Targets = new(() =>
    [
        Extraction(), MboxImport(), ZipImport(), XdmArchiveReader(), XdmMetadata(), ReceivedMessageReports(), VCardReader(),
        Whitelist(), ManageSieve(), SieveScript(), MailboxSettingsJson(), PscTokenResponse(), PscUserInfo(), PscJwks(), PscIdToken(), PscIdTokenClaims(), FhirBundle(),
    ]);
}
