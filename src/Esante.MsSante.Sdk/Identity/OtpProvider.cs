using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Esante.MsSante.Operators;
using Microsoft.Extensions.Caching.Distributed;
using OtpNet;

namespace Esante.MsSante;

/// <summary>
/// The SDK's <see cref="IOtpProvider"/>: TOTP through Otp.NET and random e-mail codes, with time from a <see cref="TimeProvider"/>.
/// Codes are compared in constant time; after <see cref="OtpOptions.MaxFailedAttempts"/> wrong codes an e-mail code is
/// invalidated and a TOTP secret refused for <see cref="OtpOptions.TotpLockout"/>; a used code cannot be replayed.
/// </summary>
/// <remarks>
/// That state (used steps, failed attempts, e-mail codes as salted hashes) lives in the <see cref="IDistributedCache"/>
/// given, so that the instances of an application behind a load balancer share it (Redis, SQL Server), or else in a
/// bounded in-memory store of this instance. It is keyed by hashes: never by a secret, a code or an account's name. The
/// cache offers no atomic update, so across instances a request racing another on the same key at the same instant may
/// see the state from before it; within one instance, updates of a key are serialised.
/// </remarks>
internal sealed class OtpProvider : IOtpProvider
{
    private const int Digits = 6;
    private const int StepSeconds = 30;
    private const int SecretBytes = 20;
    private const string KeyPrefix = "Esante.MsSante.Otp:";

    // A used TOTP step must be remembered while its code is still accepted: one step either side of now.
    private static readonly TimeSpan TotpReplayWindow = TimeSpan.FromSeconds(4 * StepSeconds);

    private readonly TimeProvider _time;
    private readonly OtpOptions _options;
    private readonly IDistributedCache _state;
    private readonly object[] _locks = [.. Enumerable.Range(0, 64).Select(_ => new object())];

    /// <summary>Creates the provider.</summary>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="options">Settings; defaults when null.</param>
    /// <param name="stateCache">
    /// Where the replay and attempt state lives, shared by every instance of the application; a bounded in-memory store of
    /// this provider when null (then each instance counts on its own).
    /// </param>
    public OtpProvider(TimeProvider? timeProvider = null, OtpOptions? options = null, IDistributedCache? stateCache = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _options = options ?? new OtpOptions();
        _state = stateCache ?? new InMemoryOtpState(_time);
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
        var key = KeyPrefix + "totp:" + Hash("totp", secret);
        lock (LockOf(key))
        {
            var now = _time.GetUtcNow();
            var state = TotpState.Decode(_state.Get(key));
            if (state.LockedUntil > now)
            {
                return OtpVerificationResult.TooManyAttempts;
            }
            var step = MatchingStep(totp, now, code);
            if (step is null)
            {
                var failures = state.Failures + 1;
                if (failures >= _options.MaxFailedAttempts)
                {
                    Save(key, state with { Failures = 0, LockedUntil = now + _options.TotpLockout }, now + Max(_options.TotpLockout, TotpReplayWindow));
                    return OtpVerificationResult.TooManyAttempts;
                }
                Save(key, state with { Failures = failures }, now + Max(_options.TotpLockout, TotpReplayWindow));
                return OtpVerificationResult.Invalid;
            }
            if (step <= state.LastStep)
            {
                return OtpVerificationResult.Replayed;
            }
            Save(key, new TotpState(step.Value, 0, DateTimeOffset.MinValue), now + TotpReplayWindow);
            return OtpVerificationResult.Valid;
        }
    }

    /// <inheritdoc/>
    public string IssueEmailCode(string accountKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var salt = RandomNumberGenerator.GetBytes(16);
        var key = KeyPrefix + "email:" + Hash("email", accountKey);
        lock (LockOf(key))
        {
            var expiresAt = _time.GetUtcNow() + _options.EmailCodeLifetime;
            Save(key, new EmailCodeState(salt, SaltedHash(salt, code), expiresAt, Used: false, Failures: 0), expiresAt);
        }
        return code;
    }

