using System.Globalization;

namespace Supply.Dashboard.Live;

/// <summary>
/// The reader's culture, captured when a component starts. Renders triggered by a push (the alert feed's thread) would
/// otherwise run in that thread's culture: the current culture flows with the caller, not with the circuit.
/// </summary>
public readonly record struct CircuitCulture(CultureInfo Culture, CultureInfo UiCulture)
{
    public static CircuitCulture Capture() => new(CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);

    /// <summary>Runs <paramref name="action"/> in the captured culture (on the circuit's dispatcher).</summary>
    public void Run(Action action)
    {
        CultureInfo.CurrentCulture = Culture;
        CultureInfo.CurrentUICulture = UiCulture;
        action();
    }
}
