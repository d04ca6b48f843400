using System.Net;
using MailKit.Security;

namespace Esante.MsSante.Operators.Imap;

/// <summary>
/// SASL EXTERNAL (RFC 4422 appendix A): the identity is the TLS client certificate's. MailKit has no such mechanism.
/// The authorisation identity is left empty so the server takes the one the certificate names, or is the organisational
/// mailbox a delegate acts for.
/// </summary>
internal sealed class SaslMechanismExternal(string? authorizationId = null) : SaslMechanism(new NetworkCredential(string.Empty, string.Empty))
{
    public override string MechanismName => "EXTERNAL";

    public override bool SupportsInitialResponse => true;

    protected override byte[] Challenge(byte[]? token, int startIndex, int length, CancellationToken cancellationToken)
    {
        IsAuthenticated = true;
        return string.IsNullOrEmpty(authorizationId) ? [] : System.Text.Encoding.UTF8.GetBytes(authorizationId);
    }
}
