using System.Diagnostics;
using System.Globalization;
using Esante.MsSante.Benchmarks.Infrastructure;
using Esante.MsSante.Xdm;
using MailKit;
using MailKit.Search;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Esante.MsSante.Benchmarks;

/// <summary>
/// Goal 3 of issue 14: sending a 15 MB attachment from a file and reading a received one to a stream, an IHE_XDM.zip of
/// that size too, with peak managed memory ≤ 2× the attachment's size. A measured program rather than BenchmarkDotNet,
/// since what counts is a peak, not a mean: each case runs in a fresh process of its own (so one case's heap or working set
/// does not show in another's), against the real stack, after its setup (accounts, the message to read, the file to send)
/// and a full GC. It reports the bytes allocated during the case, the peak of the managed heap above where it started
/// (sampled every millisecond), and the peak resident set above where it started (Linux's VmHWM, reset after the setup).
/// The baselines in the same run: the same send and read with the content held in memory (<c>FromBytes</c>,
/// <c>ReadAllBytesAsync</c>), as an application does without a streaming API, and raw MailKit's read of the attachment.
/// Run with <c>-- memory [megabytes]</c>.
/// </summary>
public static class AttachmentMemory
{
    private static readonly string[] Cases =
    [
        "send-file", "send-bytes", "send-xdm",
        "read-to-stream", "read-all-bytes", "read-mailkit", "read-xdm-to-stream", "read-xdm-archive",
    ];

    /// <summary>Prepares the accounts and the messages to read, then runs each case in a child process and prints the table.</summary>
    public static async Task RunAsync(int megabytes)
    {
        var size = megabytes * 1024L * 1024;
        var stack = BenchmarkMailStack.Attach();
        var sender = stack.NewUser("big-from");
        var reader = stack.NewUser("big-to");
        var file = Path.Combine(Path.GetTempPath(), $"esante-bench-{Guid.NewGuid():N}.pdf");
        WriteRandomFile(file, size);
        try
        {
            // The messages the read cases read: one with the file attached, one with it in an IHE_XDM.zip.
            await using (var provider = Provider(stack))
            {
                await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
                await session.SignInAsync(sender, BenchmarkMailStack.Password);
                await using var mailbox = await session.OpenMailboxAsync(MssanteAddress.Parse(sender));
                await mailbox.SendAsync(Letter(reader, file, xdm: false));
                await mailbox.SendAsync(Letter(reader, file, xdm: true));
            }
            stack.WaitForEmptyQueue();
            Console.WriteLine($"Attachment: {megabytes} MB ({size:N0} bytes) of random bytes (a PDF compresses little), real stack on loopback, Sent copy on.");
            Console.WriteLine();
            Console.WriteLine("| Case | Allocated | Peak managed heap above start | ×size | Peak resident set above start | ×size |");
            Console.WriteLine("|---|--:|--:|--:|--:|--:|");
            foreach (var name in Cases)
            {
                var start = new ProcessStartInfo(Environment.ProcessPath!, [typeof(AttachmentMemory).Assembly.Location, "memory-case", name, sender, reader, file])
                {
                    RedirectStandardOutput = true,
                };
                using var child = Process.Start(start)!;
                var line = await child.StandardOutput.ReadToEndAsync();
                await child.WaitForExitAsync();
                if (child.ExitCode != 0)
                {
                    throw new InvalidOperationException($"The case {name} failed: {line}");
                }
                var parts = line.Trim().Split(' ').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {parts[0] / 1048576.0:F1} MB | {parts[1] / 1048576.0:F1} MB | {(double)parts[1] / size:F2} | {parts[2] / 1048576.0:F1} MB | {(double)parts[2] / size:F2} |"));
            }
        }
        finally
        {
            File.Delete(file);
            stack.Dispose();
        }
    }

