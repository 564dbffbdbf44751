using Segment.Functions;
using Segment.Functions.Delivery;
using Segment.Functions.Hosting;

namespace Sample;

/// <summary>The live line: sent / delivered / retrying / discarded, redrawn in a terminal, a line a second otherwise.</summary>
public sealed class Progress(ISegmentFunctions functions, bool enabled)
{
    private readonly bool _redraw = !Console.IsOutputRedirected;
    private DateTime _last = DateTime.MinValue;

    public void Tick(int sent)
    {
        var interval = _redraw ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1);
        if (enabled && DateTime.UtcNow - _last >= interval)
        {
            _last = DateTime.UtcNow;
            Write(sent, final: false);
        }
    }

    public void Done(int sent)
    {
        if (enabled)
        {
            Write(sent, final: true);
        }
    }

    private void Write(int sent, bool final)
    {
        long delivered = 0, retrying = 0, discarded = 0, expired = 0;
        foreach (var destination in functions.Destinations.Append(DeliveryRecord.RejectedInput))
        {
            var counts = functions.GetCounts(destination);
            (delivered, retrying, discarded, expired) = (delivered + counts.Delivered, retrying + counts.Retrying, discarded + counts.DiscardedTotal, expired + counts.Expired);
        }

        // Serve mode does not count what it receives (sent < 0): the outcomes tell.
        var line = (sent >= 0 ? $"sent {sent,7} | " : "") + $"delivered {delivered,7} | retrying {retrying,5} | discarded {discarded,6} | expired {expired,4}";
        if (_redraw)
        {
            Console.Write("\r" + line + (final ? Environment.NewLine : ""));
        }
        else
        {
            Console.WriteLine(line);
        }
    }
}
