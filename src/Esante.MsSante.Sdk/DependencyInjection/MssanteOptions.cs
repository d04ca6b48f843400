
namespace Esante.MsSante;

/// <summary>Everything configurable in the SDK. Validated when the SDK starts (<see cref="MssanteOptionsValidator"/>).</summary>
public sealed class MssanteOptions
{
    /// <summary>
    /// The software's product reference in the national convergence registry (e.g. <c>DEV935997</c>), sent as
    /// <c>X-MSS-NIL</c> on every message. Required to send; reading works without it.
    /// </summary>
    public string? ProductReference { get; set; }

    /// <summary>The largest total size of a message's attachments, in bytes. Default 15 MB.</summary>
    public long MaxAttachmentBytes { get; set; } = AttachmentLimitPolicy.DefaultMaxTotalBytes;

    /// <summary>Domains outside <c>*.mssante.fr</c> that belong to the trust space (the national whitelist).</summary>
    public IList<string> WhitelistedDomains { get; } = new List<string>();

    /// <summary>
    /// Whether the application runs in production, with real patients. Default false. When true, documents for a patient
    /// whose INS carries ANS's test or demonstration OID (<c>1.2.250.1.213.1.4.10</c>, <c>.11</c>) are refused
    /// (<c>MSS-INS-TEST-IN-PRODUCTION</c>): ANS's test patients are accepted everywhere else.
    /// </summary>
    public bool IsProduction { get; set; }

    /// <summary>Whether patients (<c>@patient.mssante.fr</c>) may be written to. Default true.</summary>
    public bool AllowPatientRecipients { get; set; } = true;

    /// <summary>How long the Trash keeps messages. Default 30 days.</summary>
    public RetentionPeriod TrashRetention { get; set; } = RetentionPolicy.DefaultTrashRetention;

    /// <summary>Retention limits of other folders, by folder path (« Conservation »).</summary>
    public IDictionary<string, RetentionPeriod> FolderRetention { get; } = new Dictionary<string, RetentionPeriod>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The folder that receives patients' messages. Default « Échanges Patients ».</summary>
    public string PatientFolderName { get; set; } = PatientRoutingPolicy.DefaultFolderName;

    /// <summary>One-time-code settings.</summary>
    public OtpOptions Otp { get; } = new();
}
