using Esante.MsSante.Directory;
using Esante.MsSante;
using Esante.MsSante.ProSanteConnect;
using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the fake operator, and the fake Pro Santé Connect, into an application's services.</summary>
public static class FakeOperatorServiceCollectionExtensions
{
    /// <summary>
    /// Makes the application talk to <paramref name="server"/>: it becomes the <see cref="IMssanteOperator"/>, its directory the
    /// <see cref="IDirectorySearch"/>, and its clock the <see cref="TimeProvider"/>, replacing earlier registrations.
    /// Call <c>AddMssante</c> as the application does; nothing else changes.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="server">The fake operator.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMssanteFakeOperator(this IServiceCollection services, FakeMssanteOperator server)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(server);
        services.Replace(ServiceDescriptor.Singleton<IMssanteOperator>(server));
        services.Replace(ServiceDescriptor.Singleton(server.Directory));
        services.Replace(ServiceDescriptor.Singleton(server.TimeProvider));
        return services;
    }

    /// <summary>
    /// Makes the application's <see cref="ProSanteConnectClient"/> sign in at <paramref name="psc"/>: registers it as
    /// <c>AddMssanteProSanteConnect</c> does, its options pointed at the fake (<see cref="FakeProSanteConnect.Configure"/>, applied
    /// after the application's) and its HTTP client sent to the fake. Use with <see cref="AddMssanteFakeOperator"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="psc">The fake Pro Santé Connect.</param>
    /// <returns>The service collection, for chaining.</returns>
    public static IServiceCollection AddMssanteFakeProSanteConnect(this IServiceCollection services, FakeProSanteConnect psc)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(psc);
        return services.AddMssanteProSanteConnect(o => psc.Configure(o), _ => new HttpClient(psc, disposeHandler: false));
    }
}
