using System.Globalization;
using Jint.Runtime;

namespace Segment.Functions.JavaScript.Internal;

/// <summary><c>Date.now()</c> and <c>new Date()</c> read the host's <see cref="TimeProvider"/> (the harness's fake clock in tests), in UTC as on the original runtime.</summary>
internal sealed class ClockTimeSystem(TimeProvider time) : DefaultTimeSystem(TimeZoneInfo.Utc, CultureInfo.InvariantCulture)
{
    public override DateTimeOffset GetUtcNow() => time.GetUtcNow();
}
