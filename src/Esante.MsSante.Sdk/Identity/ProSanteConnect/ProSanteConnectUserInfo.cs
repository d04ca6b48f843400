using System.Text.Json;
using Esante.MsSante.Diagnostics;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// Who signed in, from Pro Santé Connect's userinfo endpoint. Personal data: its <see cref="ToString"/> shows none of it, and
/// the SDK never logs it.
/// </summary>
public sealed class ProSanteConnectUserInfo
{
    /// <summary>Creates the identity (the SDK reads it from the userinfo endpoint; tests may build one).</summary>
    /// <param name="subject">The <c>sub</c>.</param>
    /// <param name="nationalId">The <c>SubjectNameID</c>.</param>
    /// <param name="givenName">The <c>given_name</c>.</param>
    /// <param name="familyName">The <c>family_name</c>.</param>
    /// <param name="preferredUsername">The <c>preferred_username</c>.</param>
    /// <param name="claims">Every claim, as sent.</param>
    public ProSanteConnectUserInfo(string subject, string? nationalId, string? givenName, string? familyName, string? preferredUsername, IReadOnlyDictionary<string, JsonElement> claims)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        ArgumentNullException.ThrowIfNull(claims);
        Subject = subject;
        NationalId = nationalId;
        NationalIdentifier = Esante.MsSante.NationalIdentifier.TryParse(nationalId, out var identifier, out _) ? identifier : null;
        GivenName = givenName;
        FamilyName = familyName;
        PreferredUsername = preferredUsername;
        Claims = claims;
    }

    /// <summary>The person's identifier at Pro Santé Connect (<c>sub</c>).</summary>
    public string Subject { get; }

    /// <summary>The national identifier as sent (<c>SubjectNameID</c>, « identifiant national », e.g. <c>8</c> + RPPS), or null.</summary>
    public string? NationalId { get; }

    /// <summary>The national identifier read as an <see cref="Rpps"/>, <see cref="Adeli"/> or <see cref="Finess"/>, or null when absent or not one of them.</summary>
    public HealthIdentifier? NationalIdentifier { get; }

    /// <summary>The given name (<c>given_name</c>).</summary>
    public string? GivenName { get; }

    /// <summary>The family name (<c>family_name</c>).</summary>
    public string? FamilyName { get; }

    /// <summary>The <c>preferred_username</c>.</summary>
    public string? PreferredUsername { get; }

    /// <summary>Every claim as sent (<c>SubjectRefPro</c>, <c>SubjectOrganization</c>, <c>codeCivilite</c>…).</summary>
    public IReadOnlyDictionary<string, JsonElement> Claims { get; }

    /// <summary>A description without personal data.</summary>
    public override string ToString() => $"ProSanteConnectUserInfo {{ {Redaction.Redacted} }}";

    internal static ProSanteConnectUserInfo FromClaims(JsonElement root)
    {
        var claims = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            claims[property.Name] = property.Value.Clone();
        }
        string? Text(string name) => claims.TryGetValue(name, out var value) ? Diagnostics.RemoteValues.Text(value) : null;
        if (Text("sub") is not { Length: > 0 } subject)
        {
            throw new ProSanteConnectException(ProSanteConnectFailure.InvalidResponse, "The userinfo answer has no subject (sub).");
        }
        return new ProSanteConnectUserInfo(subject, Text("SubjectNameID"), Text("given_name"), Text("family_name"), Text("preferred_username"), claims);
    }
}
