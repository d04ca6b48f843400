using Microsoft.Extensions.Time.Testing;

namespace Esante.MsSante.Tests.Identity;

public class OtpProviderTests
{
    // RFC 6238 appendix B: the SHA-1 key "12345678901234567890" gives 94287082 at T = 59 s (8 digits; 6 digits: 287082).
    private const string RfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    [Fact]
    public void Computes_the_RFC_6238_test_vector()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(59));
        Assert.Equal("287082", new OtpProvider(time).ComputeTotp(RfcSecret));
        time.SetUtcNow(DateTimeOffset.FromUnixTimeSeconds(1111111109));
        Assert.Equal("081804", new OtpProvider(time).ComputeTotp(RfcSecret));
    }

    [Fact]
    public void Enrolment_gives_a_base32_secret_and_an_otpauth_uri_authenticator_apps_read()
    {
        var enrolment = new OtpProvider().EnrolAuthenticator("adrien.malosse27");
        Assert.Matches("^[A-Z2-7]{32}$", enrolment.Secret);
        Assert.Equal("otpauth", enrolment.OtpAuthUri.Scheme);
        Assert.Equal("totp", enrolment.OtpAuthUri.Host);
        Assert.Contains("secret=" + enrolment.Secret, enrolment.OtpAuthUri.Query, StringComparison.Ordinal);
        Assert.Contains("issuer=MSSant%C3%A9", enrolment.OtpAuthUri.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain(enrolment.Secret, enrolment.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Accepts_codes_one_step_either_side_and_refuses_two_steps_away()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var otp = new OtpProvider(time);
        var secret = otp.EnrolAuthenticator("a").Secret;
        string CodeAt(int steps)
        {
            var t = new FakeTimeProvider(time.GetUtcNow().AddSeconds(30 * steps));
            return new OtpProvider(t).ComputeTotp(secret);
        }
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyTotp(secret, CodeAt(-1)));
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyTotp(secret, CodeAt(0)));
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyTotp(secret, CodeAt(1)));
        Assert.Equal(OtpVerificationResult.Invalid, otp.VerifyTotp(secret, CodeAt(3)));
        Assert.Equal(OtpVerificationResult.Invalid, otp.VerifyTotp(secret, "12345"));
        Assert.Equal(OtpVerificationResult.Invalid, otp.VerifyTotp(secret, "abcdef"));
    }

    [Fact]
    public void A_TOTP_code_already_used_is_refused_as_a_replay()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var otp = new OtpProvider(time);
        var secret = otp.EnrolAuthenticator("a").Secret;
        var code = otp.ComputeTotp(secret);
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyTotp(secret, code));
        Assert.Equal(OtpVerificationResult.Replayed, otp.VerifyTotp(secret, code));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(OtpVerificationResult.Replayed, otp.VerifyTotp(secret, code));
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyTotp(secret, otp.ComputeTotp(secret)));
    }

    [Fact]
    public void E_mail_codes_are_six_digits_used_once_and_expire()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var otp = new OtpProvider(time, new OtpOptions { EmailCodeLifetime = TimeSpan.FromMinutes(10) });
        var code = otp.IssueEmailCode("adrien");
        Assert.Matches("^[0-9]{6}$", code);
        var wrong = code == "000000" ? "000001" : "000000";
        Assert.Equal(OtpVerificationResult.Invalid, otp.VerifyEmailCode("adrien", wrong));
        Assert.Equal(OtpVerificationResult.Valid, otp.VerifyEmailCode("adrien", code));
        Assert.Equal(OtpVerificationResult.Replayed, otp.VerifyEmailCode("adrien", code));

        var late = otp.IssueEmailCode("adrien");
        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(OtpVerificationResult.Expired, otp.VerifyEmailCode("adrien", late));
        Assert.Equal(OtpVerificationResult.Expired, otp.VerifyEmailCode("nobody", late));
    }

    [Fact]
    public void A_secret_that_is_not_base32_is_a_clear_error() =>
        Assert.Throws<FormatException>(() => new OtpProvider().ComputeTotp("not base32!"));
}
