
namespace Esante.MsSante;

/// <summary>
/// Files messages from patients (<c>@patient.mssante.fr</c>, Mon Espace Santé) into the « Échanges Patients » folder.
/// On a real operator this is installed as a server-side Sieve rule; the fake operator applies it itself.
/// </summary>
public sealed class PatientRoutingPolicy
{
    /// <summary>The regional operator's folder name: « Échanges Patients ».</summary>
    public const string DefaultFolderName = "Échanges Patients";

    /// <summary>Creates the policy.</summary>
    /// <param name="folderName">The folder that receives patients' messages.</param>
    /// <param name="enabled">Whether patients' messages are routed at all.</param>
    /// <exception cref="ArgumentException">The folder name is blank or contains a line break or '/'.</exception>
    public PatientRoutingPolicy(string folderName = DefaultFolderName, bool enabled = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folderName);
        if (folderName.AsSpan().IndexOfAny("\r\n/") >= 0)
        {
            throw new ArgumentException("A folder name is on one line and has no '/'.", nameof(folderName));
        }
        FolderName = folderName;
        Enabled = enabled;
    }

    /// <summary>The folder that receives patients' messages.</summary>
    public string FolderName { get; }

    /// <summary>Whether patients' messages are routed.</summary>
    public bool Enabled { get; }

    /// <summary>The folder a message from <paramref name="sender"/> goes to, or null for the inbox.</summary>
    /// <param name="sender">The address in the message's From header, or null when it has none or it is not an MSSanté address.</param>
    public string? FolderFor(MssanteAddress? sender) => Enabled && sender is { IsPatient: true } ? FolderName : null;
}
