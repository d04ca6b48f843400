namespace Esante.MsSante.Directory;

/// <summary>The checks every <see cref="IDirectorySearch"/> applies to a query.</summary>
internal static class DirectoryQueryValidation
{
    public static void ThrowIfInvalid(DirectoryQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!query.HasCriteria)
        {
            throw new ArgumentException("A directory search needs at least one criterion (text, name, city, structure…).", nameof(query));
        }
        if (query.Skip < 0 || query.Take is < 1 or > 1000)
        {
            throw new ArgumentException("Skip must be 0 or more and Take between 1 and 1000.", nameof(query));
        }
    }
}
