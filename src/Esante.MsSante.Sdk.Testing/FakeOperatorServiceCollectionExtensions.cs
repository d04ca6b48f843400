using Esante.MsSante.Directory;
using Esante.MsSante.Operators;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Plugs the fake operator into an application's services.</summary>
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
}
