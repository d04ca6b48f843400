using Esante.MsSante.Directory;
using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Esante.MsSante.Tests.Composition;

public class AddMssanteTests
{
    [Fact]
    public void Registers_the_public_faces_and_the_fake_operator_swaps_only_the_operator_side()
    {
        var server = new FakeMssanteOperator();
        using var provider = new ServiceCollection()
            .AddMssante(o =>
            {
                o.ProductReference = "DEV935997";
                o.MaxAttachmentBytes = 1024;
                o.WhitelistedDomains.Add("partenaire.fr");
            })
            .AddFakeOperator(server)
            .Services.BuildServiceProvider();
        Assert.IsType<MssanteSession>(provider.GetRequiredService<IMssanteSessionFactory>().CreateSession());
        Assert.NotSame(provider.GetRequiredService<IMssanteSessionFactory>().CreateSession(), provider.GetRequiredService<IMssanteSessionFactory>().CreateSession());
        Assert.IsType<OtpProvider>(provider.GetRequiredService<IOtpProvider>());
        Assert.Same(server, provider.GetRequiredService<IMssanteOperator>());
        Assert.Same(server.Directory, provider.GetRequiredService<IDirectorySearch>());
        Assert.Same(server.TimeProvider, provider.GetRequiredService<TimeProvider>());
        var policies = provider.GetRequiredService<MssantePolicies>();
        Assert.Equal(1024, policies.Attachments.MaxTotalBytes);
        Assert.True(policies.Addresses.TrustedDomains.Contains("partenaire.fr"));
    }

    [Fact]
    public void Calling_AddMssante_twice_adds_nothing_twice()
    {
        var services = new ServiceCollection();
        services.AddMssante(_ => { });
        services.AddMssante(_ => { });
        Assert.Single(services, d => d.ServiceType == typeof(IMssanteSession));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<Esante.MsSante.MssanteOptions>));
    }

    [Fact]
    public void Invalid_options_fail_with_every_problem_named()
    {
        using var provider = new ServiceCollection()
            .AddMssante(o =>
            {
                o.ProductReference = "DEV 935997\r\n";
                o.MaxAttachmentBytes = 0;
                o.WhitelistedDomains.Add("not a domain");
                o.PatientFolderName = "a/b";
            })
            .AddFakeOperator(new FakeMssanteOperator())
            .Services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IMssanteSessionFactory>().CreateSession());
        Assert.Equal(4, e.Failures.Count());
        Assert.Contains(e.Failures, f => f.StartsWith("ProductReference", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("MaxAttachmentBytes", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("WhitelistedDomains", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.StartsWith("PatientFolderName", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_are_validated_without_a_host_too()
    {
        var options = new Esante.MsSante.MssanteOptions { MaxAttachmentBytes = -1 };
        Assert.Throws<OptionsValidationException>(() => new MssanteSession(new FakeMssanteOperator(), Options.Create(options)));
    }
}
