namespace Segment.Functions.AspNetCore.Internal;

/// <summary>
/// The <c>messageId</c>s recently accepted from each write key, bounded in time and count
/// (<see cref="IngestionDedupeOptions"/>). Thread-safe: one lock per write key.
/// </summary>
/// <remarks>
/// A request first claims its ids. An id is then either new (claimed for this request), a
/// duplicate (accepted before, or earlier in the same request: dropped), or in flight (claimed by
/// another request still waiting for room). Only when the request's events were taken are its
/// claims committed and remembered; when they were not (no room, client gone), the claims are
/// released, so the client's retry is not mistaken for a duplicate of events never delivered.
/// </remarks>
internal sealed class MessageIdWindow
{
    private readonly IngestionDedupeOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, KeyWindow> _byKey = [];

    public MessageIdWindow(IngestionDedupeOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    /// <summary>What became of each id given to <see cref="Claim"/>.</summary>
    public enum Verdict
    {
        /// <summary>Claimed for this request.</summary>
        New,

        /// <summary>Accepted before (or earlier in this request): drop the event.</summary>
        Duplicate,

        /// <summary>Claimed by another request still being handled.</summary>
        InFlight,
    }

    /// <summary>Claims the ids of one request from the write key <paramref name="keyIndex"/>.</summary>
    /// <param name="keyIndex">The configured write key's index (-1 when the endpoint is open).</param>
    /// <param name="ids">The events' ids.</param>
    /// <param name="claim">What to commit or release later; holds the ids marked <see cref="Verdict.New"/>.</param>
    /// <returns>One verdict per id. When any is <see cref="Verdict.InFlight"/>, nothing is claimed.</returns>
    public Verdict[] Claim(int keyIndex, IReadOnlyList<string> ids, out Claim claim)
    {
        var window = WindowOf(keyIndex);
        var verdicts = new Verdict[ids.Count];
        var claimed = new HashSet<string>(StringComparer.Ordinal);
        lock (window)
        {
            window.Forget(_time.GetUtcNow(), _options.MaxMessageIdsPerWriteKey);
            for (var i = 0; i < ids.Count; i++)
            {
                if (window.Ids.TryGetValue(ids[i], out var state))
                {
                    verdicts[i] = state == IdState.Accepted || claimed.Contains(ids[i]) ? Verdict.Duplicate : Verdict.InFlight;
                    continue;
                }

                window.Ids.Add(ids[i], IdState.Claimed);
                claimed.Add(ids[i]);
            }

            if (Array.IndexOf(verdicts, Verdict.InFlight) >= 0)
            {
                foreach (var id in claimed)
                {
                    window.Ids.Remove(id);
                }

                claimed.Clear();
            }
        }

        claim = new Claim(window, claimed);
        return verdicts;
    }

    /// <summary>The claimed ids were accepted: remember them for the window.</summary>
    public void Commit(Claim claim)
    {
        var expires = _time.GetUtcNow() + _options.Window;
        lock (claim.Window)
        {
            foreach (var id in claim.Ids)
            {
                claim.Window.Ids[id] = IdState.Accepted;
                claim.Window.Order.Enqueue((id, expires));
            }

            claim.Window.Forget(_time.GetUtcNow(), _options.MaxMessageIdsPerWriteKey);
        }
    }

    /// <summary>The claimed ids were not accepted: forget them, so a retry is taken.</summary>
    public void Release(Claim claim)
    {
        lock (claim.Window)
        {
            foreach (var id in claim.Ids)
            {
                claim.Window.Ids.Remove(id);
            }
        }
    }

    private KeyWindow WindowOf(int keyIndex)
    {
        lock (_byKey)
        {
            if (!_byKey.TryGetValue(keyIndex, out var window))
            {
                _byKey[keyIndex] = window = new KeyWindow();
            }

            return window;
        }
    }

    internal enum IdState
    {
        Claimed,
        Accepted,
    }

    /// <summary>One write key's ids; <see cref="Order"/> holds the accepted ones, oldest first.</summary>
    internal sealed class KeyWindow
    {
        public Dictionary<string, IdState> Ids { get; } = new(StringComparer.Ordinal);

        public Queue<(string Id, DateTimeOffset Expires)> Order { get; } = new();

        // Drops accepted ids past their time, then the oldest past the count limit.
        public void Forget(DateTimeOffset now, int limit)
        {
            while (Order.TryPeek(out var oldest) && (oldest.Expires <= now || Order.Count > limit))
            {
                Order.Dequeue();
                Ids.Remove(oldest.Id);
            }
        }
    }
}

/// <summary>The ids one request claimed, to commit or release.</summary>
internal sealed record Claim(MessageIdWindow.KeyWindow Window, HashSet<string> Ids);