    /// <inheritdoc/>
    public OtpVerificationResult VerifyEmailCode(string accountKey, string code)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(accountKey);
        var key = KeyPrefix + "email:" + Hash("email", accountKey);
        lock (LockOf(key))
        {
            var now = _time.GetUtcNow();
            if (EmailCodeState.Decode(_state.Get(key)) is not { } issued || now >= issued.ExpiresAt)
            {
                return OtpVerificationResult.Expired;
            }
            if (issued.Failures >= _options.MaxFailedAttempts)
            {
                return OtpVerificationResult.TooManyAttempts;
            }
            var right = IsWellFormed(code) && CryptographicOperations.FixedTimeEquals(issued.Hash, SaltedHash(issued.Salt, code));
            if (!right)
            {
                var failures = issued.Failures + 1;
                Save(key, issued with { Failures = failures }, issued.ExpiresAt);
                // At the limit the code is spent: only a new one can be right.
                return failures >= _options.MaxFailedAttempts ? OtpVerificationResult.TooManyAttempts : OtpVerificationResult.Invalid;
            }
            if (issued.Used)
            {
                return OtpVerificationResult.Replayed;
            }
            Save(key, issued with { Used = true }, issued.ExpiresAt);
            return OtpVerificationResult.Valid;
        }
    }

    /// <summary>The time step whose code this is, within one step either side of now; every candidate compared in constant time.</summary>
    private static long? MatchingStep(Totp totp, DateTimeOffset now, string? code)
    {
        if (!IsWellFormed(code))
        {
            return null;
        }
        var typed = Encoding.ASCII.GetBytes(code!);
        var current = now.ToUnixTimeSeconds() / StepSeconds;
        long? match = null;
        for (var offset = -1; offset <= 1; offset++)
        {
            var expected = Encoding.ASCII.GetBytes(totp.ComputeTotp(now.UtcDateTime.AddSeconds(offset * StepSeconds)));
            if (CryptographicOperations.FixedTimeEquals(expected, typed))
            {
                match = current + offset;
            }
        }
        return match;
    }

    private void Save(string key, IOtpState state, DateTimeOffset keepUntil)
    {
        var lifetime = keepUntil - _time.GetUtcNow();
        if (lifetime <= TimeSpan.Zero)
        {
            _state.Remove(key);
            return;
        }
        _state.Set(key, state.Encode(), new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime });
    }

    private object LockOf(string key) => _locks[(uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_locks.Length];

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

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

    /// <summary>The state's key for a secret or an account: a hash, so the cache never holds them.</summary>
    private static string Hash(string kind, string value) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\0" + value)));

    private static byte[] SaltedHash(byte[] salt, string code) => SHA256.HashData([.. salt, .. Encoding.ASCII.GetBytes(code)]);

    private interface IOtpState
    {
        byte[] Encode();
    }

    /// <summary>A TOTP secret's last used step and wrong codes in a row, or until when it is locked.</summary>
    private sealed record TotpState(long LastStep, int Failures, DateTimeOffset LockedUntil) : IOtpState
    {
        private const byte Version = 1;
        private const int Length = 1 + 8 + 4 + 8;

        public static TotpState Decode(byte[]? bytes) =>
            bytes is { Length: Length } && bytes[0] == Version
                ? new TotpState(
                    BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)),
                    BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(9)),
                    new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(13)), TimeSpan.Zero))
                : new TotpState(long.MinValue, 0, DateTimeOffset.MinValue);

        public byte[] Encode()
        {
            var bytes = new byte[Length];
            bytes[0] = Version;
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), LastStep);
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(9), Failures);
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(13), LockedUntil.UtcTicks);
            return bytes;
        }
    }

    /// <summary>An issued e-mail code, as a salted hash, with its expiry, whether it was used, and the wrong codes typed.</summary>
    private sealed record EmailCodeState(byte[] Salt, byte[] Hash, DateTimeOffset ExpiresAt, bool Used, int Failures) : IOtpState
    {
        private const byte Version = 2;
        private const int Length = 1 + 16 + 32 + 8 + 1 + 4;

        public static EmailCodeState? Decode(byte[]? bytes) =>
            bytes is { Length: Length } && bytes[0] == Version
                ? new EmailCodeState(
                    bytes[1..17],
                    bytes[17..49],
                    new DateTimeOffset(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(49)), TimeSpan.Zero),
                    bytes[57] != 0,
                    BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(58)))
                : null;

        public byte[] Encode()
        {
            var bytes = new byte[Length];
            bytes[0] = Version;
            Salt.CopyTo(bytes, 1);
            Hash.CopyTo(bytes, 17);
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(49), ExpiresAt.UtcTicks);
            bytes[57] = Used ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(58), Failures);
            return bytes;
        }
    }
}
