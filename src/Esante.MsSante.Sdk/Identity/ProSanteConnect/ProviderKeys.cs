using Microsoft.IdentityModel.Tokens;

namespace Esante.MsSante.Identity.ProSanteConnect;

/// <summary>
/// The issuer's signing keys (its JWKS at the certs endpoint), fetched once and kept; fetched again, once, when a token names
/// a key id that is not among them (the provider rotated its keys). Thread-safe.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim needs disposing only once its wait handle is used, and it never is here.")]
internal sealed class ProviderKeys(Func<CancellationToken, Task<string>> fetchJwks)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile IReadOnlyList<SecurityKey>? _keys;

    /// <summary>The keys, with one for <paramref name="keyId"/> when the provider has it.</summary>
    public async Task<IReadOnlyList<SecurityKey>> GetAsync(string? keyId, CancellationToken cancellationToken)
    {
        var known = _keys;
        if (known is not null && Has(known, keyId))
        {
            return known;
        }
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have fetched them meanwhile.
            var current = _keys;
            if (current is not null && !ReferenceEquals(current, known) && Has(current, keyId))
            {
                return current;
            }
            var set = new JsonWebKeySet(await fetchJwks(cancellationToken).ConfigureAwait(false));
            // Only keys meant for signatures (use "sig" or none), as RSA or EC keys with their key id.
            var keys = set.GetSigningKeys().ToList();
            _keys = keys;
            return keys;
        }
        finally
        {
            _gate.Release();
        }
    }

    private static bool Has(IReadOnlyList<SecurityKey> keys, string? keyId) =>
        string.IsNullOrEmpty(keyId) || keys.Any(k => string.Equals(k.KeyId, keyId, StringComparison.Ordinal));
}
