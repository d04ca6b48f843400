using System.IO.Compression;
using System.Text;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Logging.Testing;
using MimeKit;

namespace Esante.MsSante.Tests.Mailbox;

/// <summary>Importing what an export wrote (the guide's « Importer »), and refusing or skipping what it did not write.</summary>
public sealed class ImportTests
{
    private const string Target = "Importés";

    [Theory]
    [InlineData(MailboxExportFormat.Mbox)]
    [InlineData(MailboxExportFormat.EmlZip)]
    public async Task An_exported_folder_imports_back_byte_for_byte_with_its_subjects_bodies_and_attachments(MailboxExportFormat format)
    {
        var fake = new FakeMailbox(2);
        fake.Server.DeliverFromOutside(WithAttachment(fake, "Bilan sanguin", [37, 80, 68, 70, 0, 255, 10, 13]));
        fake.Server.DeliverRawFromOutside(Encoding.UTF8.GetBytes(RawWithFromLines(fake)), fake.Doctor.Address.Value);
        var client = await OpenAsync(fake);
        using var file = new MemoryStream();
        var exported = await client.ExportFolderAsync(null, file, format);
        await client.CreateFolderAsync(Target);
        file.Position = 0;

        var result = await client.ImportFolderAsync(Target, file, format);

        Assert.Equal(4, exported);
        Assert.Equal(exported, result.Imported);
        Assert.Empty(result.Skipped);
        var originals = await ReadAllAsync(client, "INBOX");
        var copies = await ReadAllAsync(client, Target);
        Assert.Equal(originals.Select(m => m.Mime.Subject), copies.Select(m => m.Mime.Subject));
        Assert.Equal(originals.Select(m => m.Mime.TextBody), copies.Select(m => m.Mime.TextBody));
        Assert.Equal(originals.Select(m => Unix(m.Mime)), copies.Select(m => Unix(m.Mime)));
        var pdf = Assert.IsType<MimePart>(Assert.Single(copies.Single(m => m.Mime.Subject == "Bilan sanguin").Mime.Attachments));
        Assert.Equal("bilan.pdf", pdf.FileName);
        Assert.Equal(new byte[] { 37, 80, 68, 70, 0, 255, 10, 13 }, await DecodedAsync(pdf));
        Assert.All(await client.GetMessagesAsync(Target).ToListAsync(), s => Assert.True(s.IsRead));
    }

