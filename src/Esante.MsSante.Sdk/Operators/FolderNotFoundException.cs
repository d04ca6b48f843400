namespace Esante.MsSante.Operators;

/// <summary>A folder does not exist (or no longer exists) in the mailbox.</summary>
public sealed class FolderNotFoundException : MssanteException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="folderPath">The folder's path.</param>
    public FolderNotFoundException(string folderPath)
        : base($"The folder '{folderPath}' does not exist in this mailbox.")
    {
        FolderPath = folderPath;
    }

    /// <summary>The folder's path.</summary>
    public string FolderPath { get; }
}
