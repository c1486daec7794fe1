using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Aspects.Telemetry;

/// <summary>
/// The one <see cref="System.Diagnostics.Metrics.Meter"/> and <see cref="System.Diagnostics.ActivitySource"/>
/// of Aspects, both named <c>Aspects</c>: add that name to your OpenTelemetry metrics and tracing.
/// Instruments follow OpenTelemetry naming (<c>aspects.*</c>) and tag methods by name, never by argument value.
/// </summary>
public static class AspectsTelemetry
{
    /// <summary>The name of the meter and of the activity source.</summary>
    public const string Name = "Aspects";

    /// <summary>The meter every Aspects instrument belongs to.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>The activity source for aspect spans; spans start only when a listener is active.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);
}
