
namespace Esante.MsSante.Tests.Policies;

public class PolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Attachments_of_exactly_15_MB_pass_and_one_byte_more_is_refused()
    {
        var policy = new AttachmentLimitPolicy();
        Assert.Empty(policy.Evaluate([10L * 1024 * 1024, 5L * 1024 * 1024]));
        var violation = Assert.Single(policy.Evaluate([10L * 1024 * 1024, 5L * 1024 * 1024 + 1]));
        Assert.Equal(PolicyViolationCodes.AttachmentsTooLarge, violation.Code);
        Assert.Contains("15.0 MB", violation.Message, StringComparison.Ordinal);
        Assert.Equal(15L * 1024 * 1024, violation.Limit); // for an application to word it in French
        Assert.Equal(15L * 1024 * 1024 + 1, violation.Actual);
    }

    [Fact]
    public void The_attachment_limit_is_configurable()
    {
        Assert.NotEmpty(new AttachmentLimitPolicy(100).Evaluate([101]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AttachmentLimitPolicy(0));
    }

    [Theory]
    [InlineData("adeline.goudal@chu-nantes.mssante.fr", null)]
    [InlineData("jean@gmail.com", PolicyViolationCodes.RecipientOutsideTrustSpace)]
    [InlineData("jean dupont@chu-nantes.mssante.fr", PolicyViolationCodes.RecipientMalformed)]
    [InlineData("jean@chu-nantes.mssante.fr\r\nBcc: x@y.mssante.fr", PolicyViolationCodes.RecipientMalformed)]
    [InlineData("279035121518989@patient.mssante.fr", null)]
    [InlineData("279035121518980@patient.mssante.fr", PolicyViolationCodes.PatientAddressInvalid)]
    public void Address_policy_explains_each_refusal_with_a_stable_code(string address, string? code)
    {
        var violations = new AddressValidationPolicy().Evaluate(address, "To recipient 1", out var parsed);
        if (code is null)
        {
            Assert.Empty(violations);
            Assert.NotNull(parsed);
        }
        else
        {
            var violation = Assert.Single(violations);
            Assert.Equal(code, violation.Code);
            Assert.Equal("To recipient 1", violation.Target);
            Assert.Null(parsed);
        }
    }

    [Fact]
    public void Address_policy_can_forbid_patients_and_accept_whitelisted_domains()
    {
        var policy = new AddressValidationPolicy(new TrustedDomainList(["partenaire.fr"]), allowPatientRecipients: false);
        Assert.Equal(PolicyViolationCodes.PatientRecipientNotAllowed, Assert.Single(policy.Evaluate("279035121518989@patient.mssante.fr", "To", out _)).Code);
        Assert.Empty(policy.Evaluate("jean@partenaire.fr", "To", out _));
    }

    [Theory]
    [InlineData("Courrier\r\nBcc: intrus@x.mssante.fr", "line break")]
    [InlineData("Courrier\nX", "line break")]
    [InlineData("Courrier\u0000", "control character")]
    public void Header_values_with_line_breaks_or_controls_are_refused(string value, string reason)
    {
        var violation = Assert.Single(HeaderValuePolicy.Evaluate("Subject", value));
        Assert.Equal(PolicyViolationCodes.HeaderInjection, violation.Code);
        Assert.Contains(reason, violation.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Courrier", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Header_values_on_one_line_pass() => Assert.Empty(HeaderValuePolicy.Evaluate("Subject", "Résultats d'analyse\tdu 12/03"));

    [Fact]
    public void The_Trash_is_emptied_after_30_days()
    {
        var policy = new RetentionPolicy();
        Assert.False(policy.Evaluate("Trash", isTrash: true, Now, Now.AddDays(30).AddSeconds(-1)).IsExpired);
        var decision = policy.Evaluate("Trash", isTrash: true, Now, Now.AddDays(30));
        Assert.True(decision.IsExpired);
        Assert.Contains("30 days", decision.Reason, StringComparison.Ordinal);
        Assert.False(policy.Evaluate("INBOX", isTrash: false, Now, Now.AddYears(5)).IsExpired);
    }

    [Theory]
    [InlineData(RetentionUnit.Days, 3, "2026-11-29")]
    [InlineData(RetentionUnit.Weeks, 2, "2026-12-10")]
    [InlineData(RetentionUnit.Months, 3, "2027-02-26")]
    public void Folder_limits_count_days_weeks_or_calendar_months(RetentionUnit unit, int count, string expiry)
    {
        var policy = new RetentionPolicy(folderLimits: new Dictionary<string, RetentionPeriod> { ["Archives"] = new(count, unit) });
        var decision = policy.Evaluate("archives", isTrash: false, Now, Now);
        Assert.Equal(DateTimeOffset.Parse(expiry + "T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture), decision.ExpiresAt);
    }

    [Fact]
    public void A_retention_period_needs_a_positive_count() => Assert.Throws<ArgumentOutOfRangeException>(() => RetentionPeriod.Days(0));

    [Fact]
    public void Patients_messages_are_routed_to_Echanges_Patients()
    {
        var policy = new PatientRoutingPolicy();
        Assert.Equal("Échanges Patients", policy.FolderFor(MssanteAddress.Parse("279035121518989@patient.mssante.fr")));
        Assert.Null(policy.FolderFor(MssanteAddress.Parse("jean@chu-nantes.mssante.fr")));
        Assert.Null(policy.FolderFor(null));
        Assert.Null(new PatientRoutingPolicy(enabled: false).FolderFor(MssanteAddress.Parse("279035121518989@patient.mssante.fr")));
        Assert.Throws<ArgumentException>(() => new PatientRoutingPolicy("a/b"));
    }

    [Fact]
    public void A_rejection_carries_every_violation_in_its_message()
    {
        var e = new MessageRejectedException([new PolicyViolation("A", "first"), new PolicyViolation("B", "second", "Subject")]);
        Assert.Contains("2 problems", e.Message, StringComparison.Ordinal);
        Assert.Contains("[B] Subject: second", e.Message, StringComparison.Ordinal);
        Assert.True(e.Has("A"));
        Assert.Throws<ArgumentException>(() => new MessageRejectedException([]));
    }
}
