using Microsoft.Extensions.Time.Testing;
using Segment.Functions.Caching.Internal;

namespace Segment.Functions.Tests.Caching;

public sealed class FunctionCacheTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private FakeTimeProvider _time = null!;
    private FunctionCacheFactory _factory = null!;
    private FunctionCache _cache = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        _factory = new FunctionCacheFactory(new FunctionCacheOptions(), _time);
        _cache = _factory.Create();
    }

    [TearDown]
    public void TearDown() => _factory.Dispose();

    [Test]
    public async Task LoadAsync_TwoSequentialLoads_CallsFactoryOnce()
    {
        var counter = new CountingFactory<string>("token-1");

        var first = await _cache.LoadAsync("token", Ttl, counter.Invoke);
        var second = await _cache.LoadAsync("token", Ttl, counter.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.EqualTo("token-1"));
            Assert.That(second, Is.EqualTo("token-1"));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task LoadAsync_SecondLoadWithOtherFactory_ReturnsCachedValue()
    {
        await _cache.LoadAsync("token", Ttl, () => Task.FromResult("first"));

        var second = await _cache.LoadAsync("token", Ttl, () => Task.FromResult("second"));

        Assert.That(second, Is.EqualTo("first"));
    }

    [Test]
    public async Task LoadAsync_DifferentKeys_CallsFactoryForEach()
    {
        var counter = new CountingFactory<int>(7);

        await _cache.LoadAsync("a", Ttl, counter.Invoke);
        await _cache.LoadAsync("b", Ttl, counter.Invoke);

        Assert.That(counter.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LoadAsync_ClockAdvancedPastTtl_CallsFactoryAgain()
    {
        var values = new Queue<string>(["old", "new"]);
        var counter = new CountingFactory<string>(values.Dequeue);
        await _cache.LoadAsync("token", Ttl, counter.Invoke);

        _time.Advance(Ttl + TimeSpan.FromSeconds(1));
        var value = await _cache.LoadAsync("token", Ttl, counter.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value, Is.EqualTo("new"));
            Assert.That(counter.Calls, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task LoadAsync_ClockAdvancedJustShortOfTtl_ReturnsCachedValue()
    {
        var counter = new CountingFactory<string>("token-1");
        await _cache.LoadAsync("token", Ttl, counter.Invoke);

        _time.Advance(Ttl - TimeSpan.FromTicks(1));
        var value = await _cache.LoadAsync("token", Ttl, counter.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value, Is.EqualTo("token-1"));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task LoadAsync_MillisecondTtlElapsed_CallsFactoryAgain()
    {
        var counter = new CountingFactory<string>("v");
        await _cache.LoadAsync("token", 60_000L, counter.Invoke);

        _time.Advance(TimeSpan.FromSeconds(61));
        await _cache.LoadAsync("token", 60_000L, counter.Invoke);

        Assert.That(counter.Calls, Is.EqualTo(2));
    }

    [Test]
    public async Task LoadAsync_NullTtl_NeverExpires()
    {
        var counter = new CountingFactory<string>("v");
        await _cache.LoadAsync("token", (TimeSpan?)null, counter.Invoke);

        _time.Advance(TimeSpan.FromDays(365));
        var value = await _cache.LoadAsync("token", (TimeSpan?)null, counter.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value, Is.EqualTo("v"));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task LoadAsync_MinusOneMillisecondTtl_NeverExpires()
    {
        var counter = new CountingFactory<string>("v");
        await _cache.LoadAsync("token", -1L, counter.Invoke);

        _time.Advance(TimeSpan.FromDays(365));
        var value = await _cache.LoadAsync("token", -1L, counter.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value, Is.EqualTo("v"));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task LoadAsync_ConcurrentLoadsOfOneKey_CallFactoryOnceAndShareValue()
    {
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = new CountingFactory<string>(() => pending.Task);

        var first = _cache.LoadAsync("token", Ttl, counter.Invoke);
        var second = _cache.LoadAsync("token", Ttl, counter.Invoke);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.IsCompleted, Is.False);
            Assert.That(second.IsCompleted, Is.False);
        }

        pending.SetResult("shared");
        var values = await Task.WhenAll(first, second);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(values, Is.EqualTo(new[] { "shared", "shared" }));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task LoadAsync_AfterSharedLoadCompletes_ReturnsCachedValueWithoutFactory()
    {
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = new CountingFactory<string>(() => pending.Task);
        var first = _cache.LoadAsync("token", Ttl, counter.Invoke);
        pending.SetResult("shared");
        await first;

        var third = await _cache.LoadAsync("token", Ttl, counter.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(third, Is.EqualTo("shared"));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public void LoadAsync_FactoryThrowsWhileTwoWait_BothSeeTheException()
    {
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = new CountingFactory<string>(() => pending.Task);
        var first = _cache.LoadAsync("token", Ttl, counter.Invoke);
        var second = _cache.LoadAsync("token", Ttl, counter.Invoke);

        pending.SetException(new InvalidOperationException("token endpoint down"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(async () => await first, Throws.InvalidOperationException.With.Message.EqualTo("token endpoint down"));
            Assert.That(async () => await second, Throws.InvalidOperationException.With.Message.EqualTo("token endpoint down"));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task LoadAsync_AfterFactoryThrew_CallsFactoryAgain()
    {
        var failing = new CountingFactory<string>(Task<string> () => throw new InvalidOperationException("boom"));
        Assert.That(async () => await _cache.LoadAsync("token", Ttl, failing.Invoke), Throws.InvalidOperationException);

        var succeeding = new CountingFactory<string>("recovered");
        var value = await _cache.LoadAsync("token", Ttl, succeeding.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value, Is.EqualTo("recovered"));
            Assert.That(failing.Calls, Is.EqualTo(1));
            Assert.That(succeeding.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task LoadAsync_AfterAsyncFactoryFailed_CallsFactoryAgain()
    {
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = new CountingFactory<string>(() => pending.Task);
        var first = _cache.LoadAsync("token", Ttl, counter.Invoke);
        pending.SetException(new TimeoutException());
        Assert.That(async () => await first, Throws.TypeOf<TimeoutException>());

        var value = await _cache.LoadAsync("token", Ttl, () => Task.FromResult("second try"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value, Is.EqualTo("second try"));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task LoadAsync_OneWaiterCancelled_OtherStillGetsTheValue()
    {
        var pending = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancellation = new CancellationTokenSource();
        var counter = new CountingFactory<string>(() => pending.Task);
        var cancelled = _cache.LoadAsync("token", Ttl, counter.Invoke, cancellation.Token);
        var waiting = _cache.LoadAsync("token", Ttl, counter.Invoke);

        cancellation.Cancel();
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        pending.SetResult("value");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(await waiting, Is.EqualTo("value"));
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public async Task Delete_CachedKey_NextLoadCallsFactory()
    {
        var values = new Queue<string>(["before", "after"]);
        var counter = new CountingFactory<string>(values.Dequeue);
        await _cache.LoadAsync("token", Ttl, counter.Invoke);

        _cache.Delete("token");
        var value = await _cache.LoadAsync("token", Ttl, counter.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value, Is.EqualTo("after"));
            Assert.That(counter.Calls, Is.EqualTo(2));
        }
    }

    [Test]
    public async Task Delete_OtherKey_LeavesCachedValue()
    {
        var counter = new CountingFactory<string>("v");
        await _cache.LoadAsync("token", Ttl, counter.Invoke);

        _cache.Delete("other");
        await _cache.LoadAsync("token", Ttl, counter.Invoke);

        Assert.That(counter.Calls, Is.EqualTo(1));
    }

    [Test]
    public void Delete_MissingKey_DoesNotThrow()
    {
        Assert.DoesNotThrow(() => _cache.Delete("never-loaded"));
    }

    [Test]
    public async Task LoadAsync_TwoCachesFromOneFactory_DoNotShareKeys()
    {
        var other = _factory.Create();
        await _cache.LoadAsync("token", Ttl, () => Task.FromResult("destination-a"));

        var otherValue = await other.LoadAsync("token", Ttl, () => Task.FromResult("destination-b"));
        var ownValue = await _cache.LoadAsync("token", Ttl, () => Task.FromResult("unused"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(otherValue, Is.EqualTo("destination-b"));
            Assert.That(ownValue, Is.EqualTo("destination-a"));
        }
    }

    [Test]
    public async Task Delete_OnOneCache_LeavesOtherCachesKey()
    {
        var other = _factory.Create();
        await _cache.LoadAsync("token", Ttl, () => Task.FromResult("a"));
        await other.LoadAsync("token", Ttl, () => Task.FromResult("b"));

        other.Delete("token");
        var value = await _cache.LoadAsync("token", Ttl, () => Task.FromResult("reloaded"));

        Assert.That(value, Is.EqualTo("a"));
    }

    [Test]
    public async Task LoadAsync_KeyHoldsOtherType_ThrowsInvalidCastException()
    {
        await _cache.LoadAsync("token", Ttl, () => Task.FromResult("text"));

        var error = Assert.ThrowsAsync<InvalidCastException>(() => _cache.LoadAsync("token", Ttl, () => Task.FromResult(42)));

        Assert.That(error.Message, Does.Contain("\"token\"").And.Contain("String").And.Contain("Int32"));
    }

    [Test]
    public async Task LoadAsync_NullValue_IsCached()
    {
        var counter = new CountingFactory<string?>(() => Task.FromResult<string?>(null));
        await _cache.LoadAsync("token", Ttl, counter.Invoke);

        var value = await _cache.LoadAsync("token", Ttl, counter.Invoke);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(value, Is.Null);
            Assert.That(counter.Calls, Is.EqualTo(1));
        }
    }

    [Test]
    public void LoadAsync_ZeroTtl_ThrowsArgumentOutOfRangeException()
    {
        var counter = new CountingFactory<string>("v");

        var error = Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _cache.LoadAsync("token", TimeSpan.Zero, counter.Invoke));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(error.ParamName, Is.EqualTo("ttl"));
            Assert.That(counter.Calls, Is.Zero);
        }
    }

    [TestCase(0L)]
    [TestCase(-2L)]
    public void LoadAsync_ZeroOrNegativeMilliseconds_ThrowsArgumentOutOfRangeException(long ttlMilliseconds)
    {
        var counter = new CountingFactory<string>("v");

        Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _cache.LoadAsync("token", ttlMilliseconds, counter.Invoke));
        Assert.That(counter.Calls, Is.Zero);
    }

    [Test]
    public void LoadAsync_NullKey_ThrowsArgumentNullException()
    {
        Assert.ThrowsAsync<ArgumentNullException>(() => _cache.LoadAsync(null!, Ttl, () => Task.FromResult("v")));
    }

    /// <summary>A cache factory that counts its calls.</summary>
    private sealed class CountingFactory<T>(Func<Task<T>> create)
    {
        private int _calls;

        public CountingFactory(T value)
            : this(() => Task.FromResult(value))
        {
        }

        public CountingFactory(Func<T> next)
            : this(() => Task.FromResult(next()))
        {
        }

        public int Calls => Volatile.Read(ref _calls);

        public Task<T> Invoke()
        {
            Interlocked.Increment(ref _calls);
            return create();
        }
    }
}
