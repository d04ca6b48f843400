namespace Esante.MsSante.Operators;

/// <summary>The operator asks for a one-time code to finish signing in.</summary>
/// <param name="Channel">Where the code comes from.</param>
/// <param name="CodeSentTo">For e-mail codes, the address it was sent to, partly masked.</param>
/// <param name="ExpiresAt">When this step times out.</param>
/// <param name="Id">The operator's opaque id of this step.</param>
public sealed record SecondFactorChallenge(OtpChannel Channel, string? CodeSentTo, DateTimeOffset ExpiresAt, string Id);
