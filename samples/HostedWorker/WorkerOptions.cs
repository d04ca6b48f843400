namespace Esante.MsSante.Samples.HostedWorker;

/// <summary>The worker's settings (section "Worker").</summary>
public sealed class WorkerOptions
{
    /// <summary>The organisational mailbox watched.</summary>
    public string Mailbox { get; set; } = string.Empty;

    /// <summary>The application's client certificate (PKCS#12) on a real operator; the fake issues one.</summary>
    public string CertificatePath { get; set; } = string.Empty;

    /// <summary>Its password: from a secret store or the environment (Worker__CertificatePassword), never a file.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>Where integrated messages are moved: a folder under the inbox, created if missing.</summary>
    public string IntegratedFolder { get; set; } = "Intégrés";

    /// <summary>Where attachments are written for the patient record; a temporary folder when empty.</summary>
    public string OutputDirectory { get; set; } = string.Empty;

    /// <summary>Stops the application after this many messages (0: runs until stopped), so the sample ends by itself.</summary>
    public int StopAfter { get; set; }
}
