using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Esante.MsSante;

/// <summary>
/// Binds the SDK's options from configuration in a trimmed or native AOT application. The configuration binding source
/// generator is not used: it ignores type converters, so <c>"TrashRetention": "30 days"</c> would be read as a
/// <see cref="RetentionPeriod"/> of <c>Count</c> and <c>Unit</c> keys and the value silently dropped, and it would write
/// binding code for the certificate collections that configuration never carries. The reflection binder is kept, with
/// every member it reaches kept from trimming; in a native AOT application it leaves collections empty, so the lists and
/// the retention periods are read again by the registration (<see cref="AddMissing"/>). tests/packaging/check.sh runs
/// this in a native AOT build (tests/packaging/AotJourney).
/// </summary>
internal static class OptionsBinding
{
    /// <summary>Binds the options to the section, as <c>OptionsBuilder.Bind</c> does.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The options' members are kept by the annotation on TOptions and the DynamicDependency attributes for the types they hold.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The options hold strings, numbers, enums, URIs, time spans and lists of strings, which the binder fills; the collections it may leave empty in a native AOT application are filled by the registration (AddMissing, and the retention periods in AddMssante).")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(OtpOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(RetentionPeriodConverter))]
    public static OptionsBuilder<TOptions> BindTrimSafe<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TOptions>(
        this OptionsBuilder<TOptions> options, IConfiguration configuration)
        where TOptions : class =>
        options.Bind(configuration);

    /// <summary>
    /// Adds to the list the section's values it lacks: what the binder added already stays once, and a native AOT
    /// application, where the binder leaves the list empty, gets the same list.
    /// </summary>
    public static void AddMissing(IList<string> list, IConfigurationSection section)
    {
        foreach (var value in section.GetChildren().Select(c => c.Value))
        {
            if (value is not null && !list.Contains(value))
            {
                list.Add(value);
            }
        }
    }
}
