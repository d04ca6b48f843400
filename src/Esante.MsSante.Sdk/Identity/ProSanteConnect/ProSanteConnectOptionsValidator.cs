using System.Net;
using Microsoft.Extensions.Options;

namespace Esante.MsSante.ProSanteConnect;

/// <summary>Validates <see cref="ProSanteConnectOptions"/>; every problem is reported with the option's name, never a secret.</summary>
public sealed class ProSanteConnectOptionsValidator : IValidateOptions<ProSanteConnectOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ProSanteConnectOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.ClientId)} is required: the client id Pro Santé Connect gave the application.");
        }
        if (string.IsNullOrEmpty(options.ClientSecret))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.ClientSecret)} is required: the secret Pro Santé Connect gave with the client id.");
        }
        if (!Enum.IsDefined(options.Environment))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.Environment)} must be Production or Integration.");
        }
        if (!Enum.IsDefined(options.ClientAuthentication))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.ClientAuthentication)} must be ClientSecretBasic or ClientSecretPost.");
        }
        if (options.RedirectUri is null || !IsSafeRedirect(options.RedirectUri))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.RedirectUri)} is required: the application's registered callback, an absolute https address (http only on a loopback address).");
        }
        if (options.PostLogoutRedirectUri is not null && !IsSafeRedirect(options.PostLogoutRedirectUri))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.PostLogoutRedirectUri)} must be an absolute https address (http only on a loopback address).");
        }
        foreach (var (uri, option) in new[] { (options.Issuer, nameof(ProSanteConnectOptions.Issuer)), (options.AuthorizationEndpoint, nameof(ProSanteConnectOptions.AuthorizationEndpoint)) })
        {
            // Codes, secrets and tokens travel to these addresses: never over plain HTTP.
            if (uri is not null && (!uri.IsAbsoluteUri || uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{option} must be an absolute https address.");
            }
        }
        if (!(options.Scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid", StringComparer.Ordinal))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.Scope)} must include openid.");
        }
        if (AuthenticationLevel.Parse(options.Acr) is null)
        {
            failures.Add($"{nameof(ProSanteConnectOptions.Acr)} must be an eIDAS level such as eidas1.");
        }
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.ClockSkew)} must be between 0 and 5 minutes.");
        }
        if (options.RefreshBeforeExpiry < TimeSpan.Zero || options.RefreshBeforeExpiry >= TimeSpan.FromMinutes(2))
        {
            failures.Add($"{nameof(ProSanteConnectOptions.RefreshBeforeExpiry)} must be between 0 and 2 minutes (the access token's life).");
        }
        if (options.RefreshTokenLifetime <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ProSanteConnectOptions.RefreshTokenLifetime)} must be positive.");
        }
        if (options.AuthorizationLifetime <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ProSanteConnectOptions.AuthorizationLifetime)} must be positive.");
        }
        if (options.MaxSessionLifetime <= TimeSpan.Zero)
        {
            failures.Add($"{nameof(ProSanteConnectOptions.MaxSessionLifetime)} must be positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are invalid, for use without a generic host.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static void ThrowIfInvalid(ProSanteConnectOptions options)
    {
        var result = new ProSanteConnectOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ProSanteConnectOptions), result.Failures);
        }
    }

    private static bool IsSafeRedirect(Uri uri) =>
        uri.IsAbsoluteUri && string.IsNullOrEmpty(uri.Fragment) &&
        (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && (uri.IsLoopback || IPAddress.TryParse(uri.Host, out var ip) && IPAddress.IsLoopback(ip)));
}
