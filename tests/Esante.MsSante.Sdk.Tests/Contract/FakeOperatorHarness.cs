using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Tests.Contract;

/// <summary>A fake operator plugged into the SDK as an application would do it.</summary>
public sealed class FakeOperatorHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public FakeOperatorHarness(Action<FakeOperatorOptions>? configure = null, Action<MssanteOptions>? options = null)
    {
        var fakeOptions = new FakeOperatorOptions();
        configure?.Invoke(fakeOptions);
        Server = new FakeMssanteOperator(options: fakeOptions);
        _provider = new ServiceCollection()
            .AddMssante(o =>
            {
                o.ProductReference = "DEV935997";
                options?.Invoke(o);
            })
            .AddFakeOperator(Server)
            .Services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public FakeMssanteOperator Server { get; }

    public IServiceProvider Services => _provider;

    public IMssanteSession NewSession() => _provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();

    /// <summary>Signs in with the password and the code the operator e-mailed or the app shows.</summary>
    public async Task<IMssanteSession> SignInAsync(FakeAccount account, string password)
    {
        var session = NewSession();
        var result = await session.SignInAsync(account.UserName, password);
        await session.CompleteSignInAsync(CodeFor(account, result));
        return session;
    }

    public string CodeFor(FakeAccount account, SignInResult result) =>
        result.SecondFactor!.Channel == OtpChannel.Email ? Server.LastCodeSentTo(account.OtpEmail!) : Server.CurrentTotpCode(account);

    public ValueTask DisposeAsync() => _provider.DisposeAsync();
}
