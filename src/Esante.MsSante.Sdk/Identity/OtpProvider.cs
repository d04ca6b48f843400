using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Esante.MsSante.Operators;
using OtpNet;

namespace Esante.MsSante.Identity;

/// <summary>
/// The SDK's <see cref="IOtpProvider"/>: TOTP through Otp.NET and random e-mail codes, with time from a <see cref="TimeProvider"/>.
/// Used codes are remembered in memory (as hashes) so a code cannot be replayed.
/// </summary>
public sealed class OtpProvider : IOtpProvider
{
    private const int Digits = 6;
    private const int StepSeconds = 30;
    private const int SecretBytes = 20;

    private readonly TimeProvider _time;
    private readonly OtpOptions _options;
    private readonly ConcurrentDictionary<string, long> _lastTotpStep = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, EmailCode> _emailCodes = new(StringComparer.Ordinal);

    /// <summary>Creates the provider.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="options">Settings; defaults when null.</param>
    public OtpProvider(TimeProvider? timeProvider = null, OtpOptions? options = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new OtpOptions();
    }

    /// <inheritdoc/>
    public AuthenticatorEnrolment EnrolAuthenticator(string accountName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountName);
        var secret = Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(SecretBytes)).TrimEnd('=');
        var issuer = Uri.EscapeDataString(_options.Issuer);
        var uri = new Uri(string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{issuer}:{Uri.EscapeDataString(accountName)}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits={Digits}&period={StepSeconds}"));
        return new AuthenticatorEnrolment(secret, uri);
    }

    /// <inheritdoc/>
    public string ComputeTotp(string secret) => CreateTotp(secret).ComputeTotp(_time.GetUtcNow().UtcDateTime);

    /// <inheritdoc/>
    public OtpVerificationResult VerifyTotp(string secret, string code)
    {
        var totp = CreateTotp(secret);
        if (!IsWellFormed(code) ||
            !totp.VerifyTotp(_time.GetUtcNow().UtcDateTime, code, out var step, VerificationWindow.RfcSpecifiedNetworkDelay))
        {
            return OtpVerificationResult.Invalid;
        }
        var key = Hash(secret);
        while (true)
        {
            if (_lastTotpStep.TryGetValue(key, out var last))
            {
                if (step <= last)
                {
                    return OtpVerificationResult.Replayed;
                }
                if (_lastTotpStep.TryUpdate(key, step, last))
                {
                    return OtpVerificationResult.Valid;
                }
            }
            else if (_lastTotpStep.TryAdd(key, step))
            {
                return OtpVerificationResult.Valid;
            }
        }
    }

    /// <inheritdoc/>
    public string IssueEmailCode(string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        _emailCodes[accountKey] = new EmailCode(Hash(code), _time.GetUtcNow() + _options.EmailCodeLifetime, Used: false);
        return code;
    }

    /// <inheritdoc/>
    public OtpVerificationResult VerifyEmailCode(string accountKey, string code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        if (!_emailCodes.TryGetValue(accountKey, out var issued))
        {
            return OtpVerificationResult.Expired;
        }
        if (!IsWellFormed(code) || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(issued.Hash), Encoding.ASCII.GetBytes(Hash(code))))
        {
            return OtpVerificationResult.Invalid;
        }
        if (issued.Used)
        {
            return OtpVerificationResult.Replayed;
        }
        if (_time.GetUtcNow() >= issued.ExpiresAt)
        {
            return OtpVerificationResult.Expired;
        }
        return _emailCodes.TryUpdate(accountKey, issued with { Used = true }, issued)
            ? OtpVerificationResult.Valid
            : OtpVerificationResult.Replayed;
    }

    private static Totp CreateTotp(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        byte[] key;
        try
        {
            key = Base32Encoding.ToBytes(secret);
        }
        catch (ArgumentException e)
        {
            throw new FormatException("The TOTP secret is not Base32.", e);
        }
        return new Totp(key, StepSeconds, OtpHashMode.Sha1, Digits);
    }

    private static bool IsWellFormed(string? code) => code is { Length: Digits } && code.All(char.IsAsciiDigit);

    private static string Hash(string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private sealed record EmailCode(string Hash, DateTimeOffset ExpiresAt, bool Used);
}
