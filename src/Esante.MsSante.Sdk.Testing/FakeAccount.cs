using System.Globalization;
using Esante.MsSante.Operators;

namespace Esante.MsSante.Testing;

/// <summary>
/// A person's account at the fake operator: user name (« prénom.nom »), password, contact e-mail, one-time-code channel,
/// personal mailbox, and the details the directory shows. Change the directory details freely in a test.
/// </summary>
public sealed class FakeAccount
{
    internal FakeAccount(string userName, MssanteAddress address, string contactEmail)
    {
        UserName = userName;
        Address = address;
        ContactEmail = contactEmail;
        OtpEmail = contactEmail;
        var parts = userName.Split('.', 2);
        FirstName = CultureInfo.GetCultureInfo("fr-FR").TextInfo.ToTitleCase(parts[0]);
        LastName = parts.Length > 1 ? new string(parts[1].Where(c => !char.IsDigit(c)).ToArray()).ToUpperInvariant() : null;
    }

    /// <summary>The user name (« prénom.nom »).</summary>
    public string UserName { get; }

    /// <summary>The personal mailbox's address.</summary>
    public MssanteAddress Address { get; }

    /// <summary>The contact e-mail, where reset links go.</summary>
    public string ContactEmail { get; internal set; }

    /// <summary>How one-time codes reach the person.</summary>
    public OtpChannel OtpChannel { get; internal set; }

    /// <summary>Where e-mail codes go.</summary>
    public string? OtpEmail { get; internal set; }

    /// <summary>The authenticator secret (Base32), for <see cref="OtpChannel.AuthenticatorApp"/>; a test computes codes from it.</summary>
    public string? TotpSecret { get; internal set; }

    /// <summary>Whether a password is set (false until the first connection).</summary>
    public bool HasPassword => PasswordHash is not null;

    /// <summary>When the account unlocks, if it is locked.</summary>
    public DateTimeOffset? LockedUntil { get; internal set; }

    /// <summary>« Prénom d'exercice » in the directory.</summary>
    public string? FirstName { get; set; }

    /// <summary>« Nom d'exercice » in the directory.</summary>
    public string? LastName { get; set; }

    /// <summary>« Libellé Profession » in the directory.</summary>
    public string? Profession { get; set; }

    /// <summary>The RPPS or ADELI number in the directory.</summary>
    public HealthIdentifier? Identifier { get; set; }

    /// <summary>« Raison Sociale structure BAL » in the directory.</summary>
    public string? Organization { get; set; }

    /// <summary>The city in the directory.</summary>
    public string? City { get; set; }

    /// <summary>The postal code in the directory.</summary>
    public string? PostalCode { get; set; }

    /// <summary>The département in the directory.</summary>
    public string? Department { get; set; }

    internal PasswordHash? PasswordHash { get; set; }

    internal int FailuresInARow { get; set; }

    /// <summary>Sets the directory details in one call, for a one-line account in a test.</summary>
    /// <returns>This account.</returns>
    public FakeAccount Describe(string? profession = null, string? rpps = null, string? organization = null, string? city = null, string? postalCode = null, string? department = null)
    {
        Profession = profession ?? Profession;
        Identifier = rpps is null ? Identifier : Rpps.Parse(rpps);
        Organization = organization ?? Organization;
        City = city ?? City;
        PostalCode = postalCode ?? PostalCode;
        Department = department ?? Department;
        return this;
    }
}
