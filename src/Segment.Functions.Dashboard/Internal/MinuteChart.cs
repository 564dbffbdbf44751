using System.Globalization;
using Segment.Functions.Delivery;

namespace Segment.Functions.Dashboard.Internal;

/// <summary>Outcomes per minute over the last hour, from the records' last attempt times.</summary>
/// <remarks>
/// A retry is counted in the minute of the attempt that asked for it, when the store keeps one record
/// per attempt (the in-memory store does); a store that keeps only the latest record shows the
/// retries still waiting.
/// </remarks>
internal sealed class MinuteTally
{
    public const int Minutes = 60;

    public int[] Delivered { get; } = new int[Minutes];
    public int[] Retried { get; } = new int[Minutes];
    public int[] Discarded { get; } = new int[Minutes];
    public int[] Expired { get; } = new int[Minutes];

    /// <summary>The start of the first minute shown.</summary>
    public DateTimeOffset From { get; private init; }

    public static MinuteTally Count(IEnumerable<DeliveryRecord> records, DateTimeOffset now)
    {
        // Whole minutes, the current one last.
        var currentMinute = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var tally = new MinuteTally { From = currentMinute.AddMinutes(-(Minutes - 1)) };
        foreach (var record in records)
        {
            var index = (int)Math.Floor((record.LastAttemptAt - tally.From).TotalMinutes);
            if (index is < 0 or >= Minutes)
            {
                continue;
            }

            var series = record.State switch
            {
                DeliveryState.Delivered => tally.Delivered,
                DeliveryState.Retrying => tally.Retried,
                DeliveryState.Discarded => tally.Discarded,
                _ => tally.Expired,
            };
            series[index]++;
        }

        return tally;
    }

    /// <summary>A stacked bar per minute, drawn on the server (no script), with a text summary beside it.</summary>
    public void Render(Html html)
    {
        const int width = 720, height = 130, top = 8, bottom = 18, barWidth = width / Minutes;
        var max = 1;
        for (var i = 0; i < Minutes; i++)
        {
            max = Math.Max(max, Delivered[i] + Retried[i] + Discarded[i] + Expired[i]);
        }

        var scale = (height - top - bottom) / (double)max;
        html.Open("svg", ("class", "chart"), ("viewBox", $"0 0 {width} {height}"), ("role", "img"), ("aria-label", "Outcomes per minute over the last hour"), ("xmlns", "http://www.w3.org/2000/svg"));
        for (var i = 0; i < Minutes; i++)
        {
            var y = (double)(height - bottom);
            foreach (var (name, series) in Series())
            {
                if (series[i] == 0)
                {
                    continue;
                }

                var h = series[i] * scale;
                y -= h;
                html.Open("rect", ("class", name), ("x", F(i * barWidth + 1)), ("y", F(y)), ("width", F(barWidth - 2)), ("height", F(h)))
                    .Element("title", $"{From.AddMinutes(i):HH:mm} UTC: {series[i]} {name}")
                    .Close("rect");
            }
        }

        html.Open("line", ("class", "axis"), ("x1", "0"), ("y1", F(height - bottom)), ("x2", F(width)), ("y2", F(height - bottom))).Close("line")
            .Element("text", $"{From:HH:mm}", ("x", "2"), ("y", F(height - 4)))
            .Element("text", $"{From.AddMinutes(Minutes - 1):HH:mm} UTC", ("x", F(width - 2)), ("y", F(height - 4)), ("text-anchor", "end"))
            .Element("text", $"max {max}/min", ("x", "2"), ("y", "12"))
            .Close("svg");

        html.Markup("<div class=\"legend\">");
        foreach (var (name, series) in Series())
        {
            html.Element("span", $"{name} {series.Sum().ToString("N0", CultureInfo.InvariantCulture)}", ("class", name));
        }

        html.Markup("<span class=\"muted\">in the last hour</span></div>");
    }

    private IEnumerable<(string Name, int[] Series)> Series() =>
        [("delivered", Delivered), ("retried", Retried), ("discarded", Discarded), ("expired", Expired)];

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
