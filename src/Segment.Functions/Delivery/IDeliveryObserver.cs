namespace Segment.Functions.Delivery;

/// <summary>
/// Sees every delivery record as it is decided (each attempt that failed, and each event's final
/// outcome), before it reaches the store. Register implementations as services
/// (<c>services.AddSingleton&lt;IDeliveryObserver, MyObserver&gt;()</c>); the host calls each one.
/// </summary>
/// <remarks>
/// Called on the worker that ran the attempt, so keep it quick and thread-safe: count, sample or hand
/// off, never block. An observer that throws is logged and skipped; the event is not affected.
/// </remarks>
public interface IDeliveryObserver
{
    /// <summary>One record decided.</summary>
    /// <param name="record">The record (redacted, as stored).</param>
    void OnRecorded(DeliveryRecord record);
}
