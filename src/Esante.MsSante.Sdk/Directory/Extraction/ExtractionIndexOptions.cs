namespace Esante.MsSante.Directory;

/// <summary>Options of <see cref="ExtractionDirectoryIndex"/>.</summary>
public sealed class ExtractionIndexOptions
{
    /// <summary>Where persons rank against structures among equally good matches. Default <see cref="DirectoryKindOrder.PersonsFirst"/>.</summary>
    public DirectoryKindOrder KindOrder { get; init; } = DirectoryKindOrder.PersonsFirst;
}
