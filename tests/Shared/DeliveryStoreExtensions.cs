// In the records' namespace so every test project that reads records finds it without another using.
namespace Segment.Functions.Delivery;

/// <summary>Reading a store in tests: the in-memory stores answer at once, so a synchronous read is safe here.</summary>
internal static class DeliveryStoreExtensions
{
    /// <summary>The destination's most recent records, newest first.</summary>
    public static IReadOnlyList<DeliveryRecord> Recent(this IDeliveryStore store, string destination, int limit = 100)
    {
        var query = store.QueryAsync(new DeliveryQuery(destination) { Limit = limit });
        Assert.That(query.IsCompleted, Is.True, "an in-memory store answers at once");
        return query.Result;
    }
}
