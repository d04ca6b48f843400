using System.Globalization;
using System.IO.Compression;
using System.Text;
using MimeKit;
using MimeKit.IO;

namespace Esante.MsSante;

/// <summary>Writes exported messages, one after the other, in one of the <see cref="MailboxExportFormat"/>s.</summary>
internal abstract class MailboxExportWriter : IAsyncDisposable
{
    public static MailboxExportWriter Create(MailboxExportFormat format, Stream destination) => format switch
    {
        MailboxExportFormat.Mbox => new Mbox(destination),
        MailboxExportFormat.EmlZip => new EmlZip(destination),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
    };

    /// <summary>Writes the next message; <paramref name="position"/> counts from 1.</summary>
    public abstract Task WriteAsync(MessageInfo summary, MimeMessage message, int position, CancellationToken cancellationToken);

    /// <summary>Ends the file (the zip's directory) and flushes it; the destination stays open.</summary>
    public abstract ValueTask DisposeAsync();

    private sealed class Mbox(Stream destination) : MailboxExportWriter
    {
        private static readonly FormatOptions Unix = new() { NewLineFormat = NewLineFormat.Unix };

        public override async Task WriteAsync(MessageInfo summary, MimeMessage message, int position, CancellationToken cancellationToken)
        {
            var separator = Encoding.ASCII.GetBytes($"From {EnvelopeSender(summary)} {AscTime(summary.ReceivedAt)}\n");
            await destination.WriteAsync(separator, cancellationToken).ConfigureAwait(false);
            var quoting = new MboxrdQuotingFilter();
            using (var quoted = new FilteredStream(destination))
            {
                quoted.Add(quoting);
                await message.WriteToAsync(Unix, quoted, cancellationToken).ConfigureAwait(false);
                await quoted.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            // A message ends with a line end, then an empty line comes before the next "From " line.
            await destination.WriteAsync(quoting.EndsWithLineFeed ? "\n"u8.ToArray() : "\n\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        }

        public override async ValueTask DisposeAsync() => await destination.FlushAsync().ConfigureAwait(false);

        /// <summary>The sender's address when it can stand in the « From » line (ASCII, no spaces), else MAILER-DAEMON as RFC 4155 suggests.</summary>
        private static string EnvelopeSender(MessageInfo summary)
        {
            var address = summary.From?.Address;
            return !string.IsNullOrEmpty(address) && address.All(c => c is > ' ' and < (char)127) ? address : "MAILER-DAEMON";
        }

        /// <summary>The date of the « From » line: C's asctime() in UTC, e.g. <c>Fri Nov  6 09:05:00 2026</c>.</summary>
        private static string AscTime(DateTimeOffset date)
        {
            var utc = date.UtcDateTime;
            return string.Create(CultureInfo.InvariantCulture, $"{utc:ddd MMM} {utc.Day,2} {utc:HH:mm:ss yyyy}");
        }
    }

    private sealed class EmlZip(Stream destination) : MailboxExportWriter
    {
        private static readonly DateTimeOffset ZipEpoch = new(1980, 1, 2, 0, 0, 0, TimeSpan.Zero);
        private static readonly DateTimeOffset ZipEnd = new(2107, 12, 30, 0, 0, 0, TimeSpan.Zero);

        private readonly ZipArchive _zip = new(destination, ZipArchiveMode.Create, leaveOpen: true);

        public override async Task WriteAsync(MessageInfo summary, MimeMessage message, int position, CancellationToken cancellationToken)
        {
            var entry = _zip.CreateEntry(string.Create(CultureInfo.InvariantCulture, $"{position:D5}.eml"), CompressionLevel.Optimal);
            if (summary.ReceivedAt > ZipEpoch && summary.ReceivedAt < ZipEnd)
            {
                entry.LastWriteTime = summary.ReceivedAt;
            }
            var content = entry.Open();
            await using (content.ConfigureAwait(false))
            {
                await message.WriteToAsync(FormatOptions.Default, content, cancellationToken).ConfigureAwait(false);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            _zip.Dispose();
            await destination.FlushAsync().ConfigureAwait(false);
        }
    }
}