    [Fact]
    public async Task Mboxrd_quoting_is_undone_exactly_so_From_lines_in_a_body_survive()
    {
        var fake = new FakeMailbox(0);
        fake.Server.DeliverRawFromOutside(Encoding.UTF8.GetBytes(RawWithFromLines(fake)), fake.Doctor.Address.Value);
        var client = await OpenAsync(fake);
        using var file = new MemoryStream();
        await client.ExportFolderAsync(null, file);
        Assert.Contains("\n\n>From here\n>>From there\n>>>From far\nFromage\n", Encoding.UTF8.GetString(file.ToArray()), StringComparison.Ordinal);
        await client.CreateFolderAsync(Target);
        file.Position = 0;

        var result = await client.ImportFolderAsync(Target, file);

        Assert.Equal(1, result.Imported);
        var copy = Assert.Single(await ReadAllAsync(client, Target));
        Assert.Equal("Résultat\n\nFrom here\n>From there\n>>From far\nFromage\nFin\n", copy.Mime.TextBody!.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Equal(Unix(Assert.Single(await ReadAllAsync(client, "INBOX")).Mime), Unix(copy.Mime));
    }

    [Fact]
    public async Task A_malformed_message_in_an_mbox_is_skipped_and_reported_by_position_only_and_the_others_are_imported()
    {
        var fake = new FakeMailbox(0);
        var logger = new FakeLogger();
        var client = new MailboxClient(await fake.OpenAsync(), MssantePolicies.Default, "DEV935997", logger: logger);
        var mbox = string.Join("\n",
            "From jean.dupont@chu-angers.mssante.fr Thu Nov  6 09:05:00 2026",
            "Subject: Premier",
            "",
            "Un",
            "",
            "From MAILER-DAEMON Thu Nov  6 09:06:00 2026",
            "Diagnostic confidentiel sans en-tete",
            "",
            "From jean.dupont@chu-angers.mssante.fr Thu Nov  6 09:07:00 2026",
            "Subject: Troisième",
            "",
            "Trois",
            "");

        var result = await client.ImportFolderAsync(null, new MemoryStream(Encoding.UTF8.GetBytes(mbox)));

        Assert.Equal(2, result.Imported);
        Assert.Equal([new MailboxImportSkip(2, MailboxImportSkipReason.Malformed)], result.Skipped);
        Assert.Equal(["Premier", "Troisième"], (await client.GetMessagesAsync().ToListAsync()).Select(s => s.Subject));
        var said = result.ToString() + string.Join("\n", logger.Collector.GetSnapshot().Select(r => r.Message));
        Assert.Contains("Imported 2 message(s)", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Diagnostic", said, StringComparison.Ordinal);
        Assert.DoesNotContain("Premier", said, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Damaged_unreadable_and_foreign_zip_entries_are_skipped_and_reported_and_the_others_imported_in_order()
    {
        var fake = new FakeMailbox(0);
        var client = await OpenAsync(fake);
        using var file = Zip(
            ("00001.eml", "Subject: Abîmé\n\nCe contenu sera corrompu dans l'archive, sur plusieurs lignes.\n"),
            ("00002.eml", "Subject: Premier\n\nUn\n"),
            ("00003.eml", "pas un message du tout\n"),
            ("notes/", ""),
            ("lisez-moi.txt", "Archive de la messagerie\n"),
            ("00004.eml", "Subject: Dernier\n\nQuatre\n"));
        Damage(file);

        var result = await client.ImportFolderAsync(null, file, MailboxExportFormat.EmlZip);

        Assert.Equal(2, result.Imported);
        Assert.Equal(
            [
                new MailboxImportSkip(1, MailboxImportSkipReason.Damaged),
                new MailboxImportSkip(3, MailboxImportSkipReason.Malformed),
                new MailboxImportSkip(5, MailboxImportSkipReason.NotAMessageFile),
            ],
            result.Skipped);
        Assert.Equal(["Premier", "Dernier"], (await client.GetMessagesAsync().ToListAsync()).Select(s => s.Subject));
    }

    [Theory]
    [InlineData(MailboxExportFormat.Mbox, "%PDF-1.4\n%âãÏÓ\n1 0 obj\n")]
    [InlineData(MailboxExportFormat.Mbox, "Subject: un .eml seul\n\nFrom here\n")]
    [InlineData(MailboxExportFormat.Mbox, "Fro")]
    [InlineData(MailboxExportFormat.EmlZip, "%PDF-1.4\n%âãÏÓ\n1 0 obj\n")]
    [InlineData(MailboxExportFormat.EmlZip, "From jean.dupont@chu-angers.mssante.fr Thu Nov  6 09:05:00 2026\nSubject: x\n\ny\n")]
    [InlineData(MailboxExportFormat.EmlZip, "PK\u0003\u0004 tronqué")]
    [InlineData(MailboxExportFormat.EmlZip, "")]
    public async Task A_stream_that_is_not_an_archive_of_the_format_is_refused_and_nothing_is_stored(MailboxExportFormat format, string content)
    {
        var fake = new FakeMailbox(0);
        var client = await OpenAsync(fake);
        await client.CreateFolderAsync(Target);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => client.ImportFolderAsync(Target, new MemoryStream(Encoding.UTF8.GetBytes(content)), format));

        Assert.Contains("Nothing was imported", e.Message, StringComparison.Ordinal);
        Assert.Empty(await client.GetMessagesAsync(Target).ToListAsync());
    }

    [Theory]
    [InlineData(MailboxExportFormat.Mbox)]
    [InlineData(MailboxExportFormat.EmlZip)]
    public async Task An_empty_export_imports_nothing_without_error(MailboxExportFormat format)
    {
        var client = await OpenAsync(new FakeMailbox(0));
        using var file = new MemoryStream();
        await client.ExportFolderAsync(null, file, format);
        file.Position = 0;

        var result = await client.ImportFolderAsync(null, file, format);

        Assert.Equal(0, result.Imported);
        Assert.Empty(result.Skipped);
    }

    [Theory]
    [InlineData(MailboxExportFormat.Mbox)]
    [InlineData(MailboxExportFormat.EmlZip)]
    public async Task A_message_over_the_size_limit_is_skipped_and_reported_and_the_others_are_imported(MailboxExportFormat format)
    {
        var fake = new FakeMailbox(0);
        fake.Server.DeliverFromOutside(Letter(fake, "Petit 1", "Court"));
        fake.Server.DeliverFromOutside(Letter(fake, "Énorme", new string('x', 50_000)));
        fake.Server.DeliverFromOutside(Letter(fake, "Petit 2", "Court"));
        var client = await OpenAsync(fake);
        using var file = new MemoryStream();
        await client.ExportFolderAsync(null, file, format);
        await client.CreateFolderAsync(Target);
        file.Position = 0;

        var result = await client.ImportFolderAsync(Target, file, format, maxMessageBytes: 8 * 1024, CancellationToken.None);

        Assert.Equal(2, result.Imported);
        Assert.Equal([new MailboxImportSkip(2, MailboxImportSkipReason.TooLarge)], result.Skipped);
        Assert.Equal(["Petit 1", "Petit 2"], (await client.GetMessagesAsync(Target).ToListAsync()).Select(s => s.Subject));
    }

    [Fact]
    public async Task Cancelling_stops_between_messages_and_the_exception_says_how_many_were_imported()
    {
        var fake = new FakeMailbox(3);
        var client = await OpenAsync(fake);
        using var file = new MemoryStream();
        await client.ExportFolderAsync(null, file);
        await client.CreateFolderAsync(Target);
        var secondSeparator = Encoding.UTF8.GetString(file.ToArray()).IndexOf("\n\nFrom ", StringComparison.Ordinal);
        using var cancellation = new CancellationTokenSource();
        // The second message's « From » line has been read: the first message is complete and about to be stored.
        using var source = new TrickleStream(file.ToArray(), afterBytes: secondSeparator + 3, cancellation.Cancel);

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ImportFolderAsync(Target, source, cancellationToken: cancellation.Token));

        var partial = Assert.IsType<MailboxImportResult>(e.Data[MailboxImportResult.PartialResultKey]);
        Assert.Equal(1, partial.Imported);
        Assert.Equal(["Message 0"], (await client.GetMessagesAsync(Target).ToListAsync()).Select(s => s.Subject));
        file.Position = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ImportFolderAsync(Target, file, cancellationToken: cancellation.Token));
        Assert.Single(await client.GetMessagesAsync(Target).ToListAsync());
    }

    [Fact]
    public async Task A_full_mailbox_stops_the_import_and_says_how_many_messages_were_stored_before()
    {
        var fake = new FakeMailbox(0);
        for (var i = 1; i <= 3; i++)
        {
            fake.Server.DeliverFromOutside(Letter(fake, $"Compte rendu {i}", new string('x', 4000)));
        }
        var client = await OpenAsync(fake);
        using var file = new MemoryStream();
        await client.ExportFolderAsync(null, file);
        await client.CreateFolderAsync(Target);
        var used = (await client.GetQuotaAsync()).UsedBytes;
        fake.Server.SetQuota(fake.Doctor.Address.Value, used + (file.Length / 3 * 3 / 2));
        file.Position = 0;

        var e = await Assert.ThrowsAsync<QuotaExceededException>(() => client.ImportFolderAsync(Target, file));

        Assert.Contains("stored 1 message(s), then message 2 of the archive did not fit", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Compte rendu", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.Quota);
        Assert.Equal(1, Assert.IsType<MailboxImportResult>(e.Data[MailboxImportResult.PartialResultKey]).Imported);
        Assert.Equal(["Compte rendu 1"], (await client.GetMessagesAsync(Target).ToListAsync()).Select(s => s.Subject));
    }

    [Fact]
    public async Task Missing_unreadable_or_unsupported_arguments_are_refused_before_anything_is_stored()
    {
        var client = await OpenAsync(new FakeMailbox(1));
        using var file = new MemoryStream();
        await client.ExportFolderAsync(null, file);
        var mbox = file.ToArray();

        Assert.Equal("source", (await Assert.ThrowsAsync<ArgumentNullException>(() => client.ImportFolderAsync(null, null!))).ParamName);
        using var writeOnly = new WriteOnlyStream();
        Assert.Equal("source", (await Assert.ThrowsAsync<ArgumentException>(() => client.ImportFolderAsync(null, writeOnly))).ParamName);
        Assert.Equal("format", (await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ImportFolderAsync(null, new MemoryStream(mbox), (MailboxExportFormat)7))).ParamName);
        using var unseekable = new TrickleStream(mbox, afterBytes: int.MaxValue, () => { });
        Assert.Equal("source", (await Assert.ThrowsAsync<ArgumentException>(() => client.ImportFolderAsync(null, unseekable, MailboxExportFormat.EmlZip))).ParamName);
        Assert.Equal("folderPath", (await Assert.ThrowsAsync<ArgumentException>(() => client.ImportFolderAsync(" ", new MemoryStream(mbox)))).ParamName);
        Assert.Equal("folderPath", (await Assert.ThrowsAsync<ArgumentException>(() => client.ImportFolderAsync("Archives\r\nINBOX", new MemoryStream(mbox)))).ParamName);
        var missing = await Assert.ThrowsAsync<MssanteFolderNotFoundException>(() => client.ImportFolderAsync("Pas de dossier", new MemoryStream(mbox)));
        Assert.Equal("Pas de dossier", missing.FolderPath);
        Assert.Single(await client.GetMessagesAsync().ToListAsync());

        // A stream that cannot seek is read as it comes for mbox.
        using var trickle = new TrickleStream(mbox, afterBytes: int.MaxValue, () => { });
        Assert.Equal(1, (await client.ImportFolderAsync("inbox", trickle)).Imported);
        Assert.Equal(2, (await client.GetMessagesAsync().ToListAsync()).Count);
    }

    private static async Task<MailboxClient> OpenAsync(FakeMailbox fake) => new(await fake.OpenAsync(), MssantePolicies.Default, "DEV935997");

    private static async Task<List<ReceivedMessage>> ReadAllAsync(MailboxClient client, string folder)
    {
        var messages = new List<ReceivedMessage>();
        foreach (var summary in await client.GetMessagesAsync(folder).ToListAsync())
        {
            messages.Add(await client.ReadMessageAsync(summary.Ref));
        }
        return messages;
    }

    private static MimeMessage Letter(FakeMailbox fake, string subject, string body)
    {
        var letter = new MimeMessage();
        letter.From.Add(MailboxAddress.Parse("jean.dupont@chu-angers.mssante.fr"));
        letter.To.Add(MailboxAddress.Parse(fake.Doctor.Address.Value));
        letter.Subject = subject;
        letter.Body = new TextPart("plain") { Text = body };
        return letter;
    }

    private static MimeMessage WithAttachment(FakeMailbox fake, string subject, byte[] pdf)
    {
        var letter = Letter(fake, subject, "Voici le bilan.");
        var body = new BodyBuilder { TextBody = "Voici le bilan." };
        body.Attachments.Add("bilan.pdf", pdf, ContentType.Parse("application/pdf"));
        letter.Body = body.ToMessageBody();
        return letter;
    }

    /// <summary>A message whose body has lines an mbox must quote, after an empty line too.</summary>
    private static string RawWithFromLines(FakeMailbox fake) => string.Join("\r\n",
        "From: jean.dupont@chu-angers.mssante.fr",
        "To: " + fake.Doctor.Address.Value,
        "Subject: Lignes From",
        "Date: Thu, 26 Nov 2026 09:00:00 +0100",
        "Message-ID: <" + Guid.NewGuid().ToString("N") + "@import.test>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "Résultat",
        "",
        "From here",
        ">From there",
        ">>From far",
        "Fromage",
        "Fin",
        "");

    private static byte[] Unix(MimeMessage message)
    {
        using var bytes = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Unix }, bytes);
        return bytes.ToArray();
    }

    private static async Task<byte[]> DecodedAsync(MimePart part)
    {
        using var bytes = new MemoryStream();
        await part.Content!.DecodeToAsync(bytes);
        return bytes.ToArray();
    }

    private static MemoryStream Zip(params (string Name, string Content)[] entries)
    {
        var file = new MemoryStream();
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                if (!name.EndsWith('/'))
                {
                    using var stream = entry.Open();
                    stream.Write(Encoding.UTF8.GetBytes(content));
                }
            }
        }
        file.Position = 0;
        return file;
    }

    /// <summary>Makes the first entry's deflate data start with a block of the reserved type, which no inflater reads.</summary>
    private static void Damage(MemoryStream zip)
    {
        var bytes = zip.GetBuffer();
        var dataStart = 30 + BitConverter.ToUInt16(bytes, 26) + BitConverter.ToUInt16(bytes, 28);
        bytes[dataStart] = 0xFF;
    }

    /// <summary>A stream that cannot seek and hands out a few bytes at a time, running an action once enough were read.</summary>
    private sealed class TrickleStream(byte[] content, int afterBytes, Action action) : Stream
    {
        private int _position;
        private Action? _action = action;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = Math.Min(Math.Min(count, 64), content.Length - _position);
            content.AsSpan(_position, read).CopyTo(buffer.AsSpan(offset));
            _position += read;
            if (_position >= afterBytes)
            {
                Interlocked.Exchange(ref _action, null)?.Invoke();
            }
            return read;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var chunk = new byte[buffer.Length];
            var read = Read(chunk, 0, chunk.Length);
            chunk.AsSpan(0, read).CopyTo(buffer.Span);
            return ValueTask.FromResult(read);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class WriteOnlyStream : MemoryStream
    {
        public override bool CanRead => false;
    }

    [Theory]
    [InlineData("jean.dupont@chu-angers.mssante.fr Fri Nov  6 09:05:00 2026\n", "2026-11-06T09:05:00+00:00")]
    [InlineData("MAILER-DAEMON Mon Feb 29 23:59:59 2028\r\n", "2028-02-29T23:59:59+00:00")]
    [InlineData("jean.dupont@chu-angers.mssante.fr\n", null)]
    [InlineData("x Thu Nov 31 09:05:00 2026\n", null)]
    public void The_mbox_From_line_gives_the_arrival_date(string line, string? expected) =>
        Assert.Equal(expected is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            MailboxImportReader.SeparatorDate(System.Text.Encoding.ASCII.GetBytes(line)));
}
