using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.Diagnostics;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Esante.MsSante;

/// <summary>The SDK's <see cref="IMssanteSession"/>, over whichever operator is configured.</summary>
internal sealed class MssanteSession : IMssanteSession, IAccountPortal, IDisposable
{
    private readonly IMssanteOperator _operator;
    private readonly Directory.IDirectorySearch? _directory;
    private readonly MssanteOptions _options;
    private readonly MssantePolicies _policies;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly List<IMailboxClient> _openMailboxes = [];
    private SecondFactorChallenge? _challenge;
    private OperatorGrant? _grant;

    /// <summary>Creates a session (usually through dependency injection: <c>services.AddMssante(…)</c>).</summary>
    /// <param name="operator">The operator to talk to.</param>
    /// <param name="options">The SDK's options; validated here too, for use without a generic host.</param>
    /// <param name="policies">The policies; built from <paramref name="options"/> when null.</param>
    /// <param name="timeProvider">The clock; the system's when null.</param>
    /// <param name="loggerFactory">Where to log; nothing when null.</param>
    /// <param name="directory">
    /// The national directory, where an organisational mailbox the operator gives no name is looked up by its address; none
    /// when null.
    /// </param>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public MssanteSession(
        IMssanteOperator @operator,
        IOptions<MssanteOptions> options,
        MssantePolicies? policies = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        Directory.IDirectorySearch? directory = null)
    {
        _directory = directory;
        ArgumentNullException.ThrowIfNull(@operator);
        ArgumentNullException.ThrowIfNull(options);
        _operator = @operator;
        _options = options.Value;
        MssanteOptionsValidator.ThrowIfInvalid(_options);
        _policies = policies ?? MssantePoliciesFactory.Create(_options);
        _time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<MssanteSession>();
    }

    /// <inheritdoc/>
    public IAccountPortal? Portal => _operator.Portal is null ? null : this;

    /// <inheritdoc/>
    public Uri? PasswordResetPage => _operator.PasswordResetPage;

    private IOperatorPortal OperatorPortal => _operator.Portal
        ?? throw new NotSupportedException("This operator's account portal is its web site (IMssanteSession.PasswordResetPage): it has no interface to call.");

    /// <inheritdoc/>
    public SessionState State
    {
        get
        {
            lock (_gate)
            {
                return _grant is not null ? SessionState.SignedIn
                    : _challenge is not null ? SessionState.AwaitingSecondFactor
                    : SessionState.SignedOut;
            }
        }
    }

    /// <inheritdoc/>
    public string? UserName
    {
        get
        {
            lock (_gate)
            {
                return _grant?.UserName;
            }
        }
    }

    /// <inheritdoc/>
    public async Task<SignInResult> SignInAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentNullException.ThrowIfNull(password);
        if (State == SessionState.SignedIn)
        {
            throw new InvalidOperationException("The session is already signed in; sign out first.");
        }
        using var traced = SdkTelemetry.Start(SdkTelemetry.SignIn)?.Tag(SdkTelemetry.SignInMethod, "password");
        var step = await Logged(() => _operator.SignInAsync(userName, password, cancellationToken), traced).ConfigureAwait(false);
        lock (_gate)
        {
            _challenge = step.Challenge;
            _grant = step.Grant;
        }
        if (step.Grant is not null)
        {
            _logger.SignedIn(step.Grant.UserName);
            return new SignInResult(null);
        }
        _logger.SecondFactorRequired(userName, step.Challenge!.Channel);
        return new SignInResult(step.Challenge);
    }

    /// <inheritdoc/>
    public Task SignInWithTokenAsync(string userName, BearerTokenSource accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentNullException.ThrowIfNull(accessToken);
        OperatorGrant? signedIn = null;
        // CONF.10: when the token source says the token has expired for good (Pro Santé Connect refused the refresh token,
        // or its session is over), this session ends with it.
        async ValueTask<string> Watched(CancellationToken token)
        {
            try
            {
                return await accessToken(token).ConfigureAwait(false);
            }
            catch (MssanteAuthenticationException e) when (e.Failure == AuthenticationFailure.TokenExpired && signedIn is { } grant)
            {
                EndedByTokenSource(grant);
                throw;
            }
        }
        return CompleteWith(async () => signedIn = await _operator.SignInWithTokenAsync(userName, Watched, cancellationToken).ConfigureAwait(false), "token");
    }

    /// <summary>Ends the session its token source gave up on, unless it was signed out or in again since.</summary>
    private void EndedByTokenSource(OperatorGrant grant)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_grant, grant))
            {
                return;
            }
            _grant = null;
        }
        _logger.SessionEndedByTokenSource(grant.UserName);
    }

    /// <inheritdoc/>
    public Task SignInWithCertificateAsync(X509Certificate2 certificate, string? userName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The client certificate has no private key: load it with its key (PFX, or PEM certificate and key).", nameof(certificate));
        }
        return CompleteWith(() => _operator.SignInWithCertificateAsync(certificate, userName, cancellationToken), "certificate");
    }

    /// <summary>Signs in in one step (token, certificate): no one-time code follows.</summary>
    private async Task CompleteWith(Func<Task<OperatorGrant>> signIn, string method)
    {
        if (State == SessionState.SignedIn)
        {
            throw new InvalidOperationException("The session is already signed in; sign out first.");
        }
        using var traced = SdkTelemetry.Start(SdkTelemetry.SignIn)?.Tag(SdkTelemetry.SignInMethod, method);
        var grant = await Logged(signIn, traced).ConfigureAwait(false);
        lock (_gate)
        {
            _grant = grant;
            _challenge = null;
        }
        _logger.SignedIn(grant.UserName);
    }

    /// <inheritdoc/>
    public async Task CompleteSignInAsync(string oneTimeCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(oneTimeCode);
        SecondFactorChallenge challenge;
        lock (_gate)
        {
            challenge = _challenge ?? throw new InvalidOperationException("No one-time code is awaited: call SignInAsync first.");
        }
        using var traced = SdkTelemetry.Start(SdkTelemetry.SignIn)?.Tag(SdkTelemetry.SignInMethod, "one_time_code");
        var grant = await Logged(() => _operator.CompleteSecondFactorAsync(challenge, oneTimeCode.Trim(), cancellationToken), traced).ConfigureAwait(false);
        lock (_gate)
        {
            _grant = grant;
            _challenge = null;
        }
        _logger.SignedIn(grant.UserName);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<MailboxDescriptor>> ListMailboxesAsync(CancellationToken cancellationToken = default)
    {
        var grant = RequireGrant();
        using var traced = SdkTelemetry.Start(SdkTelemetry.ListMailboxes);
        IReadOnlyList<MailboxDescriptor> mailboxes;
        try
        {
            mailboxes = await _operator.ListMailboxesAsync(grant, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
        if (_directory is null || !mailboxes.Any(Unnamed))
        {
            return mailboxes;
        }
        var named = new List<MailboxDescriptor>(mailboxes.Count);
        foreach (var mailbox in mailboxes)
        {
            named.Add(Unnamed(mailbox) && await DirectoryNameAsync(mailbox.Address, cancellationToken).ConfigureAwait(false) is { } name
                ? mailbox with { DisplayName = name }
                : mailbox);
        }
        return named;
    }

    /// <summary>An organisational mailbox the operator gives no name (it shows its address).</summary>
    private static bool Unnamed(MailboxDescriptor mailbox) =>
        mailbox.Kind == MailboxKind.Organisational && string.Equals(mailbox.DisplayName, mailbox.Address.Value, StringComparison.OrdinalIgnoreCase);

    /// <summary>The name the national directory gives an address (the structure's, for an organisational mailbox), or null.</summary>
    private async Task<string?> DirectoryNameAsync(MssanteAddress address, CancellationToken cancellationToken)
    {
        try
        {
            var page = await _directory!.SearchAsync(new Directory.DirectoryQuery { Email = address.Value, Take = 5 }, cancellationToken).ConfigureAwait(false);
            var name = page.Entries.FirstOrDefault(e => e.Address == address)?.DisplayName;
            return string.IsNullOrWhiteSpace(name) || string.Equals(name, address.Value, StringComparison.OrdinalIgnoreCase) ? null : name;
        }
        catch (Directory.DirectorySourceException)
        {
            // The directory cannot be reached: the mailbox keeps its address as its name, rather than the list failing.
            return null;
        }
    }

    /// <inheritdoc/>
    public async Task<IMailboxClient> OpenMailboxAsync(MssanteAddress mailbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        var grant = RequireGrant();
        using var traced = SdkTelemetry.Start(SdkTelemetry.OpenMailbox);
        IOperatorMailbox opened;
        try
        {
            opened = await _operator.OpenMailboxAsync(grant, mailbox, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
        traced?.Tag(SdkTelemetry.MailboxKind, SdkTelemetry.Word(opened.Mailbox.Kind));
        var client = new MailboxClient(opened, _policies, _options.ProductReference, _time, _loggerFactory.CreateLogger<MailboxClient>());
        bool signedOut;
        lock (_gate)
        {
            // Signed out while it opened: the sign-out did not see it, so it is closed here rather than left open.
            signedOut = _grant is null;
            if (!signedOut)
            {
                _openMailboxes.Add(client);
                client.Closed = () => Forget(client);
            }
        }
        if (signedOut)
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException("The session was signed out while the mailbox opened.");
        }
        _logger.MailboxOpened(opened.Mailbox.Kind, opened.Mailbox.Address.Value);
        return client;
    }

    /// <summary>A mailbox the application closed itself: the session no longer keeps it.</summary>
    private void Forget(IMailboxClient client)
    {
        lock (_gate)
        {
            _openMailboxes.Remove(client);
        }
    }

    /// <inheritdoc/>
    public async Task SignOutAsync(CancellationToken cancellationToken = default)
    {
        OperatorGrant? grant;
        List<IMailboxClient> mailboxes;
        lock (_gate)
        {
            grant = _grant;
            mailboxes = [.. _openMailboxes];
            _openMailboxes.Clear();
            _grant = null;
            _challenge = null;
        }
        // Every mailbox closed, at once (each within its grace), whatever happens to the others.
        await Task.WhenAll(mailboxes.Select(CloseAsync)).ConfigureAwait(false);
        if (grant is not null)
        {
            await _operator.SignOutAsync(grant, cancellationToken).ConfigureAwait(false);
            _logger.SignedOut(grant.UserName);
        }
    }

    /// <inheritdoc/>
    public Task RequestPasswordResetAsync(string userName, string contactEmail, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentException.ThrowIfNullOrWhiteSpace(contactEmail);
        return OperatorPortal.RequestPasswordResetAsync(userName.Trim(), contactEmail.Trim(), cancellationToken);
    }

    /// <inheritdoc/>
    public Task<OtpChannelEnrolment> StartPasswordSetupAsync(Uri resetLink, string newPassword, string confirmation, OtpChannelChoice otpChannel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resetLink);
        ArgumentNullException.ThrowIfNull(newPassword);
        ArgumentNullException.ThrowIfNull(otpChannel);
        if (!string.Equals(newPassword, confirmation, StringComparison.Ordinal))
        {
            throw new ArgumentException("The confirmation differs from the new password.", nameof(confirmation));
        }
        CheckOtpChoice(otpChannel);
        return Logged(() => OperatorPortal.StartPasswordSetupAsync(resetLink, newPassword, otpChannel, cancellationToken));
    }

    /// <inheritdoc/>
    public Task CompletePasswordSetupAsync(Uri resetLink, string testCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(resetLink);
        ArgumentNullException.ThrowIfNull(testCode);
        return Logged(() => OperatorPortal.CompletePasswordSetupAsync(resetLink, testCode.Trim(), cancellationToken));
    }

    /// <inheritdoc/>
    public Task<AccountProfile> GetProfileAsync(CancellationToken cancellationToken = default) =>
        OperatorPortal.GetProfileAsync(RequireGrant(), cancellationToken);

    /// <inheritdoc/>
    public Task ChangeContactEmailAsync(string contactEmail, CancellationToken cancellationToken = default)
    {
        CheckEmail(contactEmail, nameof(contactEmail));
        return OperatorPortal.ChangeContactEmailAsync(RequireGrant(), contactEmail.Trim(), cancellationToken);
    }

    /// <inheritdoc/>
    public Task ChangePasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(currentPassword);
        ArgumentNullException.ThrowIfNull(newPassword);
        var grant = RequireGrant();
        return Logged(() => OperatorPortal.ChangePasswordAsync(grant, currentPassword, newPassword, cancellationToken));
    }

    /// <inheritdoc/>
    public Task<OtpChannelEnrolment> StartOtpChannelChangeAsync(OtpChannelChoice otpChannel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(otpChannel);
        CheckOtpChoice(otpChannel);
        return OperatorPortal.StartOtpChannelChangeAsync(RequireGrant(), otpChannel, cancellationToken);
    }

    /// <inheritdoc/>
    public Task CompleteOtpChannelChangeAsync(string testCode, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(testCode);
        var grant = RequireGrant();
        return Logged(() => OperatorPortal.CompleteOtpChannelChangeAsync(grant, testCode.Trim(), cancellationToken));
    }

    /// <summary>Disposes synchronously, for containers and callers that cannot await; prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        DisposeAsyncCore().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await DisposeAsyncCore().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Signs out, closing every mailbox the session opened; never throws (what could not be done is logged).</summary>
    private async ValueTask DisposeAsyncCore()
    {
        try
        {
            await SignOutAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is MssanteException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or NotSupportedException)
        {
            _logger.SignOutNotCompleted(e.GetType().Name);
        }
    }

    private async Task CloseAsync(IMailboxClient mailbox)
    {
        try
        {
            await mailbox.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is MssanteException or OperationCanceledException or ObjectDisposedException or InvalidOperationException or IOException)
        {
            _logger.SignOutNotCompleted(e.GetType().Name);
        }
    }

    private OperatorGrant RequireGrant()
    {
        lock (_gate)
        {
            return _grant ?? throw new InvalidOperationException(
                _challenge is null ? "The session is not signed in: call SignInAsync first." : "The sign-in is not complete: call CompleteSignInAsync with the one-time code.");
        }
    }

    /// <summary>
    /// Runs an operator call that checks a credential, logging a refusal (its kind only) on the way out, whether the
    /// operator throws at once or from its task; any other failure is logged by its type, without its message.
    /// </summary>
    private async Task<T> Logged<T>(Func<Task<T>> operation, TracedOperation? traced = null)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (SdkTelemetry.Failed(traced, e))
        {
            throw;
        }
        catch (MssanteAuthenticationException e)
        {
            _logger.SignInFailed(e.Failure);
            throw;
        }
        catch (MssanteException e)
        {
            _logger.SignInNotCompleted(e.GetType().Name);
            throw;
        }
    }

    private async Task Logged(Func<Task> operation) => await Logged(async () =>
    {
        await operation().ConfigureAwait(false);
        return true;
    }).ConfigureAwait(false);

    private static void CheckOtpChoice(OtpChannelChoice choice)
    {
        if (choice.Channel == OtpChannel.Email)
        {
            CheckEmail(choice.Email, nameof(choice));
        }
    }

    private static void CheckEmail(string? email, string name)
    {
        if (MssanteAddress.CheckSyntax(email?.Trim(), out _, out _) is { } error)
        {
            throw new ArgumentException("The e-mail address is not valid: " + error, name);
        }
    }
}
