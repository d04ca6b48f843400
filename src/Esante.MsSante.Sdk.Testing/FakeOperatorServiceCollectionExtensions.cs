using Esante.MsSante;
using Esante.MsSante.Directory;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the fake operator, and the fake Pro Santé Connect, into an application's services.</summary>
public static class FakeOperatorServiceCollectionExtensions
{
    /// <summary>
    /// Makes the registration talk to <paramref name="server"/>, in place of <c>AddImapOperator</c>: it becomes the
    /// registration's operator, its directory the <see cref="IDirectorySearch"/>, and its clock the <see cref="TimeProvider"/>,
    /// replacing earlier registrations. Nothing else of the application changes.
    /// </summary>
    /// <param name="builder">The registration, from <c>services.AddMssante(…)</c>.</param>
    /// <param name="server">The fake operator.</param>
    /// <returns>The registration.</returns>
    public static MssanteBuilder AddFakeOperator(this MssanteBuilder builder, FakeMssanteOperator server)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(server);
        builder.Services.Replace(ServiceDescriptor.Singleton(server.Directory));
        builder.Services.Replace(ServiceDescriptor.Singleton(server.TimeProvider));
        return builder.AddOperator((_, _) => server);
    }

    /// <summary>
    /// Makes the application's <see cref="ProSanteConnectClient"/> sign in at <paramref name="psc"/>: registers it as
    /// <c>AddMssanteProSanteConnect</c> does, its options pointed at the fake (<see cref="FakeProSanteConnect.Configure"/>, applied
    /// after the application's) and its HTTP client sent to the fake.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="psc">The fake Pro Santé Connect.</param>
    /// <returns>The builder of the HTTP client, as <c>AddMssanteProSanteConnect</c> returns it.</returns>
    public static IHttpClientBuilder AddMssanteFakeProSanteConnect(this IServiceCollection services, FakeProSanteConnect psc)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(psc);
        return services.AddMssanteProSanteConnect(o => psc.Configure(o)).ConfigurePrimaryHttpMessageHandler(() => new Undisposed(psc));
    }

    // The factory disposes the handlers it recycles; the fake lives on.
    private sealed class Undisposed(HttpMessageHandler fake) : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _fake = new(fake, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _fake.SendAsync(request, cancellationToken);
    }
}
