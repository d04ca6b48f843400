namespace Esante.MsSante;

/// <summary>The profile of an account (« Mon Profil »).</summary>
/// <param name="UserName">The user name (« prénom.nom »).</param>
/// <param name="ContactEmail">The contact e-mail, where reset links go.</param>
/// <param name="OtpChannel">How one-time codes reach the person.</param>
/// <param name="OtpEmail">Where e-mail codes go, for <see cref="OtpChannel.Email"/>.</param>
public sealed record AccountProfile(string UserName, string ContactEmail, OtpChannel OtpChannel, string? OtpEmail);
