using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Esante.MsSante.Diagnostics;
using Esante.MsSante.Directory;
using Esante.MsSante.Operators;
using Microsoft.IdentityModel.Tokens;
using MimeKit;

namespace Esante.MsSante.Testing;

/// <summary>
/// An MSSanté operator in memory, for testing applications built on the SDK without a server: accounts with passwords and
/// one-time codes, organisational mailboxes with delegates, first connection and forgotten password by a link valid 1 hour,
/// lock-out, delivery between its mailboxes, the « Échanges Patients » folder, the Trash emptied after 30 days, the quota,
/// and an outbox of what it sends out. Driven by a <see cref="TimeProvider"/>; does no I/O.
/// </summary>
/// <example>
/// <code>
/// var server = new FakeMssanteOperator();
/// var alice = server.CreateAccount("alice.martin", "Motdepasse-1");
/// services.AddMssante(o => o.ProductReference = "DEV935997").AddMssanteFakeOperator(server);
/// </code>
/// </example>
public sealed partial class FakeMssanteOperator : IMssanteOperator, IOperatorPortal, IOperatorProbe
{
    /// <inheritdoc/>
    /// <remarks>The fake operator offers its portal as an interface: first connection, reset, profile, one-time code channel.</remarks>
    public IOperatorPortal? Portal => this;

    /// <inheritdoc/>
    /// <remarks>Null: the fake operator's portal is <see cref="Portal"/>.</remarks>
    public Uri? PasswordResetPage => null;

    private readonly object _gate = new();
    private readonly Dictionary<string, FakeAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<MssanteAddress, FakeOrganisationalMailbox> _organisations = [];
    private readonly Dictionary<MssanteAddress, FakeMailboxStore> _stores = [];
    private readonly Dictionary<string, Challenge> _challenges = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ResetLink> _resetLinks = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingOtpSetup> _pendingOtpChanges = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _activeGrants = new(StringComparer.Ordinal);
    private readonly Dictionary<MssanteAddress, string> _refusedRecipients = [];
    private readonly List<FakeOutboxMessage> _outbox = [];
    private readonly List<FakeDelivery> _deliveries = [];
    private readonly List<Waiter> _waiters = [];
    private readonly OtpProvider _otp;
    private readonly SymmetricSecurityKey _tokenKey = new(RandomNumberGenerator.GetBytes(32));
    private readonly Dictionary<string, string> _certificates = new(StringComparer.OrdinalIgnoreCase);
    private uint _uidValidity;

    /// <summary>Creates an empty operator.</summary>
    /// <param name="timeProvider">The clock; a new <see cref="FakeOperatorClock"/> when null, moved by <see cref="AdvanceTime"/>.</param>
    /// <param name="options">How it behaves; the regional operator's defaults when null.</param>
    public FakeMssanteOperator(TimeProvider? timeProvider = null, FakeOperatorOptions? options = null)
    {
        TimeProvider = timeProvider ?? new FakeOperatorClock();
        Options = options ?? new FakeOperatorOptions();
        _otp = new OtpProvider(TimeProvider);
        Directory = new InMemoryDirectory(DirectoryEntries);
    }

    /// <summary>The operator's clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>How it behaves.</summary>
    public FakeOperatorOptions Options { get; }

    /// <summary>Failures to show on purpose: latency, dropped connections, refused sign-ins.</summary>
    public FakeOperatorFaults Faults { get; } = new();

    /// <summary>The directory of its accounts and organisational mailboxes.</summary>
    public IDirectorySearch Directory { get; }

    /// <summary>What it sent out so far: codes, reset links, relayed messages.</summary>
    public IReadOnlyList<FakeOutboxMessage> Outbox
    {
        get
        {
            lock (_gate)
            {
                return _outbox.ToList();
            }
        }
    }