    /// <summary>One case, in its own process: prints "allocated peakManaged peakResident", in bytes.</summary>
    public static async Task<int> RunCaseAsync(string name, string sender, string reader, string file)
    {
        var stack = BenchmarkMailStack.Attach();
        await using var provider = Provider(stack);
        var read = name.StartsWith("read", StringComparison.Ordinal);
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        await session.SignInAsync(read ? reader : sender, BenchmarkMailStack.Password);
        await using var mailbox = await session.OpenMailboxAsync(MssanteAddress.Parse(read ? reader : sender));
        var inbox = read ? await mailbox.Messages.ListAsync().ToListAsync() : [];
        MessageRef Received(bool xdm) => inbox.First(m => m.Subject == (xdm ? "Dossier XDM" : "Imagerie")).Ref;
        var output = Path.Combine(Path.GetTempPath(), $"esante-bench-out-{Guid.NewGuid():N}");
        using var raw = name == "read-mailkit" ? await stack.ConnectImapAsync(reader) : null;
        // The send cases write to the sender itself, so the reader's inbox holds only the two messages prepared.
        // What the case needs before it starts: for a send from a file or of an XDM package, the message (the XDM
        // document's bytes are the caller's); nothing of the content otherwise.
        OutgoingMessage? letter = name switch
        {
            "send-file" => Letter(sender, file, xdm: false),
            "send-xdm" => Letter(sender, file, xdm: true),
            _ => null,
        };
        var measure = Measure.Start();
        try
        {
            switch (name)
            {
                case "send-file" or "send-xdm":
                    await mailbox.SendAsync(letter!);
                    break;
                case "send-bytes":
                    // The baseline: the application reads the file into memory to attach it.
                    await mailbox.SendAsync(Letter(sender, file, xdm: false, inMemory: true));
                    break;
                case "read-to-stream" or "read-xdm-to-stream":
                {
                    var message = await mailbox.Messages.ReadAsync(Received(xdm: name != "read-to-stream"));
                    await using var destination = File.Create(output);
                    await message.Attachments.Single(a => a.FileName.EndsWith(name == "read-to-stream" ? ".pdf" : ".zip", StringComparison.Ordinal)).CopyToAsync(destination);
                    break;
                }
                case "read-all-bytes":
                {
                    var message = await mailbox.Messages.ReadAsync(Received(xdm: false));
                    await File.WriteAllBytesAsync(output, await message.Attachments.Single().ReadAllBytesAsync());
                    break;
                }
                case "read-mailkit":
                {
                    var folder = raw!.Inbox;
                    await folder.OpenAsync(FolderAccess.ReadOnly);
                    var uid = (await folder.SearchAsync(SearchQuery.SubjectContains("Imagerie")))[0];
                    using var message = await folder.GetMessageAsync(uid);
                    await using var destination = File.Create(output);
                    await ((MimePart)message.Attachments.Single()).Content!.DecodeToAsync(destination);
                    break;
                }
                case "read-xdm-archive":
                {
                    var message = await mailbox.Messages.ReadAsync(Received(xdm: true));
                    var archive = message.ReadXdmArchive()!;
                    await File.WriteAllBytesAsync(output, archive.Documents.Single().Content!);
                    break;
                }
                default:
                    throw new ArgumentException($"No case {name}.", nameof(name));
            }
            var (allocated, managed, resident) = measure.Stop();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{allocated} {managed} {resident}"));
            return 0;
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static ServiceProvider Provider(BenchmarkMailStack stack) =>
        new ServiceCollection()
            .AddMssante(o => o.ProductReference = Letters.ProductReference)
            .AddImapOperator(o => stack.Configure(o))
            .Services.BuildServiceProvider();

    private static OutgoingMessage Letter(string to, string file, bool xdm, bool inMemory = false)
    {
        var letter = new OutgoingMessage { Subject = xdm ? "Dossier XDM" : "Imagerie", TextBody = "Bonjour, voici le document." };
        letter.To.Add(new Recipient(to));
        if (xdm)
        {
            // The document's bytes are the caller's (XdmDocument.Content is a byte array), as an EHR holds its document.
            letter.Xdm = new XdmPackage
            {
                Patient = new QualifiedIns(InsMatricule.Parse("279035121518989"), InsOid.Nir, "MARTIN", "Claire", new DateOnly(1979, 3, 12), AdministrativeSex.Female) { BirthplaceCode = "51215" },
                Author = new XdmAuthor("810001234567", "DUPONT", "Jean"),
                SourceId = "1.2.250.1.999.1",
                ContentTypeCode = new XdmCode("CONSULT", "1.2.250.1.213.1.1.4.4", "Consultation"),
                Documents =
                {
                    new XdmDocument
                    {
                        Content = File.ReadAllBytes(file),
                        MimeType = "application/pdf",
                        Title = "Imagerie",
                        TypeCode = new XdmCode("18748-4", "2.16.840.1.113883.6.1", "Compte rendu d'imagerie"),
                        ClassCode = new XdmCode("11", "1.2.250.1.213.1.1.4.1", "Compte rendu"),
                        FormatCode = new XdmCode("urn:ihe:iti:xds-sd:pdf:2008", "1.3.6.1.4.1.19376.1.2.3", "Document à corps non structuré en PDF"),
                        HealthcareFacilityTypeCode = new XdmCode("SA01", "1.2.250.1.71.4.2.4", "Etablissement public de santé"),
                        PracticeSettingCode = new XdmCode("ETABLISSEMENT", "1.2.250.1.213.1.1.4.9", "Etablissement de santé"),
                    },
                },
            };
        }
        else
        {
            letter.Attachments.Add(inMemory
                ? OutgoingAttachment.FromBytes("imagerie.pdf", File.ReadAllBytes(file), "application/pdf")
                : OutgoingAttachment.FromFile(file, "application/pdf", "imagerie.pdf"));
        }
        return letter;
    }

    private static void WriteRandomFile(string path, long size)
    {
        var random = new Random(14);
        var chunk = new byte[1024 * 1024];
        using var stream = File.Create(path);
        for (long written = 0; written < size; written += chunk.Length)
        {
            random.NextBytes(chunk);
            stream.Write(chunk, 0, (int)Math.Min(chunk.Length, size - written));
        }
    }

    /// <summary>Allocation, peak managed heap (sampled each millisecond) and peak resident set from a start after a full GC.</summary>
    private sealed class Measure
    {
        private readonly long _allocated;
        private readonly long _heap;
        private readonly long _resident;
        private readonly Thread _sampler;
        private long _peakHeap;
        private volatile bool _stop;

        private Measure()
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            // Linux: writing 5 to clear_refs resets VmHWM (the peak resident set) to the current resident set.
            File.WriteAllText("/proc/self/clear_refs", "5");
            _resident = Status("VmHWM");
            _heap = GC.GetTotalMemory(false);
            _peakHeap = _heap;
            _allocated = GC.GetTotalAllocatedBytes(precise: true);
            _sampler = new Thread(() =>
            {
                while (!_stop)
                {
                    _peakHeap = Math.Max(_peakHeap, GC.GetTotalMemory(false));
                    Thread.Sleep(1);
                }
            }) { IsBackground = true, Priority = ThreadPriority.AboveNormal };
            _sampler.Start();
        }

        public static Measure Start() => new();

        public (long Allocated, long PeakManaged, long PeakResident) Stop()
        {
            _peakHeap = Math.Max(_peakHeap, GC.GetTotalMemory(false));
            _stop = true;
            _sampler.Join();
            return (GC.GetTotalAllocatedBytes(precise: true) - _allocated, _peakHeap - _heap, Status("VmHWM") - _resident);
        }

        private static long Status(string field) =>
            long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field + ":", StringComparison.Ordinal))
                .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
