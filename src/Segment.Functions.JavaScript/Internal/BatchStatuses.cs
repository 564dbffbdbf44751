using Jint;
using Jint.Native;
using Jint.Native.Object;

namespace Segment.Functions.JavaScript.Internal;

/// <summary>Reads what <c>onBatch</c> resolved to.</summary>
internal static class BatchStatuses
{
    /// <summary>
    /// A status per event only from a non-empty array whose every element is an object with a numeric
    /// <c>status</c>; anything else (nothing, <c>Promise.all</c>'s results, …) means every event was delivered.
    /// </summary>
    public static BatchResult Read(JsValue value)
    {
        if (value is not JsArray { Length: > 0 } array)
        {
            return BatchResult.Delivered;
        }

        var statuses = new EventStatus[array.Length];
        for (uint i = 0; i < array.Length; i++)
        {
            if (array[i] is not ObjectInstance item)
            {
                return BatchResult.Delivered;
            }

            var status = item.Get("status");
            if (!status.IsNumber())
            {
                return BatchResult.Delivered;
            }

            var message = item.Get("errorMessage");
            statuses[i] = new EventStatus((int)status.AsNumber(), message.IsNull() || message.IsUndefined() ? null : message.ToString());
        }

        return BatchResult.FromStatuses(statuses);
    }
}
