using System.Security.Cryptography.X509Certificates;

namespace Esante.MsSante.Operators;

/// <summary>What the SDK reads from a client certificate.</summary>
internal static class ClientCertificates
{
    /// <summary>The account a certificate names: its e-mail address (SAN), else its common name.</summary>
    /// <exception cref="ArgumentException">The certificate names no account.</exception>
    public static string Identity(X509Certificate2 certificate)
    {
        var email = certificate.GetNameInfo(X509NameType.EmailName, forIssuer: false);
        var name = string.IsNullOrEmpty(email) ? certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false) : email;
        return string.IsNullOrWhiteSpace(name)
            ? throw new ArgumentException("The certificate names no account (no e-mail address nor common name).", nameof(certificate))
            : name;
    }
}
