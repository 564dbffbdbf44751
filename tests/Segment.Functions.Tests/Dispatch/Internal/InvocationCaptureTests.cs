using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Dispatch.Internal;
using Segment.Functions.Hosting;
using Segment.Functions.Settings.Internal;

namespace Segment.Functions.Tests.Dispatch.Internal;

public sealed class InvocationCaptureTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void AddLog_UnderTheBudget_KeepsEachLineWithItsTimeAndLevel()
    {
        var time = new FakeTimeProvider(Start);
        var sut = CreateSut(time: time);

        sut.AddLog(LogLevel.Information, "first");
        time.Advance(TimeSpan.FromSeconds(1));
        sut.AddLog(LogLevel.Warning, "second");

        Assert.That(sut.Logs, Is.EqualTo(new[]
        {
            new LogEntry(Start, LogLevel.Information, "first"),
            new LogEntry(Start.AddSeconds(1), LogLevel.Warning, "second"),
        }));
        Assert.That(sut.FormatLogs(), Is.EqualTo("first\nsecond\n"));
        Assert.That(sut.DroppedLogBytes, Is.Zero);
    }

    [Test]
    public void FormatLogs_NothingLogged_IsEmpty()
    {
        var sut = CreateSut();

        Assert.That(sut.FormatLogs(), Is.Empty);
        Assert.That(sut.Logs, Is.Empty);
        Assert.That(sut.HttpTraces, Is.Empty);
    }

    [Test]
    public void AddLog_OverTheBudget_CutsTheLineAndCountsWhatWasDropped()
    {
        var sut = CreateSut(new InvocationOptions { MaxLogBytes = 256 });
        var line = new string('x', 99); // 100 bytes with its line break

        sut.AddLog(LogLevel.Information, line);
        sut.AddLog(LogLevel.Information, line);
        sut.AddLog(LogLevel.Information, line); // 56 bytes of room: 55 characters and the line break
        sut.AddLog(LogLevel.Information, line); // no room at all

        Assert.That(sut.Logs.Select(l => l.Message.Length), Is.EqualTo(new[] { 99, 99, 55 }));
        Assert.That(sut.DroppedLogBytes, Is.EqualTo(44 + 100));
        var text = sut.FormatLogs();
        Assert.That(Encoding.UTF8.GetByteCount(text[..text.IndexOf('…')]), Is.EqualTo(256), "the lines fill the budget exactly");
        Assert.That(text, Does.EndWith("… [logs truncated: 144 more bytes over the 256-byte limit]\n"));
    }

    [Test]
    public void AddLog_CutInsideMultiByteCharacters_KeepsWholeCharacters()
    {
        var sut = CreateSut(new InvocationOptions { MaxLogBytes = 256 });

        sut.AddLog(LogLevel.Information, new string('€', 200)); // 3 bytes each: 255 bytes of room for text

        var kept = sut.Logs.Single().Message;
        Assert.That(kept, Is.EqualTo(new string('€', 85)));
        Assert.That(sut.DroppedLogBytes, Is.EqualTo(601 - 256));
    }

    [Test]
    public void AddLog_OnlyALineBreakOfRoomLeft_DropsTheLineWhole()
    {
        var sut = CreateSut(new InvocationOptions { MaxLogBytes = 256 });
        sut.AddLog(LogLevel.Information, new string('x', 254)); // 255 bytes: one left

        sut.AddLog(LogLevel.Information, "next");

        Assert.That(sut.Logs, Has.Count.EqualTo(1), "an empty line would say nothing");
        Assert.That(sut.DroppedLogBytes, Is.EqualTo(5));
    }

    [Test]
    public void AddLog_FloodOfEmptyLines_IsBoundedByTheBudget()
    {
        var sut = CreateSut(new InvocationOptions { MaxLogBytes = 256 });

        for (var i = 0; i < 10_000; i++)
        {
            sut.AddLog(LogLevel.Debug, "");
        }

        Assert.That(sut.Logs, Has.Count.EqualTo(256));
        Assert.That(sut.DroppedLogBytes, Is.EqualTo(10_000 - 256));
    }

    [Test]
    public void AddTrace_OverTheLimit_CountsTheRest()
    {
        var sut = CreateSut(new InvocationOptions { MaxHttpTraces = 2 });

        for (var i = 0; i < 5; i++)
        {
            sut.AddTrace(Trace($"https://api.test/{i}"));
        }

        Assert.That(sut.HttpTraces.Select(t => t.Url), Is.EqualTo(new[] { "https://api.test/0", "https://api.test/1" }));
        Assert.That(sut.DroppedHttpTraces, Is.EqualTo(3));
    }

    [Test]
    public void Seal_ThenAddingMore_ChangesNothing()
    {
        var sut = CreateSut();
        sut.AddLog(LogLevel.Information, "before");
        sut.AddTrace(Trace("https://api.test/before"));

        sut.Seal();
        sut.AddLog(LogLevel.Information, "after");
        sut.AddTrace(Trace("https://api.test/after"));

        Assert.That(sut.Logs.Select(l => l.Message), Is.EqualTo(new[] { "before" }));
        Assert.That(sut.HttpTraces.Select(t => t.Url), Is.EqualTo(new[] { "https://api.test/before" }));
        Assert.That(sut.DroppedLogBytes, Is.Zero, "a line after the seal is ignored, not counted as cut");
        Assert.That(sut.DroppedHttpTraces, Is.Zero);
    }

    [Test]
    public void FormatLogs_Sealed_IsBuiltOnceAndShared()
    {
        var sut = CreateSut();
        sut.AddLog(LogLevel.Information, "line");
        sut.Seal();

        var first = sut.FormatLogs();
        var second = sut.FormatLogs();

        Assert.That(first, Is.EqualTo("line\n"));
        Assert.That(second, Is.SameAs(first));
    }

    [Test]
    public void FormatLogs_NotSealed_SeesLaterLines()
    {
        var sut = CreateSut();
        sut.AddLog(LogLevel.Information, "one");
        Assert.That(sut.FormatLogs(), Is.EqualTo("one\n"));

        sut.AddLog(LogLevel.Information, "two");

        Assert.That(sut.FormatLogs(), Is.EqualTo("one\ntwo\n"));
    }

    [Test]
    public async Task Current_ConcurrentFlows_EachSeeTheirOwn()
    {
        var outer = CreateSut();
        InvocationCapture.Current = outer;
        try
        {
            using var bothSet = new Barrier(2);
            var flows = new[] { "a", "b" }.Select(name => Task.Run(async () =>
            {
                var capture = CreateSut();
                InvocationCapture.Current = capture;
                bothSet.SignalAndWait(TimeSpan.FromSeconds(10)); // both flows have set theirs before either logs
                await Task.Yield();
                InvocationCapture.Current!.AddLog(LogLevel.Information, name);
                return capture;
            })).ToArray();
            var captures = await Task.WhenAll(flows).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.That(captures[0].Logs.Select(l => l.Message), Is.EqualTo(new[] { "a" }));
            Assert.That(captures[1].Logs.Select(l => l.Message), Is.EqualTo(new[] { "b" }));
            Assert.That(InvocationCapture.Current, Is.SameAs(outer), "a flow's capture does not leak back to its caller");
            Assert.That(outer.Logs, Is.Empty);
        }
        finally
        {
            InvocationCapture.Current = null;
        }
    }

    [Test]
    public async Task AddLogAndAddTrace_FromManyThreads_KeepEveryEntryUnderTheirLimits()
    {
        var sut = CreateSut(new InvocationOptions { MaxLogBytes = 64 * 1024, MaxHttpTraces = 100 });

        var workers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                sut.AddLog(LogLevel.Information, "123456789"); // 10 bytes: 4,000 lines would need 40,000
                if (i < 50)
                {
                    sut.AddTrace(Trace($"https://api.test/{t}/{i}"));
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(sut.Logs, Has.Count.EqualTo(4_000));
        Assert.That(sut.HttpTraces, Has.Count.EqualTo(100));
        Assert.That(sut.DroppedHttpTraces, Is.EqualTo(100));
        Assert.That(Encoding.UTF8.GetByteCount(sut.FormatLogs()), Is.EqualTo(40_000));
    }

    [Test]
    public void Capture_OfAnInvocationThatRecordsNothing_AllocatesOnlyItself()
    {
        var options = new InvocationOptions();
        var time = new FakeTimeProvider(Start);
        RecordNothing(options, time); // warm up: first calls may allocate for the runtime's own reasons

        const int Invocations = 1_000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Invocations; i++)
        {
            RecordNothing(options, time);
        }

        var perInvocation = (GC.GetAllocatedBytesForCurrentThread() - before) / Invocations;

        // The object: header and method table (16 B), six references, three counters and a flag.
        Assert.That(perInvocation, Is.LessThanOrEqualTo(80), "no lists, lock object or text until something is recorded");

        static void RecordNothing(InvocationOptions options, TimeProvider time)
        {
            var sut = new InvocationCapture(options, SecretRedactor.None, time);
            sut.Seal();
            _ = sut.FormatLogs();
            _ = sut.Logs.Count + sut.HttpTraces.Count + sut.DroppedHttpTraces;
        }
    }

    private static InvocationCapture CreateSut(InvocationOptions? options = null, TimeProvider? time = null) =>
        new(options ?? new InvocationOptions(), SecretRedactor.None, time ?? new FakeTimeProvider(Start));

    private static HttpTrace Trace(string url) => new() { Method = "GET", Url = url };
}
