namespace Esante.MsSante;

/// <summary>A folder does not exist (or no longer exists) in the mailbox.</summary>
public sealed class MssanteFolderNotFoundException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="folderPath">The folder's path.</param>
    public MssanteFolderNotFoundException(string folderPath)
        : base($"The folder '{folderPath}' does not exist in this mailbox.")
    {
        FolderPath = folderPath;
    }

    /// <summary>The folder's path.</summary>
    public string FolderPath { get; }
}
