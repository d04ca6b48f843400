
namespace Esante.MsSante.Testing;

/// <summary>How the fake operator behaves. The defaults are the regional operator's.</summary>
public sealed class FakeOperatorOptions
{
    /// <summary>The domain of accounts created without one. Default <c>esante-test.mssante.fr</c>.</summary>
    public string DefaultDomain { get; set; } = "esante-test.mssante.fr";

    /// <summary>Wrong passwords or codes in a row before the account locks. Default 5.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long a locked account stays locked (a password reset also unlocks it). Default 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a reset / first-connection link is valid. Default 1 hour (« Ce lien est valable 1h »).</summary>
    public TimeSpan ResetLinkLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long the one-time-code step of a sign-in waits. Default 5 minutes.</summary>
    public TimeSpan SecondFactorLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The storage limit of each mailbox. Default 500 MB.</summary>
    public long QuotaBytes { get; set; } = 500L * 1024 * 1024;

    /// <summary>The shortest password accepted. Default 8.</summary>
    public int MinimumPasswordLength { get; set; } = 8;

    /// <summary>Where reset links point (the operator's web portal). Default <c>https://operateur.test/</c>.</summary>
    public Uri PortalUri { get; set; } = new("https://operateur.test/");

    /// <summary>The server-side policies: Trash retention and the patients' folder.</summary>
    public MssantePolicies Policies { get; set; } = MssantePolicies.Default;

    /// <summary>
    /// What the operator offers beyond reading and sending: every capability by default. Remove one to test an application
    /// on an operator that lacks it (no ManageSieve, no METADATA, no ACL, no QUOTA): the mailbox says so in
    /// <see cref="IMailboxClient.Capabilities"/> and its calls throw <see cref="NotSupportedException"/>.
    /// </summary>
    public MailboxCapabilities Capabilities { get; set; } = MailboxCapabilities.All;
}
