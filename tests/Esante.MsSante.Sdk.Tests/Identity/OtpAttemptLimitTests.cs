using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Esante.MsSante.Tests.Identity;

/// <summary>
/// One-time codes cannot be guessed: a few wrong codes invalidate an e-mail code or lock a TOTP secret, and the state that
/// says so (and which codes were used) is shared by every instance through the application's distributed cache.
/// </summary>
public sealed class OtpAttemptLimitTests
{
    private const string Secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    private static IEnumerable<string> EveryCode() => Enumerable.Range(0, 1_000_000).Select(i => i.ToString("D6", CultureInfo.InvariantCulture));

    [Fact]
    public void Trying_every_e_mail_code_finds_none_once_the_limit_is_reached()
    {
        var otp = new OtpProvider(new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000)));
        var code = otp.IssueEmailCode("adrien");

        var results = EveryCode().Select(c => otp.VerifyEmailCode("adrien", c)).ToList();

        Assert.DoesNotContain(OtpVerificationResult.Valid, results);
        Assert.Equal(4, results.Count(r => r == OtpVerificationResult.Invalid));
        Assert.Equal(OtpVerificationResult.TooManyAttempts, otp.VerifyEmailCode("adrien", code));
        // A new code starts again from zero.
        var fresh = otp.IssueEmailCode("adrien");
        Assert.Equal(OtpVerificationResult.Invalid, otp.VerifyEmailCode("adrien", fresh == "000000" ? "000001" : "000000"));
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyEmailCode("adrien", fresh));
    }

    [Fact]
    public void Trying_every_TOTP_code_finds_none_and_the_secret_is_locked_for_a_while()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var otp = new OtpProvider(time, new OtpOptions { MaxFailedAttempts = 5, TotpLockout = TimeSpan.FromMinutes(15) });

        var results = EveryCode().Select(c => otp.VerifyTotp(Secret, c)).ToList();

        Assert.DoesNotContain(OtpVerificationResult.Valid, results);
        Assert.True(results.Count(r => r == OtpVerificationResult.Invalid) <= 4);
        Assert.Equal(OtpVerificationResult.TooManyAttempts, otp.VerifyTotp(Secret, otp.ComputeTotp(Secret)));
        time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyTotp(Secret, otp.ComputeTotp(Secret)));
    }

    [Fact]
    public void A_right_TOTP_code_clears_the_count_of_wrong_ones()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var otp = new OtpProvider(time);
        var wrong = Wrong(otp.ComputeTotp(Secret));
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(OtpVerificationResult.Invalid, otp.VerifyTotp(Secret, wrong));
        }
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyTotp(Secret, otp.ComputeTotp(Secret)));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(OtpVerificationResult.Invalid, otp.VerifyTotp(Secret, Wrong(otp.ComputeTotp(Secret))));
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyTotp(Secret, otp.ComputeTotp(Secret)));
    }

    [Fact]
    public void Two_instances_sharing_a_distributed_cache_refuse_a_replayed_code_and_count_attempts_together()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var cache = new SharedCache(time);
        var first = new OtpProvider(time, null, cache);
        var second = new OtpProvider(time, null, cache);

        var totp = first.ComputeTotp(Secret);
        Assert.Equal(OtpVerificationResult.Valid, first.VerifyTotp(Secret, totp));
        Assert.Equal(OtpVerificationResult.Replayed, second.VerifyTotp(Secret, totp));

        var code = first.IssueEmailCode("adrien");
        Assert.Equal(OtpVerificationResult.Valid, second.VerifyEmailCode("adrien", code));
        Assert.Equal(OtpVerificationResult.Replayed, first.VerifyEmailCode("adrien", code));

        // Three wrong codes on one instance, two on the other: the code is spent on both.
        code = first.IssueEmailCode("adrien");
        var wrong = Wrong(code);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(OtpVerificationResult.Invalid, first.VerifyEmailCode("adrien", wrong));
        }
        Assert.Equal(OtpVerificationResult.Invalid, second.VerifyEmailCode("adrien", wrong));
        Assert.Equal(OtpVerificationResult.TooManyAttempts, second.VerifyEmailCode("adrien", wrong));
        Assert.Equal(OtpVerificationResult.TooManyAttempts, first.VerifyEmailCode("adrien", code));
    }

    [Fact]
    public void The_shared_state_holds_neither_secret_nor_account_nor_code()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var cache = new SharedCache(time);
        var otp = new OtpProvider(time, null, cache);
        const string account = "adrien.malosse27@chu-test.mssante.fr";
        var code = otp.IssueEmailCode(account);
        otp.VerifyEmailCode(account, Wrong(code));
        otp.VerifyTotp(Secret, otp.ComputeTotp(Secret));

        Assert.Equal(2, cache.Entries.Count);
        foreach (var (key, value) in cache.Entries)
        {
            Assert.DoesNotContain(Secret, key, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("adrien", key, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(code, Encoding.Latin1.GetString(value.Value), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_in_memory_state_expires_and_stays_bounded()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var store = new InMemoryOtpState(time);
        var options = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) };
        store.Set("a", [1], options);
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(store.Get("a"));

        for (var i = 0; i <= InMemoryOtpState.Capacity; i++)
        {
            store.Set("k" + i, [1], options);
        }
        Assert.InRange(store.Count, 1, InMemoryOtpState.Capacity);
        Assert.NotNull(store.Get("k" + InMemoryOtpState.Capacity));
    }

    [Fact]
    public void The_provider_from_AddMssante_keeps_its_state_in_the_applications_distributed_cache()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var cache = new SharedCache(time);
        using var provider = new ServiceCollection()
            .AddSingleton<IDistributedCache>(cache)
            .AddSingleton<TimeProvider>(time)
            .AddMssante(o => o.ProductReference = "DEV935997")
            .Services.BuildServiceProvider();
        var otp = provider.GetRequiredService<IOtpProvider>();
        otp.IssueEmailCode("adrien");
        Assert.Single(cache.Entries);
        var another = new OtpProvider(time, null, cache);
        Assert.Equal(OtpVerificationResult.Invalid, another.VerifyEmailCode("adrien", "abcdef"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void An_attempt_limit_out_of_range_is_refused_at_start(int attempts)
    {
        using var provider = new ServiceCollection()
            .AddMssante(o =>
            {
                o.ProductReference = "DEV935997";
                o.Otp.MaxFailedAttempts = attempts;
            })
            .Services.BuildServiceProvider();
        var e = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Esante.MsSante.MssanteOptions>>().Value);
        Assert.Contains("MaxFailedAttempts", e.Message, StringComparison.Ordinal);
    }

    private static string Wrong(string code) => code == "000000" ? "000001" : "000000";

    /// <summary>A distributed cache as Redis would be, in memory, shared by the instances given it.</summary>
    private sealed class SharedCache(TimeProvider time) : IDistributedCache
    {
        public ConcurrentDictionary<string, (byte[] Value, DateTimeOffset ExpiresAt)> Entries { get; } = new();

        public byte[]? Get(string key) =>
            Entries.TryGetValue(key, out var entry) && entry.ExpiresAt > time.GetUtcNow() ? (byte[])entry.Value.Clone() : null;

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult(Get(key));

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
            Entries[key] = ((byte[])value.Clone(), options.AbsoluteExpiration ?? time.GetUtcNow() + options.AbsoluteExpirationRelativeToNow!.Value);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Set(key, value, options);
            return Task.CompletedTask;
        }

        public void Refresh(string key)
        {
        }

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key) => Entries.TryRemove(key, out _);

        public Task RemoveAsync(string key, CancellationToken token = default)
        {
            Remove(key);
            return Task.CompletedTask;
        }
    }
}
