namespace Esante.MsSante;

/// <summary>What the retention policy decided for one message, and why.</summary>
/// <param name="IsExpired">Whether the message should be discarded now.</param>
/// <param name="ExpiresAt">When the message expires, or null when its folder keeps messages forever.</param>
/// <param name="Reason">The rule applied, for a person.</param>
public sealed record RetentionDecision(bool IsExpired, DateTimeOffset? ExpiresAt, string Reason);
