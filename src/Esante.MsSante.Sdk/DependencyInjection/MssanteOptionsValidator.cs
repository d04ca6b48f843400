using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Esante.MsSante;

/// <summary>Validates <see cref="MssanteOptions"/>; every problem is reported, each with the option's name.</summary>
internal sealed partial class MssanteOptionsValidator : IValidateOptions<MssanteOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, MssanteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.ProductReference is not null && !ProductReferencePattern().IsMatch(options.ProductReference))
        {
            failures.Add($"{nameof(MssanteOptions.ProductReference)} must be the product reference of the national convergence registry (letters, digits, '.', '_' or '-', at most 64), e.g. DEV935997.");
        }
        if (options.MaxAttachmentBytes <= 0)
        {
            failures.Add($"{nameof(MssanteOptions.MaxAttachmentBytes)} must be positive.");
        }
        foreach (var domain in options.WhitelistedDomains)
        {
            if (DomainName.TryNormalize(domain, out _) is { } error)
            {
                failures.Add($"{nameof(MssanteOptions.WhitelistedDomains)} has an invalid domain: {error}.");
            }
        }
        if (string.IsNullOrWhiteSpace(options.PatientFolderName) || options.PatientFolderName.AsSpan().IndexOfAny("\r\n/") >= 0)
        {
            failures.Add($"{nameof(MssanteOptions.PatientFolderName)} must be a folder name on one line, without '/'.");
        }
        if (options.TrashRetention.Count < 1)
        {
            failures.Add($"{nameof(MssanteOptions.TrashRetention)} must be at least one day.");
        }
        if (options.Otp.EmailCodeLifetime <= TimeSpan.Zero)
        {
            failures.Add("Otp.EmailCodeLifetime must be positive.");
        }
        if (string.IsNullOrWhiteSpace(options.Otp.Issuer))
        {
            failures.Add("Otp.Issuer must not be blank.");
        }
        if (options.Otp.MaxFailedAttempts is < 1 or > 10)
        {
            failures.Add("Otp.MaxFailedAttempts must be between 1 and 10: more lets a six-digit code be guessed.");
        }
        if (options.Otp.TotpLockout <= TimeSpan.Zero)
        {
            failures.Add("Otp.TotpLockout must be positive.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Throws when the options are invalid, for use without a generic host.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static void ThrowIfInvalid(MssanteOptions options)
    {
        var result = new MssanteOptionsValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(MssanteOptions), result.Failures);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex ProductReferencePattern();
}
