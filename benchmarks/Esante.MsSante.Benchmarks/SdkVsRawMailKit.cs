using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Esante.MsSante.Benchmarks.Infrastructure;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Esante.MsSante.Benchmarks;

/// <summary>
/// A. What the SDK costs over MailKit used directly, on the same real Dovecot/Postfix stack and the same work. Goal: the SDK at
/// ≥ 0.95× raw MailKit's throughput, i.e. a Ratio (SDK time / MailKit time) ≤ 1.05.
/// <list type="bullet">
/// <item><b>Send100</b>: 100 messages submitted by SMTP, each with its copy appended to Sent over IMAP. The SDK does it in
/// <see cref="IMailboxClient.SendAsync"/>; MailKit with one <see cref="SmtpClient"/> and one <see cref="ImapClient"/>.</item>
/// <item><b>List1000</b>: the summaries (UID, envelope, flags, size, internal date) of a folder of 1,000 messages.</item>
/// </list>
/// Connections are opened in [GlobalSetup] on both sides and kept: this measures steady-state work, not sign-in.
/// Fifty iterations per side: the server's background deliveries make one iteration vary by 10–15 %, and the ratio's 95 %
/// confidence interval (printed after the tables by <see cref="Infrastructure.RatioInterval"/>) needs that many to be
/// a few percent wide. <see cref="Interleaved"/> measures the same work in alternating pairs.
/// Each benchmark process gets its own sender and recipient, so both sides start from an empty Sent folder.
/// </summary>
[ShortRunConfig(iterationCount: 50)]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SdkVsRawMailKit
{
    private const int Messages = 100;
    private const string ListFolder = "Liste1000";
    private const int ListSize = 1000;
    internal const int ListsPerCall = 20;

    private BenchmarkMailStack _stack = null!;
    private string _sender = null!;
    private string _recipient = null!;
    private ServiceProvider? _provider;
    private IMssanteSession? _session;
    private IMailboxClient? _mailbox;
    private SmtpClient? _smtp;
    private ImapClient? _imap;
    private IMailFolder? _sent;
    private IMailFolder? _list;

    // ---------------------------------------------------------------- Send100

    [GlobalSetup(Targets = [nameof(SendRawMailKit)])]
    public async Task SetupSendRaw()
    {
        CreateSendUsers("a-send-raw");
        _smtp = await _stack.ConnectSmtpAsync(_sender);
        _imap = await _stack.ConnectImapAsync(_sender);
        _sent = _imap.GetFolder(SpecialFolder.Sent) ?? throw new InvalidOperationException("The server names no Sent folder (SPECIAL-USE).");
    }

    /// <summary>Every call starts on a quiet server: Postfix has delivered the previous call's 100 messages.</summary>
    [IterationSetup(Targets = [nameof(SendRawMailKit), nameof(SendSdk)])]
    public void DrainQueue() => _stack.WaitForEmptyQueue();

    [GlobalSetup(Targets = [nameof(SendSdk)])]
    public async Task SetupSendSdk()
    {
        CreateSendUsers("a-send-sdk");
        _mailbox = await OpenSdkMailboxAsync(_sender);
    }

    [BenchmarkCategory("Send100"), Benchmark(Baseline = true, Description = "Send 100 + Sent copy: raw MailKit")]
    public async Task<int> SendRawMailKit()
    {
        for (var i = 0; i < Messages; i++)
        {
            await SendOneRawAsync(i);
        }
        return Messages;
    }

    internal async Task SendOneRawAsync(int i)
    {
        using var message = Letters.Raw(_sender, _recipient, i);
        await _smtp!.SendAsync(message);
        await _sent!.AppendAsync(new AppendRequest(message, MessageFlags.Seen));
    }

    [BenchmarkCategory("Send100"), Benchmark(Description = "Send 100 + Sent copy: SDK SendAsync")]
    public async Task<int> SendSdk()
    {
        for (var i = 0; i < Messages; i++)
        {
            await SendOneSdkAsync(i);
        }
        return Messages;
    }

    internal Task SendOneSdkAsync(int i) => _mailbox!.SendAsync(Letters.Sdk(_recipient, i));

    // ---------------------------------------------------------------- List1000

    [GlobalSetup(Targets = [nameof(ListRawMailKit)])]
    public async Task SetupListRaw()
    {
        var owner = await SeedListAsync();
        _imap = await _stack.ConnectImapAsync(owner);
        _list = await _imap.GetFolderAsync(ListFolder);
        await _list.OpenAsync(FolderAccess.ReadWrite); // as the SDK opens folders (SELECT), which it may then change
        await WarmUpAsync(ListOnceRawAsync);
        _stack.WaitForEmptyQueue();
    }

    [GlobalSetup(Targets = [nameof(ListSdk)])]
    public async Task SetupListSdk()
    {
        var owner = await SeedListAsync();
        _mailbox = await OpenSdkMailboxAsync(owner);
        await WarmUpAsync(ListOnceSdkAsync);
        _stack.WaitForEmptyQueue();
    }

    // One listing takes tens of milliseconds, within the noise of a busy 2-core machine: each call lists the folder
    // ListsPerCall times and BenchmarkDotNet reports the time of one listing (OperationsPerInvoke).
    [BenchmarkCategory("List1000"), Benchmark(Baseline = true, OperationsPerInvoke = ListsPerCall, Description = "List 1,000 summaries: raw MailKit Fetch(0, -1)")]
    public async Task<int> ListRawMailKit()
    {
        var total = 0;
        for (var i = 0; i < ListsPerCall; i++)
        {
            total += await ListOnceRawAsync();
        }
        return total;
    }

    [BenchmarkCategory("List1000"), Benchmark(OperationsPerInvoke = ListsPerCall, Description = "List 1,000 summaries: SDK GetMessagesAsync")]
    public async Task<int> ListSdk()
    {
        var total = 0;
        for (var i = 0; i < ListsPerCall; i++)
        {
            total += await ListOnceSdkAsync();
        }
        return total;
    }

    private async Task<int> ListOnceRawAsync()
    {
        var summaries = await _list!.FetchAsync(0, -1,
            MessageSummaryItems.UniqueId | MessageSummaryItems.Envelope | MessageSummaryItems.Flags | MessageSummaryItems.Size | MessageSummaryItems.InternalDate);
        return Check(summaries.Count);
    }

    private async Task<int> ListOnceSdkAsync()
    {
        var count = 0;
        await foreach (var _ in _mailbox!.Messages.ListAsync(ListFolder))
        {
            count++;
        }
        return Check(count);
    }

    // ---------------------------------------------------------------- plumbing

    [GlobalCleanup]
    public async Task Cleanup()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
        if (_smtp is not null)
        {
            await _smtp.DisconnectAsync(quit: true);
            _smtp.Dispose();
        }
        if (_imap is not null)
        {
            await _imap.DisconnectAsync(quit: true);
            _imap.Dispose();
        }
        _stack?.Dispose();
    }

    private void CreateSendUsers(string prefix)
    {
        _stack = BenchmarkMailStack.Attach();
        _sender = _stack.NewUser(prefix + "-from");
        _recipient = _stack.NewUser(prefix + "-to");
    }

    private async Task<IMailboxClient> OpenSdkMailboxAsync(string user)
    {
        _provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = Letters.ProductReference)
            .AddImapOperator(o => _stack.Configure(o))
            .Services.BuildServiceProvider();
        _session = _provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        var signIn = await _session.SignInAsync(user, BenchmarkMailStack.Password);
        if (!signIn.IsSignedIn)
        {
            throw new InvalidOperationException("The IMAP operator asked for a second factor.");
        }
        return await _session.OpenMailboxAsync(MssanteAddress.Parse(user));
    }

    /// <summary>
    /// One account of this class owns the listed folder, with exactly 1,000 messages appended once (MULTIAPPEND): the SDK and
    /// MailKit processes list the very same folder.
    /// </summary>
    private async Task<string> SeedListAsync()
    {
        _stack = BenchmarkMailStack.Attach();
        var owner = $"a-list-owner@{BenchmarkMailStack.Domain}";
        _stack.AddUser(owner);
        using var imap = await _stack.ConnectImapAsync(owner);
        var root = imap.GetFolder(imap.PersonalNamespaces[0]);
        IMailFolder folder;
        try
        {
            folder = await imap.GetFolderAsync(ListFolder);
        }
        catch (FolderNotFoundException)
        {
            folder = await CreateAsync(root);
        }
        await folder.StatusAsync(StatusItems.Count);
        if (folder.Count != ListSize)
        {
            await folder.DeleteAsync();
            folder = await CreateAsync(root);
            var start = DateTimeOffset.UtcNow.AddDays(-30);
            for (var batch = 0; batch < ListSize; batch += 100)
            {
                var requests = new List<IAppendRequest>();
                for (var i = batch; i < batch + 100; i++)
                {
                    var message = Letters.Raw($"correspondant{i % 37}@{BenchmarkMailStack.Domain}", owner, i);
                    message.Date = start.AddMinutes(i);
                    requests.Add(new AppendRequest(message, i % 3 == 0 ? MessageFlags.Seen : MessageFlags.None) { InternalDate = message.Date });
                }
                await folder.AppendAsync(requests);
                foreach (var request in requests)
                {
                    request.Message.Dispose();
                }
            }
        }
        await imap.DisconnectAsync(quit: true);
        return owner;
    }

    private static async Task<IMailFolder> CreateAsync(IMailFolder root) =>
        await root.CreateAsync(ListFolder, isMessageFolder: true) ?? throw new InvalidOperationException($"The server did not create {ListFolder}.");

    /// <summary>
    /// A listing takes tens of milliseconds: one warm-up iteration leaves the parsing code at its first JIT tier. Both sides
    /// list 30 times here first, so the iterations measure steady-state code (the sends do 100 per call and need no such help).
    /// </summary>
    private static async Task WarmUpAsync(Func<Task<int>> list)
    {
        for (var i = 0; i < 30; i++)
        {
            await list();
        }
    }

    private static int Check(int count) =>
        count == ListSize ? count : throw new InvalidOperationException($"Listed {count} messages instead of {ListSize}.");
}
