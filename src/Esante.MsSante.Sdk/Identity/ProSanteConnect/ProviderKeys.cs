using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// The issuer's signing keys (its JWKS at the certs endpoint), fetched when first needed and kept for at most
/// <see cref="MaxAge"/> (24 hours), or less when the answer's <c>Cache-Control: max-age</c> says so; then fetched again.
/// A token naming a key id that is not among them (the provider rotated its keys) has them fetched again at once, but at most
/// once every <see cref="UnknownKeyRefetchInterval"/> (5 minutes): otherwise the kept keys serve and the token is refused, so
/// tokens with made-up key ids cannot make this side hammer the provider. Thread-safe.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its wait handle is used, and it never is here.")]
internal sealed class ProviderKeys(Func<CancellationToken, Task<(string Jwks, TimeSpan? MaxAge)>> fetchJwks, TimeProvider time)
{
    /// <summary>The longest the keys are kept without fetching them again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(24);

    /// <summary>The least time between two fetches caused by an unknown key id.</summary>
    public static readonly TimeSpan UnknownKeyRefetchInterval = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile KeySet? _keys;
    private DateTimeOffset? _lastUnknownKeyFetch;

    /// <summary>The keys, with one for <paramref name="keyId"/> when the provider has it.</summary>
    public async Task<IReadOnlyList<SecurityKey>> GetAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (_keys is { } known && known.ExpiresAt > time.GetUtcNow() && Has(known.Keys, keyId))
        {
            return known.Keys;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have fetched them meanwhile.
            var now = time.GetUtcNow();
            var current = _keys;
            var fresh = current is not null && current.ExpiresAt > now;
            if (fresh && Has(current!.Keys, keyId))
            {
                return current.Keys;
            }
            if (fresh && now - _lastUnknownKeyFetch < UnknownKeyRefetchInterval)
            {
                // Fetched for an unknown key id a moment ago: not again so soon; the caller refuses the token.
                return current!.Keys;
            }
            var (jwks, maxAge) = await fetchJwks(cancellationToken).ConfigureAwait(false);
            // Only keys meant for signatures (use "sig" or none), as RSA or EC keys with their key id.
            List<SecurityKey> keys;
            try
            {
                keys = new JsonWebKeySet(jwks).GetSigningKeys().ToList();
            }
            catch (Exception e) when (e is ArgumentException or FormatException or System.Text.Json.JsonException or InvalidOperationException)
            {
                // A "keys" member whose entries are not JSON Web Keys (IDX10805): the provider's answer, not this side, is wrong.
                throw new ProSanteConnectException(ProSanteConnectFailure.InvalidResponse, "The certs endpoint's answer is not a JSON Web Key Set.");
            }
            now = time.GetUtcNow();
            if (fresh)
            {
                _lastUnknownKeyFetch = now;
            }
            _keys = new KeySet(keys, now + (maxAge is { } age && age < MaxAge ? age : MaxAge));
            return keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool Has(IReadOnlyList<SecurityKey> keys, string? keyId) =>
        string.IsNullOrEmpty(keyId) || keys.Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));

    private sealed record KeySet(IReadOnlyList<SecurityKey> Keys, DateTimeOffset ExpiresAt);
}