    /// <summary>Every message stored in its mailboxes so far, in order (Sent copies included).</summary>
    public IReadOnlyList<FakeDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return _deliveries.ToList();
            }
        }
    }

    /// <summary>
    /// Creates an account with a personal mailbox <c>userName@domain</c>. Without a password, the person must go through the
    /// first connection (<see cref="IAccountPortal.RequestPasswordResetAsync"/>). With the authenticator channel, a TOTP secret is
    /// created (<see cref="FakeAccount.TotpSecret"/>; <see cref="CurrentTotpCode"/> gives its code).
    /// </summary>
    /// <param name="userName">« prénom.nom ».</param>
    /// <param name="password">The password, or null for an account awaiting its first connection.</param>
    /// <param name="otpChannel">How one-time codes reach the person.</param>
    /// <param name="contactEmail">The contact e-mail; <c>userName@contact.test</c> when null.</param>
    /// <param name="domain">The mailbox's domain; <see cref="FakeOperatorOptions.DefaultDomain"/> when null.</param>
    /// <exception cref="InvalidOperationException">The user name is taken.</exception>
    public FakeAccount CreateAccount(string userName, string? password = null, OtpChannel otpChannel = OtpChannel.Email, string? contactEmail = null, string? domain = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        var address = MssanteAddress.Parse($"{userName}@{domain ?? Options.DefaultDomain}");
        var account = new FakeAccount(userName, address, contactEmail ?? $"{userName}@contact.test") { OtpChannel = otpChannel };
        if (password is not null)
        {
            account.PasswordHash = PasswordHash.Create(password);
        }
        if (otpChannel == OtpChannel.AuthenticatorApp)
        {
            account.TotpSecret = _otp.EnrolAuthenticator(userName).Secret;
        }
        lock (_gate)
        {
            if (_accounts.ContainsKey(userName) || _stores.ContainsKey(address))
            {
                throw new InvalidOperationException($"The user name {userName} is taken.");
            }
            _accounts.Add(userName, account);
            _stores.Add(address, NewStore(new MailboxDescriptor(address, MailboxKind.Personal, $"{account.FirstName} {account.LastName}".Trim(), IsOwn: true)));
        }
        return account;
    }

    /// <summary>Creates an organisational mailbox (« BAL organisationnelle ») with its delegates.</summary>
    /// <param name="address">The structure's address, e.g. <c>secretariat-cardio@esante-test.mssante.fr</c>.</param>
    /// <param name="displayName">The structure's name.</param>
    /// <param name="delegates">The accounts that may open it.</param>
    /// <exception cref="InvalidOperationException">The address is taken.</exception>
    public FakeOrganisationalMailbox CreateOrganisationalMailbox(string address, string displayName, params FakeAccount[] delegates)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        ArgumentNullException.ThrowIfNull(delegates);
        var parsed = MssanteAddress.Parse(address);
        var organisation = new FakeOrganisationalMailbox(parsed, displayName, _gate);
        lock (_gate)
        {
            if (_stores.ContainsKey(parsed))
            {
                throw new InvalidOperationException($"The address {parsed} is taken.");
            }
            _organisations.Add(parsed, organisation);
            var store = NewStore(new MailboxDescriptor(parsed, MailboxKind.Organisational, displayName, IsOwn: false));
            // Provisioned for the delegates, as the test stack's add-org.sh does: they create folders inside, not at the top.
            store.Add(ContactFolders.Root);
            _stores.Add(parsed, store);
        }
        foreach (var account in delegates)
        {
            organisation.AddDelegate(account);
        }
        return organisation;
    }

    /// <summary>The code an authenticator app shows now for an account using <see cref="OtpChannel.AuthenticatorApp"/>.</summary>
    /// <exception cref="InvalidOperationException">The account has no authenticator secret.</exception>
    public string CurrentTotpCode(FakeAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return _otp.ComputeTotp(account.TotpSecret ?? throw new InvalidOperationException($"{account.UserName} does not use an authenticator app."));
    }

    /// <summary>The issuer of the access tokens this operator accepts.</summary>
    public const string TokenIssuer = "https://operateur.test/auth";

    /// <summary>
    /// Issues an access token for an account, as an identity provider such as Pro Santé Connect would: a JWT (HS256) with
    /// <c>sub</c>, <c>email</c>, <c>iss</c>, <c>iat</c> and <c>exp</c>, accepted by <see cref="SignInWithTokenAsync"/>.
    /// </summary>
    /// <param name="account">The account.</param>
    /// <param name="lifetime">How long it is valid; 2 minutes (Pro Santé Connect's) when null. Negative for an already expired token.</param>
    public string IssueAccessToken(FakeAccount account, TimeSpan? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        var now = TimeProvider.GetUtcNow();
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(2));
        var token = new JwtSecurityToken(
            issuer: TokenIssuer,
            claims: [new Claim("sub", account.UserName), new Claim("email", account.Address.Value)],
            notBefore: (expires < now ? expires.AddMinutes(-1) : now).UtcDateTime,
            expires: expires.UtcDateTime,
            signingCredentials: new SigningCredentials(_tokenKey, SecurityAlgorithms.HmacSha256));
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    /// <summary>
    /// Issues a client certificate for an account, as the IGC Santé would for an applicative mailbox, valid one day from the
    /// operator's clock, and registers it: <see cref="SignInWithCertificateAsync"/> accepts it.
    /// </summary>
    public X509Certificate2 IssueClientCertificate(FakeAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={account.Address.Value}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddEmailAddress(account.Address.Value);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var now = TimeProvider.GetUtcNow();
        var certificate = request.CreateSelfSigned(now.AddMinutes(-1), now.AddDays(1));
        lock (_gate)
        {
            _certificates[certificate.Thumbprint] = account.UserName;
        }
        return certificate;
    }

    /// <summary>The last one-time code e-mailed to an address.</summary>
    /// <exception cref="InvalidOperationException">No code was sent there.</exception>
    public string LastCodeSentTo(string email) =>
        Outbox.LastOrDefault(m => m.Kind == FakeOutboxKind.OneTimeCode && string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase))?.Code
        ?? throw new InvalidOperationException("No one-time code was sent to that address.");

    /// <summary>The last reset / first-connection link e-mailed to an address.</summary>
    /// <exception cref="InvalidOperationException">No link was sent there.</exception>
    public Uri LastResetLinkSentTo(string email) =>
        Outbox.LastOrDefault(m => m.Kind == FakeOutboxKind.PasswordResetLink && string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase))?.Link
        ?? throw new InvalidOperationException("No reset link was sent to that address.");

    /// <summary>Moves the operator's clock forward (only when it uses its own <see cref="FakeOperatorClock"/>).</summary>
    /// <exception cref="InvalidOperationException">The operator was given another clock: advance that one.</exception>
    public void AdvanceTime(TimeSpan delta)
    {
        if (TimeProvider is not FakeOperatorClock clock)
        {
            throw new InvalidOperationException("This operator runs on the TimeProvider it was given: advance that one instead.");
        }
        clock.Advance(delta);
    }

    /// <summary>Makes the operator refuse a recipient at submission, as a server refuses at RCPT TO.</summary>
    /// <param name="address">The address to refuse.</param>
    /// <param name="reason">The server's answer.</param>
    public void RefuseRecipient(string address, string reason = "550 5.1.1 Recipient address rejected")
    {
        lock (_gate)
        {
            _refusedRecipients[MssanteAddress.Parse(address)] = reason;
        }
    }

    /// <summary>Sets the storage limit of one mailbox.</summary>
    public void SetQuota(string mailbox, long bytes)
    {
        lock (_gate)
        {
            Store(MssanteAddress.Parse(mailbox)).QuotaBytes = bytes;
        }
    }

    /// <summary>
    /// Delivers a message that arrives from outside (another operator, or a patient from Mon Espace Santé) to its hosted recipients.
    /// Messages from <c>@patient.mssante.fr</c> go to « Échanges Patients ». The sending server's envelope sender (the stored
    /// copy's <c>Return-Path</c>) is the message's From.
    /// </summary>
    /// <param name="message">The message; its To and Cc say who receives it when <paramref name="recipients"/> is empty.</param>
    /// <param name="recipients">The envelope recipients.</param>
    /// <exception cref="RecipientsRejectedException">A recipient is not hosted here or its mailbox is full; nothing was delivered.</exception>
    public void DeliverFromOutside(MimeMessage message, params string[] recipients)
    {
        ArgumentNullException.ThrowIfNull(message);
        var targets = recipients.Length > 0 ? recipients : [.. message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)];
        DeliverFromOutside(StoredMessage.Serialize(message), message.From.Mailboxes.FirstOrDefault()?.Address ?? string.Empty, targets);
    }

    /// <summary>
    /// Delivers raw bytes as they came off the wire, however malformed, to hosted recipients (as an MX would store them),
    /// from the null sender: the stored copy starts with <c>Return-Path: &lt;&gt;</c>.
    /// </summary>
    /// <param name="raw">The message as received.</param>
    /// <param name="recipients">The envelope recipients.</param>
    /// <exception cref="RecipientsRejectedException">A recipient is not hosted here or its mailbox is full; nothing was delivered.</exception>
    public void DeliverRawFromOutside(byte[] raw, params string[] recipients) => DeliverFromOutside(raw, string.Empty, recipients);

    // envelopeSender: the MAIL FROM the sending server gave, empty for the null sender <>.
    private void DeliverFromOutside(byte[] raw, string envelopeSender, string[] recipients)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(recipients);
        lock (_gate)
        {
            var hosted = new TrustedDomainList([.. _stores.Keys.Select(k => k.Domain)]);
            var targets = recipients.Select(r => MssanteAddress.Parse(r, hosted)).Distinct().ToList();
            ExpireAll();
            var rejected = targets.Select(t => Refusal(t, raw.Length) is { } reason ? new RejectedRecipient(t.Value, reason) : null).OfType<RejectedRecipient>().ToList();
            if (rejected.Count > 0)
            {
                throw new RecipientsRejectedException(rejected);
            }
            foreach (var target in targets)
            {
                DeliverLocked(_stores[target], raw, envelopeSender);
            }
        }
    }

    /// <summary>A patient writes from Mon Espace Santé (<c>&lt;INS&gt;@patient.mssante.fr</c>) to a hosted mailbox.</summary>
    /// <param name="patient">The patient's address.</param>
    /// <param name="to">The hosted mailbox.</param>
    /// <param name="subject">The subject.</param>
    /// <param name="body">The text.</param>
    public void DeliverFromPatient(MssanteAddress patient, string to, string subject, string body)
    {
        ArgumentNullException.ThrowIfNull(patient);
        if (!patient.IsPatient)
        {
            throw new ArgumentException("A patient's address is on patient.mssante.fr.", nameof(patient));
        }
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(string.Empty, patient.Value));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Date = TimeProvider.GetUtcNow();
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(MssanteAddress.PatientDomain);
        message.Body = new TextPart("plain") { Text = body };
        DeliverFromOutside(message, to);
    }

    /// <summary>Waits until a message matching <paramref name="predicate"/> is stored in a mailbox (including ones stored before the call).</summary>
    /// <param name="predicate">What to wait for.</param>
    /// <param name="timeout">How long to wait, in real time; 5 seconds when null.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="TimeoutException">Nothing matched in time.</exception>
    public Task<FakeDelivery> WaitForMessageAsync(Func<FakeDelivery, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitAsync(() => _deliveries, predicate, timeout, cancellationToken);

    /// <summary>Waits until something matching <paramref name="predicate"/> is in the outbox (including what was there before the call).</summary>
    /// <exception cref="TimeoutException">Nothing matched in time.</exception>
    public Task<FakeOutboxMessage> WaitForOutboxAsync(Func<FakeOutboxMessage, bool> predicate, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitAsync(() => _outbox, predicate, timeout, cancellationToken);

    /// <inheritdoc/>
    public Task<SignInStep> SignInAsync(string userName, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(password);
        ThrowIfSignInsRejected();
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            if (!_accounts.TryGetValue(userName, out var account))
            {
                throw InvalidCredentials();
            }
            ThrowIfLocked(account, now);
            if (account.PasswordHash is null || !account.PasswordHash.Matches(password))
            {
                throw Failure(account, now, InvalidCredentials());
            }
            var challenge = new SecondFactorChallenge(account.OtpChannel, null, now + Options.SecondFactorLifetime, NewToken());
            if (account.OtpChannel == OtpChannel.Email)
            {
                SendCode(account.OtpEmail!, _otp.IssueEmailCode(account.UserName), now);
                challenge = challenge with { CodeSentTo = Mask(account.OtpEmail!) };
            }
            _challenges[challenge.Id] = new Challenge(account.UserName, challenge.ExpiresAt);
            return Task.FromResult(SignInStep.SecondFactorRequired(challenge));
        }
    }

    /// <inheritdoc/>
    public async Task<OperatorGrant> SignInWithTokenAsync(string userName, BearerTokenSource accessToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(accessToken);
        ThrowIfSignInsRejected();
        var account = await AccountOfTokenAsync(userName, accessToken, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            ThrowIfLocked(account, now);
            var grant = new FakeGrant(account.UserName, account.Address, now, NewToken()) { AccessToken = accessToken };
            _activeGrants.Add(grant.Id);
            return grant;
        }
    }

    /// <summary>
    /// The account an access token from the source is for, checked as Dovecot's oauth2 passdb does: asked again at each
    /// connection (signing in, opening a mailbox), as the real operator asks.
    /// </summary>
    private async Task<FakeAccount> AccountOfTokenAsync(string userName, BearerTokenSource accessToken, CancellationToken cancellationToken)
    {
        var token = await accessToken(cancellationToken).ConfigureAwait(false);
        var now = TimeProvider.GetUtcNow();
        AccessTokens.ThrowIfExpired(token, now);
        ClaimsPrincipal principal;
        try
        {
            principal = new JwtSecurityTokenHandler { MapInboundClaims = false }.ValidateToken(token, new TokenValidationParameters
            {
                ValidIssuer = TokenIssuer,
                ValidateAudience = false,
                IssuerSigningKey = _tokenKey,
                LifetimeValidator = (notBefore, expires, _, _) => expires > now.UtcDateTime && (notBefore is null || notBefore <= now.UtcDateTime),
            }, out _);
        }
        catch (ArgumentException)
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.InvalidCredentials, "The access token was refused.");
        }
        catch (SecurityTokenException)
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.InvalidCredentials, "The access token was refused.");
        }
        lock (_gate)
        {
            var subject = principal.FindFirst("sub")?.Value;
            if (subject is null || !_accounts.TryGetValue(subject, out var account) ||
                !(string.Equals(userName, account.UserName, StringComparison.OrdinalIgnoreCase) || string.Equals(userName, account.Address.Value, StringComparison.OrdinalIgnoreCase)))
            {
                throw new MssanteAuthenticationException(AuthenticationFailure.InvalidCredentials, "The access token was refused.");
            }
            return account;
        }
    }

    /// <inheritdoc/>
    public Task<OperatorGrant> SignInWithCertificateAsync(X509Certificate2 certificate, string? userName = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ThrowIfSignInsRejected();
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            if (!_certificates.TryGetValue(certificate.Thumbprint, out var owner) || !certificate.HasPrivateKey ||
                now < certificate.NotBefore || now >= certificate.NotAfter ||
                (userName is not null && !string.Equals(userName, owner, StringComparison.OrdinalIgnoreCase) &&
                 !string.Equals(userName, _accounts[owner].Address.Value, StringComparison.OrdinalIgnoreCase)))
            {
                throw new MssanteAuthenticationException(AuthenticationFailure.InvalidCredentials, "The client certificate was refused (unknown authority, expired, or for no account here).");
            }
            var account = _accounts[owner];
            ThrowIfLocked(account, now);
            var grant = new FakeGrant(account.UserName, account.Address, now, NewToken());
            _activeGrants.Add(grant.Id);
            return Task.FromResult<OperatorGrant>(grant);
        }
    }

    /// <inheritdoc/>
    public Task<OperatorGrant> CompleteSecondFactorAsync(SecondFactorChallenge challenge, string code, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(code);
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            if (!_challenges.TryGetValue(challenge.Id, out var pending) || now >= pending.ExpiresAt)
            {
                _challenges.Remove(challenge.Id);
                throw new MssanteAuthenticationException(AuthenticationFailure.SecondFactorExpired, "The one-time-code step has expired: sign in again.");
            }
            var account = _accounts[pending.UserName];
            ThrowIfLocked(account, now);
            var result = account.OtpChannel == OtpChannel.Email
                ? _otp.VerifyEmailCode(account.UserName, code)
                : _otp.VerifyTotp(account.TotpSecret!, code);
            if (result != OtpVerificationResult.Valid)
            {
                throw Failure(account, now, CodeFailure(result));
            }
            account.FailuresInARow = 0;
            _challenges.Remove(challenge.Id);
            var grant = new FakeGrant(account.UserName, account.Address, now, NewToken());
            _activeGrants.Add(grant.Id);
            return Task.FromResult<OperatorGrant>(grant);
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<MailboxDescriptor>> ListMailboxesAsync(OperatorGrant grant, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var account = Authorize(grant);
            IReadOnlyList<MailboxDescriptor> mailboxes =
            [
                _stores[account.Address].Descriptor,
                .. _organisations.Values.Where(o => o.RightsOf(account.UserName) is not null).OrderBy(o => o.DisplayName, StringComparer.Ordinal).Select(o => _stores[o.Address].Descriptor),
                .. _stores.Values
                    .Select(store => (store, access: AccessOf(account, store)))
                    .Where(s => s.access is { IsColleague: true })
                    .OrderBy(s => s.store.Descriptor.Address.Value, StringComparer.Ordinal)
                    .Select(s => DescriptorFor(s.store, s.access!)),
            ];
            return Task.FromResult(mailboxes);
        }
    }

    /// <inheritdoc/>
    public async Task<IOperatorMailbox> OpenMailboxAsync(OperatorGrant grant, MssanteAddress mailbox, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mailbox);
        if (grant is FakeGrant { AccessToken: { } accessToken })
        {
            // A new connection: the real operator signs in again with the source's current token.
            await AccountOfTokenAsync(grant.UserName, accessToken, cancellationToken).ConfigureAwait(false);
        }
        lock (_gate)
        {
            var store = AuthorizeMailbox(grant, mailbox, out var access);
            return new FakeOperatorMailbox(this, grant, store, DescriptorFor(store, access));
        }
    }

    /// <inheritdoc/>
    public Task SignOutAsync(OperatorGrant grant, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _activeGrants.Remove(((FakeGrant)grant).Id);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public Task RequestPasswordResetAsync(string userName, string contactEmail, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            if (_accounts.TryGetValue(userName, out var account) && string.Equals(account.ContactEmail, contactEmail, StringComparison.OrdinalIgnoreCase))
            {
                // A new link replaces the earlier ones.
                foreach (var old in _resetLinks.Where(l => l.Value.UserName == account.UserName).Select(l => l.Key).ToList())
                {
                    _resetLinks.Remove(old);
                }
                var token = NewToken();
                _resetLinks[token] = new ResetLink(account.UserName, now + Options.ResetLinkLifetime);
                _outbox.Add(new FakeOutboxMessage(FakeOutboxKind.PasswordResetLink, account.ContactEmail, now, Link: new Uri(Options.PortalUri, "reset-password?token=" + token)));
                Signal();
            }
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<OtpChannelEnrolment> StartPasswordSetupAsync(Uri resetLink, string newPassword, OtpChannelChoice otpChannel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(otpChannel);
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            var (token, link) = ValidLink(resetLink, now);
            CheckPassword(newPassword);
            var setup = StartOtpSetup($"setup:{token}", link.UserName, otpChannel, now);
            _resetLinks[token] = link with { NewPassword = PasswordHash.Create(newPassword), Otp = setup };
            return Task.FromResult(setup.Enrolment);
        }
    }

    /// <inheritdoc/>
    public Task CompletePasswordSetupAsync(Uri resetLink, string testCode, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var now = TimeProvider.GetUtcNow();
            var (token, link) = ValidLink(resetLink, now);
            if (link.Otp is null || link.NewPassword is null)
            {
                throw new InvalidOperationException("Choose the password and the one-time-code channel first (StartPasswordSetupAsync).");
            }
            VerifySetupCode($"setup:{token}", link.Otp, testCode);
            var account = _accounts[link.UserName];
            account.PasswordHash = link.NewPassword;
            Apply(account, link.Otp);
            account.FailuresInARow = 0;
            account.LockedUntil = null;
            _resetLinks[token] = link with { Used = true };
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<AccountProfile> GetProfileAsync(OperatorGrant grant, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var a = Authorize(grant);
            return Task.FromResult(new AccountProfile(a.UserName, a.ContactEmail, a.OtpChannel, a.OtpChannel == OtpChannel.Email ? a.OtpEmail : null));
        }
    }

    /// <inheritdoc/>
    public Task ChangeContactEmailAsync(OperatorGrant grant, string contactEmail, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            Authorize(grant).ContactEmail = contactEmail;
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task ChangePasswordAsync(OperatorGrant grant, string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var account = Authorize(grant);
            if (account.PasswordHash?.Matches(currentPassword) != true)
            {
                throw new MssanteAuthenticationException(AuthenticationFailure.InvalidCredentials, "The current password is wrong.");
            }
            CheckPassword(newPassword);
            account.PasswordHash = PasswordHash.Create(newPassword);
            return Task.CompletedTask;
        }
    }

    /// <inheritdoc/>
    public Task<OtpChannelEnrolment> StartOtpChannelChangeAsync(OperatorGrant grant, OtpChannelChoice otpChannel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(otpChannel);
        lock (_gate)
        {
            var account = Authorize(grant);
            var setup = StartOtpSetup($"change:{account.UserName}", account.UserName, otpChannel, TimeProvider.GetUtcNow());
            _pendingOtpChanges[account.UserName] = setup;
            return Task.FromResult(setup.Enrolment);
        }
    }

    /// <inheritdoc/>
    public Task CompleteOtpChannelChangeAsync(OperatorGrant grant, string testCode, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var account = Authorize(grant);
            if (!_pendingOtpChanges.TryGetValue(account.UserName, out var setup))
            {
                throw new InvalidOperationException("No change of the one-time-code channel was started.");
            }
            VerifySetupCode($"change:{account.UserName}", setup, testCode);
            Apply(account, setup);
            _pendingOtpChanges.Remove(account.UserName);
            return Task.CompletedTask;
        }
    }

    // ---- used by FakeOperatorMailbox, under the lock ----

    internal object Gate => _gate;

    internal DateTimeOffset Now => TimeProvider.GetUtcNow();

    /// <summary>Checks the grant and the access at each operation, and runs the operator's expiry job.</summary>
    internal FakeMailboxStore AuthorizeMailbox(OperatorGrant grant, MssanteAddress mailbox, out FakeAccess access)
    {
        var account = Authorize(grant);
        if (!_stores.TryGetValue(mailbox, out var store) || AccessOf(account, store) is not { } granted)
        {
            throw new MailboxAccessDeniedException($"The account {account.UserName} may not open the mailbox {mailbox}: it is neither theirs nor shared with them.");
        }
        access = granted;
        store.Expire(Options.Policies.Retention, Now);
        return store;
    }

    /// <summary>The delegates of an organisational mailbox as its ACL lists them (none for another mailbox).</summary>
    internal IReadOnlyList<FolderAclEntry> DelegationsOf(MssanteAddress mailbox)
    {
        lock (_gate)
        {
            return _organisations.TryGetValue(mailbox, out var org) ? org.Delegations() : [];
        }
    }

    /// <summary>The account's access to a mailbox: owner, delegate, colleague with folders shared, or none.</summary>
    private FakeAccess? AccessOf(FakeAccount account, FakeMailboxStore store) =>
        account.Address == store.Descriptor.Address ? FakeAccess.Owner
        : _organisations.TryGetValue(store.Descriptor.Address, out var org) && org.RightsOf(account.UserName) is { } rights ? FakeAccess.Delegate(rights)
        : store.Folders.Any(f => (f.Acl.GetValueOrDefault(account.Address.Value) ?? string.Empty).Contains('l', StringComparison.Ordinal)) ? new FakeAccess(account.Address.Value, null)
        : null;

    /// <summary>
    /// The mailbox as the account sees it: a colleague's, of which only folders are shared, is a personal one not theirs; one
    /// whose INBOX they may open is an organisational one to them, as on Dovecot (its root is selectable).
    /// </summary>
    internal static MailboxDescriptor DescriptorFor(FakeMailboxStore store, FakeAccess access) =>
        !access.IsColleague ? store.Descriptor
        : access.RightsOn(store.FolderWithRole(FolderRole.Inbox)).Contains('l', StringComparison.Ordinal) ? store.Descriptor with { Kind = MailboxKind.Organisational, IsOwn = false }
        : store.Descriptor with { Kind = MailboxKind.Personal, IsOwn = false };

    // saveSentCopy: false when the fault planned leaves no copy in Sent (a send whose outcome is reported uncertain or whose copy fails).
    // Traced as the real operator is: the SMTP submission, then the copy in Sent, each its own span.
    internal SubmissionResult Submit(FakeMailboxStore sender, MimeMessage message, SubmissionEnvelope envelope, bool saveSentCopy = true)
    {
        var raw = StoredMessage.Serialize(message);
        using (var submit = SdkTelemetry.Start(SdkTelemetry.SmtpSubmit, System.Diagnostics.ActivityKind.Client))
        {
            submit?.Tag(SdkTelemetry.ProtocolName, "smtp");
            try
            {
                Deliver(sender, envelope, raw);
            }
            catch (Exception e) when (SdkTelemetry.Failed(submit, e))
            {
                throw;
            }
        }
        var recipients = envelope.Recipients.Select(r => r.Value).ToList();
        if (!saveSentCopy)
        {
            using var failed = SdkTelemetry.Start(SdkTelemetry.SentCopy, System.Diagnostics.ActivityKind.Client);
            failed?.Tag(SdkTelemetry.ProtocolName, "imap").Fail(typeof(MssanteConnectionException).FullName!);
            return new SubmissionResult(message.MessageId ?? string.Empty, recipients, null, "the connection to the IMAP server dropped (fault injected by the fake operator)");
        }
        using var saving = SdkTelemetry.Start(SdkTelemetry.SentCopy, System.Diagnostics.ActivityKind.Client);
        saving?.Tag(SdkTelemetry.ProtocolName, "imap");
        var sent = sender.FolderWithRole(FolderRole.Sent);
        var copy = sender.Append(sent, raw, MessageMarks.Seen, Now);
        Record(sender, sent, copy);
        return new SubmissionResult(message.MessageId ?? string.Empty, recipients, new MessageRef(sent.Path, sent.UidValidity, copy.Uid));
    }

    private void Deliver(FakeMailboxStore sender, SubmissionEnvelope envelope, byte[] raw)
    {
        if (envelope.From != sender.Descriptor.Address)
        {
            throw SdkTelemetry.ServerRefused("smtp", new MailboxAccessDeniedException($"The mailbox {sender.Descriptor.Address} may only send under its own address."));
        }
        var rejected = envelope.Recipients
            .Select(r => Refusal(r, raw.Length) is { } reason ? new RejectedRecipient(r.Value, reason) : null)
            .OfType<RejectedRecipient>()
            .ToList();
        if (rejected.Count > 0)
        {
            throw SdkTelemetry.ServerRefused("smtp", new RecipientsRejectedException(rejected));
        }
        sender.EnsureRoom(raw.Length);
        var now = Now;
        foreach (var recipient in envelope.Recipients)
        {
            if (_stores.TryGetValue(recipient, out var store))
            {
                DeliverLocked(store, raw, envelope.NullReversePath ? string.Empty : envelope.From.Value);
            }
            else
            {
                _outbox.Add(new FakeOutboxMessage(FakeOutboxKind.RelayedMessage, recipient.Value, now, Message: StoredMessage.Parse(raw)));
            }
        }
    }

    // parsed: the message already parsed from its bytes, when the caller has it (then owned by the delivery record).
    internal void Record(FakeMailboxStore store, FakeFolder folder, StoredMessage message, MimeMessage? parsed = null)
    {
        _deliveries.Add(new FakeDelivery(store.Descriptor.Address.Value, folder.Path, parsed ?? StoredMessage.Parse(message.Raw), message.InternalDate));
        Signal();
    }

    // envelopeSender: the MAIL FROM, empty for the null sender <>.
    private void DeliverLocked(FakeMailboxStore store, byte[] raw, string envelopeSender)
    {
        var parsed = StoredMessage.Parse(raw);
        var from = parsed.From.Mailboxes.FirstOrDefault()?.Address;
        var sender = MssanteAddress.TryParse(from, out var fromAddress) ? fromAddress : null;
        var folder = Options.Policies.PatientRouting.FolderFor(sender) is { } patientFolder
            ? store.Find(patientFolder) ?? store.Add(patientFolder, FolderRole.PatientExchanges)
            : store.FolderWithRole(FolderRole.Inbox);
        // As Dovecot's LMTP does, the delivered copy starts with the envelope sender (RFC 5321 §4.4), which read receipts check.
        var returnPath = $"<{envelopeSender}>";
        parsed.Headers.Insert(0, new Header(HeaderId.ReturnPath, returnPath));
        byte[] delivered = [.. System.Text.Encoding.UTF8.GetBytes($"Return-Path: {returnPath}\r\n"), .. raw];
        var rules = store.Rules;
        MssanteAddress? forwardTo = null;
        if (rules.ForwardTo is { } forward && MssanteAddress.TryParse(forward, out var target))
        {
            var forwardId = parsed.MessageId ?? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(raw));
            if (!(store.Forwarded.TryGetValue(forwardId, out var forwardedAt) && Now - forwardedAt < RedirectDuplicatePeriod))
            {
                store.Forwarded[forwardId] = Now;
                forwardTo = target;
            }
        }
        if (forwardTo is null || rules.KeepForwardedCopy)
        {
            // One parse per mailbox serves the routing, the stored summary and the delivery record.
            var stored = store.Append(folder, delivered, MessageMarks.None, Now, parsed);
            Record(store, folder, stored, parsed);
        }
        ApplyRules(store, parsed, envelopeSender);
        if (forwardTo is not null)
        {
            // Sieve's redirect: the message whole, under its original envelope sender.
            if (_stores.TryGetValue(forwardTo, out var next))
            {
                DeliverLocked(next, raw, envelopeSender);
            }
            else
            {
                _outbox.Add(new FakeOutboxMessage(FakeOutboxKind.ForwardedMessage, forwardTo.Value, Now, Message: StoredMessage.Parse(raw)));
            }
        }
    }

    /// <summary>Pigeonhole's sieve_redirect_duplicate_period: a message is not forwarded twice by a mailbox within it.</summary>
    private static readonly TimeSpan RedirectDuplicatePeriod = TimeSpan.FromHours(12);

    /// <summary>The mailbox's reply and notice, as Pigeonhole's vacation (RFC 5230) and enotify mailto (RFC 5436) apply them.</summary>
    private void ApplyRules(FakeMailboxStore store, MimeMessage message, string envelopeSender)
    {
        var rules = store.Rules;
        var automatic = message.Headers[HeaderId.AutoSubmitted] is { } submitted && !submitted.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase);
        if (automatic || (rules.AutoReply is null && rules.NotificationAddress is null))
        {
            return;
        }
        var address = store.Descriptor.Address.Value;
        if (rules.NotificationAddress is { } notify)
        {
            var notice = new MimeMessage();
            notice.From.Add(new MailboxAddress(string.Empty, $"postmaster@{store.Descriptor.Address.Domain}"));
            notice.To.Add(MailboxAddress.Parse(notify));
            notice.Subject = $"Nouveau message pour {address}";
            notice.Headers.Add(HeaderId.AutoSubmitted, "auto-notified");
            notice.Body = new TextPart("plain") { Text = $"Un nouveau message est arrivé dans la boîte MSSanté {address}." };
            SendAutomatic(notice, notify, FakeOutboxKind.Notification);
        }
        if (rules.AutoReply is { } reply && reply.IsActiveOn(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(Now, TimeProvider.LocalTimeZone).DateTime)) &&
            IsAnswerable(message, envelopeSender, address) &&
            (!store.AutoReplies.TryGetValue(envelopeSender, out var last) || Now - last >= TimeSpan.FromDays(reply.DaysBetweenReplies)))
        {
            store.AutoReplies[envelopeSender] = Now;
            var answer = new MimeMessage();
            answer.From.Add(new MailboxAddress(store.Descriptor.DisplayName == address ? string.Empty : store.Descriptor.DisplayName, address));
            answer.To.Add(new MailboxAddress(string.Empty, envelopeSender));
            answer.Subject = reply.Subject;
            answer.Date = Now;
            answer.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(store.Descriptor.Address.Domain);
            if (message.MessageId is { } id)
            {
                answer.InReplyTo = id;
                answer.References.Add(id);
            }
            answer.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
            answer.Body = new TextPart("plain") { Text = reply.Text };
            SendAutomatic(answer, envelopeSender, FakeOutboxKind.AutoReply);
        }
    }

    /// <summary>RFC 5230 §4.5: no reply to the null sender, lists and bulk mail, nor to a message that does not name the mailbox.</summary>
    private static bool IsAnswerable(MimeMessage message, string envelopeSender, string address)
    {
        var local = envelopeSender.Split('@')[0];
        return envelopeSender.Length > 0 &&
            !string.Equals(envelopeSender, address, StringComparison.OrdinalIgnoreCase) &&
            !local.Equals("MAILER-DAEMON", StringComparison.OrdinalIgnoreCase) &&
            !local.StartsWith("owner-", StringComparison.OrdinalIgnoreCase) &&
            !local.EndsWith("-request", StringComparison.OrdinalIgnoreCase) &&
            !message.Headers.Contains(HeaderId.ListId) &&
            message.Headers[HeaderId.Precedence]?.Trim().ToLowerInvariant() is not ("bulk" or "list" or "junk") &&
            message.To.Mailboxes.Concat(message.Cc.Mailboxes).Any(m => string.Equals(m.Address, address, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Sends a message the operator writes itself, from the null sender: delivered here when hosted, else to the outbox.</summary>
    private void SendAutomatic(MimeMessage message, string to, FakeOutboxKind kind)
    {
        if (MssanteAddress.TryParse(to, out var hosted) && _stores.TryGetValue(hosted, out var target))
        {
            DeliverLocked(target, StoredMessage.Serialize(message), envelopeSender: string.Empty);
        }
        else
        {
            _outbox.Add(new FakeOutboxMessage(kind, to, Now, Message: message));
        }
    }

    /// <summary>Why a recipient would be refused now, or null when it is accepted.</summary>
    private string? Refusal(MssanteAddress recipient, long size)
    {
        if (_refusedRecipients.TryGetValue(recipient, out var reason))
        {
            return reason;
        }
        if (_stores.TryGetValue(recipient, out var store))
        {
            return store.UsedBytes + size > store.QuotaBytes ? "552 5.2.2 Mailbox full" : null;
        }
        var hostedDomain = _stores.Keys.Any(k => k.Domain == recipient.Domain);
        return hostedDomain ? "550 5.1.1 User unknown" : null;
    }

    private void ExpireAll()
    {
        foreach (var store in _stores.Values)
        {
            store.Expire(Options.Policies.Retention, Now);
        }
    }

    private FakeMailboxStore NewStore(MailboxDescriptor descriptor) =>
        new(descriptor, Options.QuotaBytes, Options.Policies.PatientRouting.FolderName, () => ++_uidValidity);

    private FakeMailboxStore Store(MssanteAddress address) =>
        _stores.TryGetValue(address, out var store) ? store : throw new InvalidOperationException($"No mailbox {address} here.");

    private FakeAccount Authorize(OperatorGrant grant)
    {
        ArgumentNullException.ThrowIfNull(grant);
        if (grant is not FakeGrant fake || !_activeGrants.Contains(fake.Id) || !_accounts.TryGetValue(fake.UserName, out var account))
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.SessionEnded, "The session has ended: sign in again.");
        }
        return account;
    }

    private void ThrowIfLocked(FakeAccount account, DateTimeOffset now)
    {
        if (account.LockedUntil is { } until && now < until)
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.AccountLocked,
                $"The account is locked after {Options.LockoutThreshold} failed attempts in a row. Try again later or reset the password (« Mot de passe oublié »).", until);
        }
    }

    /// <summary>Counts a failure; locks the account when the threshold is reached.</summary>
    private MssanteAuthenticationException Failure(FakeAccount account, DateTimeOffset now, MssanteAuthenticationException failure)
    {
        account.FailuresInARow++;
        if (account.FailuresInARow < Options.LockoutThreshold)
        {
            return failure;
        }
        account.FailuresInARow = 0;
        account.LockedUntil = now + Options.LockoutDuration;
        return new MssanteAuthenticationException(AuthenticationFailure.AccountLocked,
            $"The account is locked after {Options.LockoutThreshold} failed attempts in a row. Try again later or reset the password (« Mot de passe oublié »).", account.LockedUntil);
    }

    /// <inheritdoc/>
    Task<string> IOperatorProbe.ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfUnreachable();
        return Task.FromResult("The fake operator answers (in memory).");
    }

    private void ThrowIfUnreachable()
    {
        if (Faults.Unreachable)
        {
            throw new MssanteConnectionException("The operator's servers do not answer (fault injected by the fake operator).");
        }
    }

    private void ThrowIfSignInsRejected()
    {
        ThrowIfUnreachable();
        if (Faults.RejectSignIns)
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.InvalidCredentials, "The operator refused the sign-in (fault injected by the fake operator).");
        }
    }

    private static MssanteAuthenticationException InvalidCredentials() =>
        new(AuthenticationFailure.InvalidCredentials, "The user name or the password is wrong.");

    private static MssanteAuthenticationException CodeFailure(OtpVerificationResult result) => result switch
    {
        OtpVerificationResult.Replayed => new(AuthenticationFailure.ReplayedOneTimeCode, "This one-time code was already used: wait for the next one."),
        OtpVerificationResult.Expired => new(AuthenticationFailure.InvalidOneTimeCode, "The one-time code has expired: ask for a new one."),
        OtpVerificationResult.TooManyAttempts => new(AuthenticationFailure.InvalidOneTimeCode, "Too many wrong codes: this code no longer works, ask for a new one (an authenticator app is refused for a while)."),
        _ => new(AuthenticationFailure.InvalidOneTimeCode, "The one-time code is wrong."),
    };

    private (string Token, ResetLink Link) ValidLink(Uri resetLink, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resetLink);
        var query = resetLink.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p[0] == "token");
        var token = query is { Length: 2 } ? Uri.UnescapeDataString(query[1]) : null;
        if (token is null || !_resetLinks.TryGetValue(token, out var link))
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.ResetLinkInvalid, "This link is not valid: ask for a new one with « Mot de passe oublié / Première connexion ».");
        }
        if (link.Used)
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.ResetLinkAlreadyUsed, "This link was already used: ask for a new one with « Mot de passe oublié / Première connexion ».");
        }
        if (now >= link.ExpiresAt)
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.ResetLinkExpired, "This link has expired (it is valid 1 hour): ask for a new one with « Mot de passe oublié / Première connexion ».");
        }
        return (token, link);
    }

    private void CheckPassword(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (password.Length < Options.MinimumPasswordLength || !password.Any(char.IsLetter) || !password.Any(c => !char.IsLetter(c)))
        {
            throw new MssanteAuthenticationException(AuthenticationFailure.PasswordRejected,
                $"The password must have at least {Options.MinimumPasswordLength} characters, with letters and at least one digit or symbol.");
        }
    }

    private PendingOtpSetup StartOtpSetup(string codeKey, string userName, OtpChannelChoice choice, DateTimeOffset now)
    {
        if (choice.Channel == OtpChannel.Email)
        {
            var email = choice.Email ?? throw new ArgumentException("The e-mail channel needs an e-mail address.", nameof(choice));
            SendCode(email, _otp.IssueEmailCode(codeKey), now);
            return new PendingOtpSetup(choice, null, new OtpChannelEnrolment(OtpChannel.Email, null, Mask(email)));
        }
        var enrolment = _otp.EnrolAuthenticator(userName);
        return new PendingOtpSetup(choice, enrolment.Secret, new OtpChannelEnrolment(OtpChannel.AuthenticatorApp, enrolment, null));
    }

    private void VerifySetupCode(string codeKey, PendingOtpSetup setup, string code)
    {
        var result = setup.Choice.Channel == OtpChannel.Email ? _otp.VerifyEmailCode(codeKey, code) : _otp.VerifyTotp(setup.Secret!, code);
        if (result != OtpVerificationResult.Valid)
        {
            throw CodeFailure(result);
        }
    }

    private static void Apply(FakeAccount account, PendingOtpSetup setup)
    {
        account.OtpChannel = setup.Choice.Channel;
        account.OtpEmail = setup.Choice.Channel == OtpChannel.Email ? setup.Choice.Email : account.OtpEmail;
        account.TotpSecret = setup.Secret ?? account.TotpSecret;
    }

    private void SendCode(string email, string code, DateTimeOffset now)
    {
        _outbox.Add(new FakeOutboxMessage(FakeOutboxKind.OneTimeCode, email, now, Code: code));
        Signal();
    }

    private static string Mask(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at <= 1 ? "***" + email[Math.Max(at, 0)..] : email[0] + new string('*', at - 1) + email[at..];
    }

    private static string NewToken() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_').TrimEnd('=');

    private List<DirectoryEntry> DirectoryEntries()
    {
        lock (_gate)
        {
            return _accounts.Values.Select(a => new DirectoryEntry
            {
                Address = a.Address,
                MailboxKind = MailboxKind.Personal,
                FirstName = a.FirstName,
                LastName = a.LastName,
                Profession = a.Profession,
                Identifier = a.Identifier,
                Organization = a.Organization,
                City = a.City,
                PostalCode = a.PostalCode,
                Department = a.Department,
            }).Concat(_organisations.Values.Select(o => new DirectoryEntry
            {
                Address = o.Address,
                MailboxKind = MailboxKind.Organisational,
                Organization = o.Organization,
                City = o.City,
                PostalCode = o.PostalCode,
            })).ToList();
        }
    }

    private async Task<T> WaitAsync<T>(Func<List<T>> source, Func<T, bool> predicate, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout ?? TimeSpan.FromSeconds(5));
        while (true)
        {
            Waiter waiter;
            lock (_gate)
            {
                var found = source().FirstOrDefault(predicate);
                if (found is not null)
                {
                    return found;
                }
                waiter = new Waiter();
                _waiters.Add(waiter);
            }
            try
            {
                await waiter.Signal.Task.WaitAsync(timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"No matching {typeof(T).Name} arrived within {timeout ?? TimeSpan.FromSeconds(5)}.");
            }
        }
    }

    /// <summary>Completes at the next delivery, append or outbox message.</summary>
    internal Task ChangedAsync(CancellationToken cancellationToken)
    {
        var waiter = new Waiter();
        lock (_gate)
        {
            _waiters.Add(waiter);
        }
        return waiter.Signal.Task.WaitAsync(cancellationToken);
    }

    private void Signal()
    {
        foreach (var waiter in _waiters)
        {
            waiter.Signal.TrySetResult();
        }
        _waiters.Clear();
    }

    private sealed record Challenge(string UserName, DateTimeOffset ExpiresAt);

    private sealed record ResetLink(string UserName, DateTimeOffset ExpiresAt, bool Used = false, PasswordHash? NewPassword = null, PendingOtpSetup? Otp = null);

    private sealed record PendingOtpSetup(OtpChannelChoice Choice, string? Secret, OtpChannelEnrolment Enrolment);

    private sealed class Waiter
    {
        public TaskCompletionSource Signal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class FakeGrant(string userName, MssanteAddress address, DateTimeOffset signedInAt, string id) : OperatorGrant(userName, address, signedInAt)
    {
        public string Id { get; } = id;

        /// <summary>For a sign-in by token: the source asked again at each connection.</summary>
        public BearerTokenSource? AccessToken { get; init; }
    }
}
