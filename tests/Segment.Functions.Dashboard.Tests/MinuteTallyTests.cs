using Segment.Functions.Dashboard.Internal;
using Segment.Functions.Delivery;

namespace Segment.Functions.Dashboard.Tests;

public sealed class MinuteTallyTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 30, 30, TimeSpan.Zero);

    private static DeliveryRecord At(DateTimeOffset time, DeliveryState state) =>
        new() { Destination = "Shop", MessageId = "m", State = state, LastAttemptAt = time };

    [Test]
    public void Count_PutsEachRecordInTheMinuteOfItsLastAttempt_OverTheLastHour()
    {
        var tally = MinuteTally.Count(
            [
                At(Now.AddSeconds(-20), DeliveryState.Delivered), // 12:30:10, the current minute
                At(Now.AddSeconds(-29), DeliveryState.Retrying),  // 12:30:01
                At(new DateTimeOffset(2026, 1, 1, 11, 31, 0, TimeSpan.Zero), DeliveryState.Discarded), // the first minute shown
                At(new DateTimeOffset(2026, 1, 1, 11, 30, 59, TimeSpan.Zero), DeliveryState.Delivered), // before the hour: left out
                At(new DateTimeOffset(2026, 1, 1, 12, 0, 5, TimeSpan.Zero), DeliveryState.Expired),
            ],
            Now);

        Assert.That(tally.From, Is.EqualTo(new DateTimeOffset(2026, 1, 1, 11, 31, 0, TimeSpan.Zero)));
        Assert.That(tally.Delivered[59], Is.EqualTo(1));
        Assert.That(tally.Delivered.Sum(), Is.EqualTo(1));
        Assert.That(tally.Retried[59], Is.EqualTo(1));
        Assert.That(tally.Discarded[0], Is.EqualTo(1));
        Assert.That(tally.Expired[29], Is.EqualTo(1));
    }

    [Test]
    public void Render_DrawsABarPerOutcome_AndATextSummary()
    {
        var tally = MinuteTally.Count([At(Now, DeliveryState.Delivered), At(Now, DeliveryState.Discarded)], Now);
        var html = new Html();

        tally.Render(html);

        Assert.That(html.ToString(), Does.Contain("<rect class=\"delivered\"").And.Contain("<rect class=\"discarded\"").And.Contain("delivered 1").And.Contain("discarded 1"));
    }
}
