namespace Esante.MsSante.Directory;

/// <summary>
/// Finds correspondents' MSSanté addresses (« Rechercher l'adresse MSSanté de votre destinataire »): by free text as the person
/// types, or by the guide's fields (Nom, Prénom, Code postal, Ville, Département, Profession, Structure, Email MSSanté).
/// </summary>
public interface IDirectorySearch
{
    /// <summary>Searches the directory; every field given must match (AND).</summary>
    /// <param name="query">The query; at least one criterion.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>One page of results, best first.</returns>
    /// <exception cref="ArgumentException">The query has no criterion, or its paging is invalid.</exception>
    Task<DirectoryPage> SearchAsync(DirectoryQuery query, CancellationToken cancellationToken = default);
}
